package net.p2pci.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
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
    private static final String OS = "Linux (p2pci bench)";
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
        try (PeerProcess peer = PeerProcess.start(settings, server, shared,
                settings.workDirectory().resolve("rfc-peer.out"))) {
            InetSocketAddress uploads = peer.awaitUploadServer();
            byte[] request = MessageWriter.encode(
                    new GetRequest(number, uploads.getAddress().getHostAddress(), Optional.of(OS)));
            ClosedLoop.Phases phases = new ClosedLoop.Phases(warmup, duration, LARGE_DOWNLOAD_DEADLINE,
                    downloaders == 1);
            measureDownloads(result, uploads, request, GetScenario::readHead, size, downloaders, phases,
                    Optional.of(ProcessCpu.of(peer.pid())));
            if (!peer.isAlive()) {
                result.fail("the peer exited during the run");
            }
        }
        return result;
    }

    /**
     * Runs {@code downloaders} workers in {@link ClosedLoop}, each fetching {@code request} from {@code server} on a
     * new connection each time, the head read by {@code head}; every answer must be a 200 of exactly {@code size}
     * bytes. Adds the figures and checks to {@code result}. With one downloader, the rate comes from whole downloads
     * only (it finishes the one it is in).
     */
    static void measureDownloads(Result result, InetSocketAddress server, byte[] request, Download.HeadReader head,
                                 long size, int downloaders, ClosedLoop.Phases phases, Optional<ProcessCpu> cpu) {
        Errors errors = new Errors();
        LongAdder bytes = new LongAdder();
        ClosedLoop.Measured measured = ClosedLoop.run(downloaders, index -> {
            Download download = new Download();
            return counted -> {
                Download.Outcome outcome = download.fetch(server, request, head);
                outcome.requireComplete(size);
                if (counted) {
                    bytes.add(outcome.receivedBytes());
                }
            };
        }, ClosedLoop.Connections.PER_REQUEST, phases, errors, cpu);
        Histogram latencies = measured.latencies();
        double seconds = phases.untilOneDone() ? latencies.getTotalCount() * latencies.getMean() / 1e9
                : measured.seconds();
        result.figure("files_per_s", latencies.getTotalCount() / seconds, "files/s");
        result.figure("mb_per_s", bytes.sum() / seconds / 1e6, "MB/s (10^6 bytes)");
        result.figure("downloads", latencies.getTotalCount(), "complete, each " + size + " bytes");
        result.figure("p50_ms", ClosedLoop.millis(latencies.getValueAtPercentile(50)), "ms");
        result.figure("p99_ms", ClosedLoop.millis(latencies.getValueAtPercentile(99)), "ms");
        result.figure("max_ms", ClosedLoop.millis(latencies.getMaxValue()), "ms");
        ClosedLoop.reportCpu(result, "", measured);
        ClosedLoop.check(result, errors, measured, "downloaders");
    }

    /** A P2P-CI/1.0 response head, with the body bytes the reader took past it counted (and dropped). */
    private static Download.Head readHead(InputStream in, byte[] scratch) throws IOException {
        MessageReader reader = new MessageReader(in);
        FileResponse head = reader.readFileResponseHead();
        long bodyBytes = 0;
        InputStream rest = reader.remaining();
        for (int buffered = reader.bufferedBytes(); buffered > 0; buffered = reader.bufferedBytes()) {
            bodyBytes += rest.read(scratch, 0, Math.min(buffered, scratch.length));
        }
        return new Download.Head(head.status().code(), head.contentLength().orElse(-1), bodyBytes);
    }
}
