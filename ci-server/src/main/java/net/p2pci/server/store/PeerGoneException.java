package net.p2pci.server.store;

/** The peer's registration no longer exists: its removal has begun, or its instance's lease was lost. */
public final class PeerGoneException extends RuntimeException {
    public PeerGoneException(long peerId) {
        super("peer " + peerId + " is no longer registered", null, false, false);
    }
}
