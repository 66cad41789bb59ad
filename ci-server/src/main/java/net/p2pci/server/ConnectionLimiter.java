package net.p2pci.server;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Counts open connections, in all and per source address, and says whether one more may open. Refusals are
 * logged once when they begin and once, with their count, when connections are accepted again, so a flood of
 * attempts cannot flood the log.
 *
 * <p>Thread-safe: every method is synchronized; each call is a few map operations.
 */
final class ConnectionLimiter {
    private static final Logger log = LogManager.getLogger(ConnectionLimiter.class);

    private final int maxConnections;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> openByAddress = new HashMap<>();
    private int open;
    private long refusedSinceLogged;

    ConnectionLimiter(int maxConnections, int maxPerAddress) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
    }

    /** Counts a new connection from {@code address} if the limits allow it; false means refuse it. */
    synchronized boolean tryAcquire(InetAddress address) {
        int fromAddress = openByAddress.getOrDefault(address, 0);
        if (open >= maxConnections || fromAddress >= maxPerAddress) {
            if (refusedSinceLogged++ == 0) {
                log.warn("[Server] Refusing connections: {} (further refusals are counted, not logged)",
                        open >= maxConnections
                                ? open + " open, the limit is " + maxConnections
                                : fromAddress + " open from " + address.getHostAddress() + ", the limit is " + maxPerAddress);
            }
            return false;
        }
        if (refusedSinceLogged > 0) {
            log.warn("[Server] Accepting connections again; refused {} over the limits", refusedSinceLogged);
            refusedSinceLogged = 0;
        }
        open++;
        openByAddress.put(address, fromAddress + 1);
        return true;
    }

    synchronized void release(InetAddress address) {
        open--;
        openByAddress.computeIfPresent(address, (key, count) -> count == 1 ? null : count - 1);
    }

    synchronized int open() {
        return open;
    }
}
