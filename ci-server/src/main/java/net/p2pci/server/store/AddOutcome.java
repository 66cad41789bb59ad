package net.p2pci.server.store;

/** What an ADD did: added (or retitled) the record, or refused it at one of the index's limits ({@link AddPolicy}). */
public enum AddOutcome {
    ADDED,
    /** The peer holds the most records one peer may hold, and this RFC is not one of them. */
    PEER_FULL,
    /** The peers connected from this peer's source address hold all the memory one address may take. */
    ADDRESS_FULL,
    /** The index holds all the memory its budget allows. */
    INDEX_FULL
}
