package net.p2pci.server.index;

import net.p2pci.protocol.Request;
import net.p2pci.protocol.Status;

/**
 * What the server tells an observer as it serves peers: each answered request, each registration, ADD and removal,
 * each connection refused at a limit. The dashboard and the metrics listen here; without them it is {@link #NONE},
 * whose methods do nothing, so the request path pays one call that the JIT removes.
 *
 * <p>Implementations are called on the connections' own threads, many at once, and must never block them.
 */
public interface IndexEvents {
    /** The observer that observes nothing. */
    IndexEvents NONE = new IndexEvents() {
    };

    /**
     * A request was answered with {@code status}, {@code nanos} after it had been read; {@code request} is null for
     * one that could not be parsed.
     */
    default void requestAnswered(Request request, Status status, long nanos) {
    }

    /** A peer registered with its connection's first request. */
    default void peerRegistered(PeerSession session) {
    }

    /** A peer added (or renamed) its record of RFC {@code number}. */
    default void recordAdded(PeerSession session, int number, String title) {
    }

    /** A peer's connection ended, for {@code reason}, and it went from the index with its {@code records}. */
    default void peerRemoved(PeerSession session, int records, EndReason reason) {
    }

    /** A connection was refused at a connection limit. */
    default void connectionRefused() {
    }
}
