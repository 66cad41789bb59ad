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
            connections.forEach(connection -> {
                if (connection.dropIfWriteOverdue(now, writeTimeoutNanos)) {
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

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
