package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import net.p2pci.protocol.Status;
import org.HdrHistogram.Histogram;

/**
 * The {@code get} and {@code get-large} scenarios: downloads from an rfc-peer's upload server, a connection per
 * request, every byte counted. {@code get}: C concurrent downloaders fetch one RFC file over and over.
 * {@code get-large}: one downloader fetches one large file over and over, for the single-stream rate.
 */
final class GetScenario {
    /** The RFC file {@code get} serves, from the repository's sample RFCs: a real, mid-sized RFC. */
    static final int SAMPLE_RFC = 2616;
    /** The number the large file is served under. */
    private static final int LARGE_RFC = 99_999;
    /** A 1 GiB download on a slow machine takes seconds, not minutes. */
    private static final Duration LARGE_DOWNLOAD_DEADLINE = Duration.ofMinutes(5);

    private GetScenario() {
    }

    /** C downloaders of {@code rfcFile} (the sample RFC 2616 by default) for S seconds after the warm-up. */
    static Result runSmall(Settings settings, InetSocketAddress server, Path rfcFile) throws IOException {
        Path shared = Files.createDirectories(settings.workDirectory().resolve("shared"));
        Files.copy(rfcFile, RfcFiles.fileName(shared, SAMPLE_RFC));
        long size = Files.size(rfcFile);
        return run(settings, server, shared, SAMPLE_RFC, size, settings.connections(), settings.warmup(),
                settings.duration());
    }

    /**
     * One downloader of a large file for S seconds (at least one whole download). The file is generated unless
     * {@code existing} names one, which is then linked (or copied) into the shared directory.
     */
    static Result runLarge(Settings settings, InetSocketAddress server, Path existing) throws IOException {
        Path shared = Files.createDirectories(settings.workDirectory().resolve("shared"));
        Path file = RfcFiles.fileName(shared, LARGE_RFC);
        if (existing != null) {
            try {
                Files.createLink(file, existing);
            } catch (IOException | UnsupportedOperationException e) {
                Files.copy(existing, file);
            }
        } else {
            RfcFiles.write(shared, LARGE_RFC, settings.largeFileBytes());
        }
        return run(settings, server, shared, LARGE_RFC, Files.size(file), 1, Duration.ZERO, settings.duration());
    }

    private static Result run(Settings settings, InetSocketAddress server, Path shared, int number, long size,
                              int downloaders, Duration warmup, Duration duration) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe() + " file=" + size + " bytes");
        Errors errors = new Errors();
        try (PeerProcess peer = PeerProcess.start(settings, server, shared,
                settings.workDirectory().resolve("rfc-peer.out"))) {
            InetSocketAddress uploads = peer.awaitUploadServer();
            long start = System.nanoTime();
            long measureFrom = start + warmup.toNanos();
            long end = measureFrom + duration.toNanos();
            Histogram latencies = RequestLoad.newHistogram();
            LongAdder bytes = new LongAdder();
            int lost = 0;
            ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
            try {
                List<Future<Histogram>> running = new ArrayList<>();
                for (int d = 0; d < downloaders; d++) {
                    running.add(threads.submit(() -> downloadLoop(uploads, number, size, downloaders == 1,
                            measureFrom, end, bytes, errors)));
                }
                long joinDeadline = end + LARGE_DOWNLOAD_DEADLINE.toNanos();
                for (Future<Histogram> downloader : running) {
                    try {
                        latencies.add(downloader.get(Math.max(1, joinDeadline - System.nanoTime()),
                                TimeUnit.NANOSECONDS));
                    } catch (ExecutionException | TimeoutException e) {
                        errors.count("downloader:" + e.getClass().getSimpleName());
                        lost++;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted", e);
                    }
                }
            } finally {
                threads.shutdownNow();
            }
            double seconds = downloaders == 1 ? latencies.getTotalCount() * latencies.getMean() / 1e9
                    : duration.toNanos() / 1e9;
            result.figure("files_per_s", latencies.getTotalCount() / seconds, "files/s");
            result.figure("mb_per_s", bytes.sum() / seconds / 1e6, "MB/s (10^6 bytes)");
            result.figure("downloads", latencies.getTotalCount(), "complete, each " + size + " bytes");
            result.figure("p50_ms", RequestLoad.millis(latencies.getValueAtPercentile(50)), "ms");
            result.figure("p99_ms", RequestLoad.millis(latencies.getValueAtPercentile(99)), "ms");
            result.figure("max_ms", RequestLoad.millis(latencies.getMaxValue()), "ms");
            result.figure("errors", errors.total(), errors.describe());
            if (errors.total() > 0) {
                result.fail(errors.total() + " errors: " + errors.describe());
            }
            if (lost > 0) {
                result.fail(lost + " downloaders did not finish");
            }
            if (latencies.getTotalCount() == 0) {
                result.fail("no download completed in the measured time");
            }
            if (!peer.isAlive()) {
                result.fail("the peer exited during the run");
            }
        }
        return result;
    }

    /**
     * Downloads until {@code end}; records those begun at or after {@code measureFrom}. A single downloader
     * finishes the download it is in, so that a large file's rate comes from whole downloads only.
     */
    private static Histogram downloadLoop(InetSocketAddress uploads, int number, long size, boolean single,
                                          long measureFrom, long end, LongAdder bytes, Errors errors) {
        Download download = new Download();
        Histogram latencies = RequestLoad.newHistogram();
        while (true) {
            long begin = System.nanoTime();
            boolean stillWithoutOne = single && latencies.getTotalCount() == 0
                    && begin < end + LARGE_DOWNLOAD_DEADLINE.toNanos();
            if (begin >= end && !stillWithoutOne) {
                return latencies;
            }
            try {
                Download.Outcome outcome = download.fetch(uploads, number);
                long done = System.nanoTime();
                if (!outcome.isComplete(size)) {
                    errors.count(outcome.status() != Status.OK_200 ? "status-" + outcome.status().code()
                            : "wrong-length");
                } else if (begin >= measureFrom) {
                    latencies.recordValue(Math.min(done - begin, latencies.getHighestTrackableValue()));
                    bytes.add(outcome.receivedBytes());
                }
            } catch (IOException e) {
                errors.count(e);
            }
        }
    }
}
