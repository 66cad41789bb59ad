package net.p2pci.server.store;

/**
 * The database could not be reached, or did not answer, within the time a request may wait for it; nothing of the
 * change that failed was kept. The server closes the connection that asked, as the peer's only sign of it.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
