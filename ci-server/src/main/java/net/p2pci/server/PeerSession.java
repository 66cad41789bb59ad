package net.p2pci.server;

import java.net.InetSocketAddress;

/**
 * What the server knows about the peer at the other end of one connection: the connection's id and address,
 * and, from its first request on, the host and upload port it registered. Confined to the connection's thread.
 */
final class PeerSession {
    private final long id;
    private final InetSocketAddress remote;
    private String host;
    private int port;
    private boolean refusedBefore;

    PeerSession(long id, InetSocketAddress remote) {
        this.id = id;
        this.remote = remote;
    }

    long id() {
        return id;
    }


    /** The remote end as {@code address:port}, for log lines. */
    String describeRemote() {
        return sourceAddress() + ":" + remote.getPort();
    }

    /** The remote IP address as text, without a port. */
    String sourceAddress() {
        return remote.getAddress().getHostAddress();
    }

    boolean isRegistered() {
        return host != null;
    }

    void registered(String registeredHost, int registeredPort) {
        this.host = registeredHost;
        this.port = registeredPort;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** True the first time it is asked, so that a connection's refusals are logged once, not once per request. */
    boolean firstRefusal() {
        boolean first = !refusedBefore;
        refusedBefore = true;
        return first;
    }
}
