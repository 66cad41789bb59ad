package net.p2pci.web;

/**
 * A request that cannot be served as asked, with the status to answer it with and a message that quotes nothing
 * the request sent; {@link ExchangeHandler}, the one place failures are sorted, answers it. Immutable.
 */
public final class RequestException extends RuntimeException {
    private final int status;

    public RequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
