package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;

/**
 * A peer of its own that asks the index what it holds, from outside the load: after the simulated peers left, no
 * record of theirs may remain. Used by one thread.
 */
final class IndexProbe {
    /** Polling interval while waiting for the index to settle. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /**
     * How long the probe waits for an answer. Longer than a load's own timeout: when 64 peers holding hundreds of
     * thousands of records leave at once, the server deletes them all before it registers the probe, and that
     * took more than 10 s after an ADD run. Whether their records went in time is the settle deadline's call.
     */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);
    /** The probe's upload port: only a number, nothing listens on it. */
    private static final int PROBE_PORT = 9;

    /** How many records were left when polling stopped, and how long it took to get there. */
    record Settled(int records, long millis) {
    }

    private IndexProbe() {
    }

    /** Every record in the index now, from a LIST on a fresh connection. */
    static List<RfcRecord> listAll(InetSocketAddress server) throws IOException {
        try (SimulatedPeer probe = SimulatedPeer.connect(server, null, "index-probe", PROBE_PORT,
                ANSWER_TIMEOUT)) {
            IndexResponse answer = probe.list();
            if (answer.status() != Status.OK_200) {
                throw new IOException("LIST ALL answered " + answer.status());
            }
            return answer.records();
        }
    }

    /**
     * LISTs until no record matches {@code stale} or {@code deadline} has passed. A departing peer's records go
     * when the server has seen its connection close, a moment after the close; past the deadline they are stale.
     */
    static Settled awaitNone(InetSocketAddress server, Predicate<RfcRecord> stale, Duration deadline)
            throws IOException {
        long start = System.nanoTime();
        while (true) {
            int left = (int) listAll(server).stream().filter(stale).count();
            long elapsed = System.nanoTime() - start;
            if (left == 0 || elapsed > deadline.toNanos()) {
                return new Settled(left, elapsed / 1_000_000);
            }
            Processes.pause(POLL_INTERVAL);
        }
    }

    /** LISTs until every record is gone: the usual end of a run, when every simulated peer has left. */
    static Settled awaitEmpty(InetSocketAddress server, Duration deadline) throws IOException {
        return awaitNone(server, record -> true, deadline);
    }

    /**
     * As {@link #awaitEmpty(InetSocketAddress, Duration)} for instances sharing one index, each asked in turn
     * within the one deadline: the most records any of them still showed, and the time until all showed none.
     */
    static Settled awaitEmpty(List<InetSocketAddress> servers, Duration deadline) throws IOException {
        long start = System.nanoTime();
        int mostLeft = 0;
        for (InetSocketAddress server : servers) {
            Duration left = deadline.minusNanos(System.nanoTime() - start);
            mostLeft = Math.max(mostLeft, awaitEmpty(server, left.isNegative() ? Duration.ZERO : left).records());
        }
        return new Settled(mostLeft, (System.nanoTime() - start) / 1_000_000);
    }
}
