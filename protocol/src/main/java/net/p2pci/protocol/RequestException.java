package net.p2pci.protocol;

import java.util.Objects;

/**
 * A request that cannot be served as sent. It carries the status to answer with, and whether the connection can
 * go on: it can when the malformed message was read to its end, so that the next request starts cleanly.
 */
public final class RequestException extends Exception {
    private final Status status;
    private final boolean connectionUsable;

    public RequestException(Status status, String reason, boolean connectionUsable) {
        super(reason, null, false, false);
        this.status = Objects.requireNonNull(status, "status");
        this.connectionUsable = connectionUsable;
    }

    public Status status() {
        return status;
    }

    /** False when the rest of the malformed message could not be found, so the stream is out of step. */
    public boolean connectionUsable() {
        return connectionUsable;
    }
}
