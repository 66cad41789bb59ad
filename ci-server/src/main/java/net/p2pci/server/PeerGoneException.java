package net.p2pci.server;

/** The peer's registration no longer exists: a newer connection took over its host and port. */
public final class PeerGoneException extends RuntimeException {
    public PeerGoneException(long peerId) {
        super("registration of connection " + peerId + " was replaced", null, false, false);
    }
}
