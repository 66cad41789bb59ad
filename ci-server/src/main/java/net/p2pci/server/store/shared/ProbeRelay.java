package net.p2pci.server.store.shared;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import javax.sql.DataSource;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Carries a contested claim's probe to the instance that holds the other claimant's connection: a registration that
 * finds its host:port claimed through another instance sends a PostgreSQL notification naming the other peers, and
 * every instance listens and probes those of them that are its own. So a claim is settled the same way whichever
 * instances the two connections reached: the older connection is probed, and goes only if it is dead.
 *
 * <p>One thread of its own holds one connection of the upkeep pool for LISTEN, and uses it every few seconds; should the database go away it connects
 * again, and a notification sent meanwhile is lost, as the claimants' keepalive still finds a dead one.
 */
final class ProbeRelay implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(ProbeRelay.class);

    /** The notification channel; its payload is the sending instance's id, then the peer ids, comma-separated. */
    static final String CHANNEL = "p2pci_probe";
    private static final int POLL_MILLIS = 500;
    /** How often an idle listening connection is used, so that one the network dropped silently is found. */
    private static final long CHECK_EVERY_MILLIS = 5_000;
    /** At most this many claimants are named in one notification: a few hundred bytes. */
    static final int MAX_PEERS_NAMED = 64;
    private static final long RECONNECT_PAUSE_MILLIS = 1_000;

    private final DataSource dataSource;
    private final LongConsumer probe;
    private final LongSupplier ownInstance;
    private final Thread listener;
    private volatile boolean closed;

    /**
     * @param dataSource  where to listen, on a connection held for good
     * @param probe       probes the connection of a peer, if it is this instance's
     * @param ownInstance this instance's row, whose own notifications need no relay (it probed its own already)
     */
    ProbeRelay(DataSource dataSource, LongConsumer probe, LongSupplier ownInstance) {
        this.dataSource = dataSource;
        this.probe = probe;
        this.ownInstance = ownInstance;
        this.listener = Thread.ofPlatform().name("probe-relay").daemon(true).unstarted(this::listen);
    }

    void start() {
        listener.start();
    }

    /**
     * The payload that asks the instances holding {@code peerIds} to probe them: the first {@link #MAX_PEERS_NAMED}
     * of them, oldest first, which keeps it well inside PostgreSQL's 8000-byte limit on a notification.
     */
    static String payload(long fromInstance, List<Long> peerIds) {
        StringBuilder text = new StringBuilder().append(fromInstance);
        for (long peerId : peerIds.subList(0, Math.min(peerIds.size(), MAX_PEERS_NAMED))) {
            text.append(',').append(peerId);
        }
        return text.toString();
    }

    private void listen() {
        boolean failing = false;
        while (!closed) {
            try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("LISTEN " + CHANNEL);
                if (failing) {
                    log.info("[Server] Listening for probes of contested claims from other instances again");
                    failing = false;
                }
                PGConnection notifications = connection.unwrap(PGConnection.class);
                long lastCheck = System.nanoTime();
                while (!closed) {
                    PGNotification[] received = notifications.getNotifications(POLL_MILLIS);
                    if (received != null) {
                        for (PGNotification notification : received) {
                            relay(notification.getParameter());
                        }
                    }
                    if (System.nanoTime() - lastCheck > TimeUnit.MILLISECONDS.toNanos(CHECK_EVERY_MILLIS)) {
                        statement.execute("SELECT 1"); // fails on a connection the network dropped
                        lastCheck = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    return;
                }
                if (!failing) {
                    log.warn("[Server] Not receiving probes of contested claims from other instances ({});"
                            + " trying again", e.getMessage());
                    failing = true;
                }
                pause();
            }
        }
    }

    private void relay(String payload) {
        String[] fields = payload.split(",");
        try {
            if (Long.parseLong(fields[0]) == ownInstance.getAsLong()) {
                return; // this instance probed its own connections already
            }
            for (int i = 1; i < fields.length; i++) {
                probe.accept(Long.parseLong(fields[i]));
            }
        } catch (NumberFormatException e) {
            log.debug("[Server] ignored a probe notification that is not ours: {}", payload);
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RECONNECT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        listener.interrupt();
    }
}
