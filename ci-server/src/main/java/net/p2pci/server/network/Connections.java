package net.p2pci.server.network;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.p2pci.server.index.LivenessProbe;

/**
 * The live connections by connection id, so that the watchdog can look them over, a contested registration's connection can
 * be probed, and shutdown can close them all. Thread-safe: a concurrent map, touched by the accept loop and by every handler.
 */
public final class Connections implements LivenessProbe {
    private final Map<Long, ConnectionHandler> byId = new ConcurrentHashMap<>();
    /** The registered connections by their peer's id, so that a probe of a contested claim costs one look-up. */
    private final Map<Long, ConnectionHandler> byPeerId = new ConcurrentHashMap<>();

    void add(ConnectionHandler handler) {
        byId.put(handler.id(), handler);
    }

    /** The connection's peer has registered: a probe of it can find the connection from now on. */
    void registered(ConnectionHandler handler) {
        byPeerId.put(handler.peerId(), handler);
    }

    void remove(ConnectionHandler handler) {
        byId.remove(handler.id(), handler);
        byPeerId.remove(handler.peerId(), handler);
    }

    /** Closes the connection with this id, if it is still open; its handler then cleans up as on any close. */
    void close(long id) {
        ConnectionHandler handler = byId.get(id);
        if (handler != null) {
            handler.closeSocket();
        }
    }

    /** Runs {@code action} on every live connection; one that opens or closes meanwhile may be seen or not. */
    void forEach(java.util.function.Consumer<ConnectionHandler> action) {
        byId.values().forEach(action);
    }

    /** Probes the connection of peer {@code peerId}, if it is one of this server's. */
    @Override
    public void probe(long peerId) {
        ConnectionHandler handler = byPeerId.get(peerId);
        if (handler != null) {
            handler.probeLiveness();
        }
    }

    /** How many connections are open now, registered or not. */
    public int size() {
        return byId.size();
    }

    /**
     * Closes every connection, without waiting: their handlers then remove their peers as on any close. For an
     * instance that has lost its lease on a shared store.
     */
    public void dropAll() {
        byId.values().forEach(ConnectionHandler::closeSocket);
    }

    /** Closes every connection and waits a bounded time for their handlers to finish cleaning up. */
    public void closeAll(long timeout, TimeUnit unit) {
        byId.values().forEach(ConnectionHandler::closeSocket);
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        for (ConnectionHandler handler : byId.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !handler.awaitFinished(left)) {
                break;
            }
        }
    }
}
