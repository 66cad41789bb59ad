package net.p2pci.peer.index;

/**
 * What came of asking the index server to drop one record of this peer. The standard protocol has no such request:
 * a peer's records go only with its connection, so a peer that stops holding an RFC registers again on a new
 * connection. A server that offers a withdrawal extension lets the peer drop the one record instead.
 */
public enum Withdrawal {
    /** The server dropped the record; the connection and the peer's other records stay. */
    WITHDRAWN,
    /** The server offers no withdrawal; the record stays until the peer registers again on a new connection. */
    UNSUPPORTED
}
