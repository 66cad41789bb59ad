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
 * waiting nobody is dropped, and once a stall of more than {@link #STALL_NANOS} ends, the timeout of a write that
 * was under way through it counts from its end.
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

    /** When the heartbeat under way was sent, in System.nanoTime() terms; 0 when it has run. */
    private volatile long heartbeatSentNanos;
    /** When the last stall ended: the write timeout counts from then for a write that was under way through it. */
    private volatile long stallEndedNanos;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("watchdog").daemon(true).factory());

    public Watchdog(Connections connections, IndexStore store, ClientLog clientLog, Duration writeTimeout) {
        this.connections = connections;
        this.store = store;
        this.clientLog = clientLog;
        this.writeTimeoutNanos = writeTimeout.toNanos();
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::look, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void look() {
        try {
            long now = System.nanoTime();
            boolean stalled = heartbeatSentNanos != 0;
            if (!stalled) {
                sendHeartbeat(now);
            }
            long countsFrom = stallEndedNanos;
            connections.forEach(connection -> {
                if (!stalled && connection.dropIfWriteOverdue(now, writeTimeoutNanos, countsFrom)) {
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
        }
    }

    /**
     * Starts a virtual thread that only notes when it ran: while it waits for a carrier, the server's own threads
     * are stalled (every carrier busy, or the JVM paused), and a connection whose client has read may not have had
     * the chance to write on.
     */
    private void sendHeartbeat(long now) {
        heartbeatSentNanos = now;
        Thread.ofVirtual().name("watchdog-heartbeat").start(() -> {
            long ran = System.nanoTime();
            if (ran - now > STALL_NANOS) {
                stallEndedNanos = ran;
            }
            heartbeatSentNanos = 0;
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
