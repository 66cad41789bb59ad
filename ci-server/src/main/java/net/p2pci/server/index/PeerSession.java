package net.p2pci.server.index;

import java.net.InetSocketAddress;

/**
 * What the server knows about the peer at the other end of one connection: the connection's id and address,
 * and, from its first request on, the peer's id in the store and the host and upload port it registered. Confined to the connection's thread, but for its peer id.
 */
public final class PeerSession {
    private final long id;
    private final InetSocketAddress remote;
    /** The remote address as text, formatted once: every ADD logs it and puts it on the web side's feed. */
    private final String sourceAddress;
    /** Volatile: the network side looks it up from other threads, to probe a contested claim's connection. */
    private volatile long peerId = -1;
    private String host;
    private int port;
    private boolean refusedBefore;
    private EndReason endReason = EndReason.ERROR;

    public PeerSession(long id, InetSocketAddress remote) {
        this.id = id;
        this.remote = remote;
        this.sourceAddress = remote.getAddress().getHostAddress();
    }

    /** The connection's id, given by the accept loop. */
    public long id() {
        return id;
    }

    /** The id the store gave the peer's registration; -1 before the first request. */
    public long peerId() {
        return peerId;
    }


    /** The remote end as {@code address:port}, for log lines. */
    public String describeRemote() {
        return sourceAddress() + ":" + remote.getPort();
    }

    /** The remote IP address as text, without a port. */
    public String sourceAddress() {
        return sourceAddress;
    }

    public boolean isRegistered() {
        return host != null;
    }

    void registered(long registeredPeerId, String registeredHost, int registeredPort) {
        this.peerId = registeredPeerId;
        this.host = registeredHost;
        this.port = registeredPort;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Why the connection ended; set by the connection's thread as it ends. */
    public EndReason endReason() {
        return endReason;
    }

    public void ended(EndReason reason) {
        this.endReason = reason;
    }

    /** True the first time it is asked, so that a connection's refusals are logged once, not once per request. */
    boolean firstRefusal() {
        boolean first = !refusedBefore;
        refusedBefore = true;
        return first;
    }
}
