package net.p2pci.server.store;

/**
 * The rule that lets an ADD in or refuses it, decided by the index side ({@code net.p2pci.server.index.IndexRules})
 * and applied by a store at the moment it makes the change, against the facts as they stand then.
 */
@FunctionalInterface
public interface AddPolicy {
    /** Lets every ADD in: for tests of a store's own behaviour. */
    AddPolicy ADMIT_ALL = facts -> AddOutcome.ADDED;

    /** {@link AddOutcome#ADDED}, or the limit that refuses the ADD described by {@code facts}. */
    AddOutcome decide(AddFacts facts);

    /**
     * What an ADD would change, for {@link #decide}.
     *
     * @param held            whether the peer holds this RFC already (then the ADD only retitles it)
     * @param recordCount     how many records the peer holds now
     * @param growthBytes     by how many estimated bytes the ADD grows the index ({@link RecordSize}); negative or
     *                        zero for a retitle that shrinks or keeps the record's size
     * @param totalBytes      the estimated bytes the index holds now (on a shared store: this instance's peers')
     * @param sourceBytes     the estimated bytes the peers from this peer's source address hold now
     */
    record AddFacts(boolean held, int recordCount, long growthBytes, long totalBytes, long sourceBytes) {
    }
}
