package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Histogram;

/**
 * The {@code churn} scenario: C workers each connect, ADD K RFCs, and disconnect, over and over, as fast as the
 * server lets them. Then a LIST must show that no departed peer left a record behind.
 */
final class ChurnScenario {
    /** Churning peers' upload ports: one per worker; each cycle's host name is new, so registrations never clash. */
    private static final int FIRST_PORT = 30_000;

    private ChurnScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        SourceAddresses addresses = new SourceAddresses(settings.sourceAddresses());
        long start = System.nanoTime();
        long measureFrom = start + settings.warmup().toNanos();
        long end = measureFrom + settings.duration().toNanos();
        Histogram cycles = ClosedLoop.newHistogram();
        int lost = 0;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Histogram>> workers = new ArrayList<>();
            for (int w = 0; w < settings.connections(); w++) {
                int worker = w;
                workers.add(threads.submit(() -> churn(server, addresses, worker, settings.records(), measureFrom,
                        end, errors)));
            }
            for (Future<Histogram> worker : workers) {
                try {
                    cycles.add(worker.get());
                } catch (ExecutionException e) {
                    errors.count("worker:" + e.getCause().getClass().getSimpleName());
                    lost++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
        double seconds = settings.duration().toNanos() / 1e9;
        result.figure("cycles_per_s", cycles.getTotalCount() / seconds, "cycles/s (connect, ADD x K, close)");
        result.figure("adds_per_s", cycles.getTotalCount() * settings.records() / seconds, "ADD/s within cycles");
        result.figure("cycles", cycles.getTotalCount(), "");
        result.figure("cycle_p50_ms", ClosedLoop.millis(cycles.getValueAtPercentile(50)), "ms");
        result.figure("cycle_p99_ms", ClosedLoop.millis(cycles.getValueAtPercentile(99)), "ms");
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after every peer closed");
        result.figure("settle_ms", settled.millis(), "ms until the index was empty");
        result.figure("errors", errors.total(), errors.describe());
        LoadScenario.check(result, errors, lost, settled);
        return result;
    }

    /** One worker's cycles until {@code end}; the durations of those begun at or after {@code measureFrom}. */
    private static Histogram churn(InetSocketAddress server, SourceAddresses addresses, int worker, int records,
                                   long measureFrom, long end, Errors errors) {
        Histogram cycles = ClosedLoop.newHistogram();
        for (long cycle = 0; ; cycle++) {
            long begin = System.nanoTime();
            if (begin >= end) {
                return cycles;
            }
            try (SimulatedPeer peer = SimulatedPeer.connect(server, addresses.forConnection(worker),
                    "churn-" + worker + "-" + cycle, FIRST_PORT + worker)) {
                if (!peer.addAll(worker * records + 1, records)) {
                    errors.count("wrong-answer");
                }
            } catch (IOException e) {
                errors.count(e);
                continue;
            }
            if (begin >= measureFrom) {
                cycles.recordValue(Math.min(System.nanoTime() - begin, cycles.getHighestTrackableValue()));
            }
        }
    }
}
