package net.p2pci.peer.index;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Objects;
import net.p2pci.peer.HostAndPort;

/**
 * One index server that could not be connected to, and why.
 *
 * @param server the server as listed
 * @param cause  what connecting threw
 */
public record ConnectFailure(HostAndPort server, Exception cause) {
    public ConnectFailure {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(cause, "cause");
    }

    /** Why, in a few words for the person at the peer: {@code Connection refused}, {@code unknown host}. */
    public String reason() {
        return switch (cause) {
            case UnknownHostException e -> "unknown host";
            case ConnectException e -> Objects.requireNonNullElse(e.getMessage(), "connection refused");
            case SocketTimeoutException e -> "no answer within " + IndexClient.CONNECT_TIMEOUT.toSeconds() + " s";
            default -> Objects.requireNonNullElse(cause.getMessage(), cause.getClass().getSimpleName());
        };
    }

    /** {@code host:port (reason)}, as a list of failures shows each. */
    @Override
    public String toString() {
        return server + " (" + reason() + ")";
    }
}
