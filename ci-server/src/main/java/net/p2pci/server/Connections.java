package net.p2pci.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The live connections by id, so that the watchdog can look them over, a contested registration's connection can
 * be probed, and shutdown can close them all. Thread-safe: a concurrent map, touched by the accept loop and by every handler.
 */
final class Connections {
    private final Map<Long, ConnectionHandler> byId = new ConcurrentHashMap<>();

    void add(ConnectionHandler handler) {
        byId.put(handler.id(), handler);
    }

    void remove(ConnectionHandler handler) {
        byId.remove(handler.id(), handler);
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

    /** The live connection with this id, if it is still open. */
    java.util.Optional<ConnectionHandler> find(long id) {
        return java.util.Optional.ofNullable(byId.get(id));
    }

    int size() {
        return byId.size();
    }

    /** Closes every connection and waits a bounded time for their handlers to finish cleaning up. */
    void closeAll(long timeout, TimeUnit unit) {
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
