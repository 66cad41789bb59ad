package net.p2pci.server.index;

import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;

/**
 * The limits an ADD is held to, in one place for every store: a peer holds at most {@code maxRecordsPerPeer}
 * records, and the records may take at most the memory {@code budget} allows, in all and per source address. A
 * repeated ADD of an RFC the peer holds is always let in unless its new title grows the record past the budget.
 * Immutable, so thread-safe.
 */
public record IndexRules(int maxRecordsPerPeer, IndexBudget budget) implements AddPolicy {
    @Override
    public AddOutcome decide(AddFacts facts) {
        if (!facts.held() && facts.recordCount() >= maxRecordsPerPeer) {
            return AddOutcome.PEER_FULL;
        }
        if (facts.growthBytes() <= 0) {
            return AddOutcome.ADDED; // a change that does not grow the index is always let in
        }
        if (facts.totalBytes() + facts.growthBytes() > budget.maxBytes()) {
            return AddOutcome.INDEX_FULL;
        }
        if (facts.sourceBytes() + facts.growthBytes() > budget.maxBytesPerAddress()) {
            return AddOutcome.ADDRESS_FULL;
        }
        return AddOutcome.ADDED;
    }

    /** Why {@code outcome} refused an ADD from a peer at {@code sourceAddress}, for the log. */
    String describe(AddOutcome outcome, String sourceAddress) {
        return switch (outcome) {
            case PEER_FULL -> "the peer holds the most records allowed, " + maxRecordsPerPeer;
            case ADDRESS_FULL -> "the peers at " + sourceAddress + " hold the most memory one address may, "
                    + mebibytes(budget.maxBytesPerAddress()) + " MiB of records";
            case INDEX_FULL -> "the index holds the most memory its budget allows, "
                    + mebibytes(budget.maxBytes()) + " MiB of records";
            case ADDED -> throw new IllegalArgumentException("not a refusal");
        };
    }

    private static long mebibytes(long bytes) {
        return bytes >> 20;
    }
}
