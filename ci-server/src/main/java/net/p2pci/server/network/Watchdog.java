package net.p2pci.server.network;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import net.p2pci.server.FatalErrors;
import net.p2pci.server.index.ClientLog;
import net.p2pci.server.store.IndexStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Looks over every connection a few times a second on one thread of its own: drops a client whose answer has waited
 * longer than the write timeout for it to read (which frees the answer's memory), ends liveness probes that have
 * had their time, retries removals of departed peers that the database failed, and logs the counts of client log
 * lines held back ({@link ClientLog#flush}). A blocked socket write has no timeout of its own in Java; closing the
 * socket from here ends it.
 *
 * <p>The write timeout is the client's time, not the server's: a connection's thread is a virtual thread, and when
 * every carrier thread is busy (many connections making large answers at once) one whose client has read may wait
 * for a carrier before it can write on. A heartbeat virtual thread sent each tick tells such stalls: while one is
 * waiting only a write older than {@link #HARD_LIMIT_TIMEOUTS} timeouts is dropped, and once a stall of more than
 * {@link #STALL_NANOS} ends (or the watchdog itself was late by that much: the JVM was paused), the timeout of a
 * write that was under way through it counts from its end, up to that hard limit, so a non-reader is dropped in the
 * end even on a server kept busy for long.
 *
 * <p>Thread-safe: it reads the connections' volatile write clocks and closes sockets, both safe from any thread.
 */
public final class Watchdog implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(Watchdog.class);

    /** How often it looks: a stuck writer is dropped at most this long after its timeout. */
    static final Duration TICK = Duration.ofMillis(200);

    private final Connections connections;
    private final IndexStore store;
    private final ClientLog clientLog;
    private final long writeTimeoutNanos;
    /**
     * A heartbeat that waited this long for a carrier thread was a stall of the server's own: a busy server's carriers
     * take a queued virtual thread within milliseconds.
     */
    static final long STALL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** How many write timeouts a write may wait in all, stalls or not: a non-reader goes in the end. */
    static final int HARD_LIMIT_TIMEOUTS = 3;

    /** When the heartbeat under way was sent, in System.nanoTime() terms made odd; 0 when it has run. */
    private volatile long heartbeatSentNanos;
    /**
     * When the last stall ended, in System.nanoTime() terms made odd, 0 before the first: the write timeout counts
     * from then for a write that was under way through it.
     */
    private volatile long stallEndedNanos;
    /** When the watchdog's last look ended, 0 before the first; only its own thread reads and writes it. */
    private long lastLookEndedNanos;
    private final long hardLimitNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchdog").daemon(true).factory());

    public Watchdog(Connections connections, IndexStore store, ClientLog clientLog, Duration writeTimeout) {
        this.connections = connections;
        this.store = store;
        this.clientLog = clientLog;
        this.writeTimeoutNanos = writeTimeout.toNanos();
        this.hardLimitNanos = writeTimeoutNanos * HARD_LIMIT_TIMEOUTS;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::look, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            long now = System.nanoTime();
            // The watchdog's own thread late by more than a stall (a GC pause, say): the JVM was paused, and no
            // connection's thread could write meanwhile.
            if (lastLookEndedNanos != 0 && now - lastLookEndedNanos > TICK.toNanos() + STALL_NANOS) {
                stallEndedNanos = now | 1;
            }
            boolean stalled = heartbeatSentNanos != 0;
            if (!stalled) {
                sendHeartbeat(now);
            }
            long countsFrom = stallEndedNanos;
            connections.forEach(connection -> {
                // While stalled, only a write that has waited past the hard limit goes, so that a non-reader is
                // dropped in the end even on a server kept busy for long.
                if (connection.dropIfWriteOverdue(now, stalled ? hardLimitNanos : writeTimeoutNanos,
                        stalled ? 0 : countsFrom, hardLimitNanos)) {
                    clientLog.warning("not reading", connection.address().getHostAddress(),
                            "[Server] Dropped {}: it read nothing of its answer for {} ms", connection.describeRemote(),
                            TimeUnit.NANOSECONDS.toMillis(writeTimeoutNanos));
                }
                connection.endProbeIfDue(now);
            });
            clientLog.flush();
            int retried = store.retryFailedRemovals();
            if (retried > 0) {
                log.warn("[Server] Removed the rows of {} departed peer(s) whose removal had failed", retried);
            }
        } catch (RuntimeException | Error e) {
            if (FatalErrors.isFatal(e)) {
                FatalErrors.halt(e);
            }
            log.error("[Server] watchdog failed; it looks again at its next tick", e);
        } finally {
            lastLookEndedNanos = System.nanoTime() | 1; // the next look is due a tick after this
        }
    }

    /**
     * Starts a virtual thread that only notes when it ran: while it waits for a carrier, the server's own threads
     * are stalled (every carrier busy, or the JVM paused), and a connection whose client has read may not have had
     * the chance to write on.
     */
    private void sendHeartbeat(long now) {
        heartbeatSentNanos = now | 1;
        try {
            Thread.ofVirtual().name("watchdog-heartbeat").start(() -> {
                long ran = System.nanoTime();
                if (ran - now > STALL_NANOS) {
                    stallEndedNanos = ran | 1;
                }
                heartbeatSentNanos = 0;
            });
        } catch (RuntimeException e) {
            heartbeatSentNanos = 0; // none under way: the next tick sends another
            throw e;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
