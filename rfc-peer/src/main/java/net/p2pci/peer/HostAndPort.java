package net.p2pci.peer;

import java.net.InetSocketAddress;
import java.util.OptionalInt;
import net.p2pci.protocol.WireText;

/**
 * A host and TCP port as a user types them: {@code host:port}, or {@code [v6-address]:port} for an IPv6 literal.
 *
 * @param host a host name or address literal (without brackets), a single token as the protocol requires
 * @param port 1 to 65535
 */
public record HostAndPort(String host, int port) {
    public HostAndPort {
        if (!WireText.isHost(host)) {
            throw new IllegalArgumentException("invalid host: " + WireText.forLog(host));
        }
        if (!WireText.isPort(port)) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
    }

    /**
     * Parses {@code host:port}, or just {@code host} when a default port is given.
     *
     * @throws IllegalArgumentException with a message fit for a one-line error
     */
    public static HostAndPort parse(String text, OptionalInt defaultPort) {
        String trimmed = text.strip();
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("missing ']' in " + WireText.forLog(trimmed));
            }
            host = trimmed.substring(1, close);
            String rest = trimmed.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("expected ':port' after ']' in " + WireText.forLog(trimmed));
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = trimmed.indexOf(':');
            if (colon >= 0 && trimmed.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("write an IPv6 address in brackets, as [::1]:7734: "
                        + WireText.forLog(trimmed));
            }
            host = colon < 0 ? trimmed : trimmed.substring(0, colon);
            port = colon < 0 ? null : trimmed.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("missing host in " + WireText.forLog(trimmed));
        }
        if (port != null && port.isEmpty()) {
            throw new IllegalArgumentException("missing port after ':' in " + WireText.forLog(trimmed));
        }
        if (port == null) {
            if (defaultPort.isEmpty()) {
                throw new IllegalArgumentException("missing port: expected host:port, got " + WireText.forLog(trimmed));
            }
            return new HostAndPort(host, defaultPort.getAsInt());
        }
        return new HostAndPort(host, parsePort(port));
    }

    /** A port number 1-65535 in plain decimal. */
    public static int parsePort(String text) {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("port is not a number from 1 to 65535: " + WireText.forLog(text));
        }
        int port = Integer.parseInt(text);
        if (!WireText.isPort(port)) {
            throw new IllegalArgumentException("port is not a number from 1 to 65535: " + text);
        }
        return port;
    }

    /** The address to connect to; a name that does not resolve yields an unresolved address, and connect says so. */
    public InetSocketAddress resolve() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
