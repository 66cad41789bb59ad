package net.p2pci.server.network;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.p2pci.server.index.ClientLog;

/**
 * Counts open connections, in all and per source address, and decides whether a new one may open. A connection is
 * <em>pending</em> from its accept until its first request registers it; at a limit, the oldest pending connection
 * (of that address, for the per-address limit) is closed to make room before anyone is refused. So connections that
 * never send a request cannot lock peers out, not even peers behind the same address as the silent ones: each new
 * connection takes the slot of the oldest silent one, and a real peer registers within milliseconds.
 *
 * <p>Refusals are logged once when they begin and once, with their count, when connections are accepted again, so
 * a flood of attempts cannot flood the log; and a client that makes the two alternate (closing one connection,
 * opening two) gets those lines throttled like any other it causes ({@link ClientLog}).
 *
 * <p>Thread-safe: every method is synchronized; each call is a few set and map operations.
 */
final class ConnectionLimiter {
    /** What {@link #admit} decided. */
    sealed interface Admission {
        /** Admitted; {@code evicted} are the pending connections it displaced, for the caller to close. */
        record Admitted(List<ConnectionHandler> evicted) implements Admission {
        }

        /** Refused: every connection counted against the limit is registered; {@code reason} says which limit. */
        record Refused(String reason) implements Admission {
        }
    }

    /** The connections of one source address. */
    private static final class AddressSlots {
        int open;
        /** Its pending connections, oldest first. */
        final Set<ConnectionHandler> pending = new LinkedHashSet<>();
    }

    private final int maxConnections;
    private final int maxPerAddress;
    private final Map<InetAddress, AddressSlots> byAddress = new HashMap<>();
    /** Every pending connection, oldest first. */
    private final Set<ConnectionHandler> pending = new LinkedHashSet<>();
    /** The connections counted now; one evicted is no longer, so its later release counts nothing. */
    private final Set<ConnectionHandler> counted = new HashSet<>();
    private long refusedSinceLogged;

    private final ClientLog clientLog;

    ConnectionLimiter(int maxConnections, int maxPerAddress, ClientLog clientLog) {
        this.maxConnections = maxConnections;
        this.maxPerAddress = maxPerAddress;
        this.clientLog = clientLog;
    }

    /** Counts {@code connection}, a pending one, if the limits allow it, closing pending ones to make room. */
    synchronized Admission admit(ConnectionHandler connection) {
        InetAddress address = connection.address();
        AddressSlots slots = byAddress.get(address);
        List<ConnectionHandler> evicted = new ArrayList<>(1);
        if (slots != null && slots.open >= maxPerAddress) {
            if (slots.pending.isEmpty()) {
                return refuse(address, slots.open + " open from " + address.getHostAddress() + ", the limit is "
                        + maxPerAddress + ", all registered");
            }
            evicted.add(evict(slots.pending.iterator().next()));
        }
        if (counted.size() >= maxConnections) {
            if (pending.isEmpty()) {
                return refuse(address, counted.size() + " open, the limit is " + maxConnections + ", all registered");
            }
            evicted.add(evict(pending.iterator().next()));
        }
        if (refusedSinceLogged > 0) {
            clientLog.warning("accepting again", address.getHostAddress(),
                    "[Server] Accepting connections again; refused {} over the limits", refusedSinceLogged);
            refusedSinceLogged = 0;
        }
        slots = byAddress.get(address); // an eviction may have emptied and dropped it
        if (slots == null) {
            slots = new AddressSlots();
            byAddress.put(address, slots);
        }
        counted.add(connection);
        slots.open++;
        slots.pending.add(connection);
        pending.add(connection);
        return new Admission.Admitted(evicted);
    }

    private Admission refuse(InetAddress address, String reason) {
        if (refusedSinceLogged++ == 0) {
            clientLog.warning("refusing", address.getHostAddress(),
                    "[Server] Refusing connections: {} (further refusals are counted, not logged)", reason);
        }
        return new Admission.Refused(reason);
    }

    /** Stops counting {@code connection}, a pending one, so that its slot can be given at once; returns it. */
    private ConnectionHandler evict(ConnectionHandler connection) {
        uncount(connection);
        return connection;
    }

    /** {@code connection} has registered: from now on it is never displaced. */
    synchronized void registered(ConnectionHandler connection) {
        pending.remove(connection);
        AddressSlots slots = byAddress.get(connection.address());
        if (slots != null) {
            slots.pending.remove(connection);
        }
    }

    /** {@code connection} has closed; does nothing if it was evicted. */
    synchronized void release(ConnectionHandler connection) {
        uncount(connection);
    }

    private void uncount(ConnectionHandler connection) {
        if (!counted.remove(connection)) {
            return;
        }
        pending.remove(connection);
        AddressSlots slots = byAddress.get(connection.address());
        slots.pending.remove(connection);
        if (--slots.open == 0) {
            byAddress.remove(connection.address());
        }
    }
}
