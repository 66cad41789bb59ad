package net.p2pci.web;

/**
 * A request that cannot be served, with the status to answer it with and a message that quotes nothing the request
 * sent; the server's one catch ladder answers it. Immutable.
 */
public final class BadRequestException extends RuntimeException {
    private final int status;

    public BadRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
