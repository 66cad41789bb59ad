package net.p2pci.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.download.Download;
import net.p2pci.peer.download.DownloadException;
import net.p2pci.peer.download.DownloadProgress;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.ByteRange;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.MessageWriter;

/**
 * The {@code multi-source} scenario (docs/PROTOCOL.md 9.3): one file of --size bytes (1 GiB by default) held by
 * four rfc-peer processes on loopback, fetched by the peer's own downloader, in this process, three times: from one
 * holder, from all four at once, and from all four with one killed with SIGKILL halfway through. Each download must
 * complete and match the file's SHA-256. Each holder is asked for the digest once before the timed runs, so that
 * they time transfers, not the one-time digest of the file (that is a figure of its own).
 */
final class MultiSourceScenario {
    private static final int RFC = 99_998;
    private static final int HOLDERS = 4;
    /** Far more than a 1 GiB download on loopback takes, even on a slow machine. */
    private static final Duration DOWNLOAD_DEADLINE = Duration.ofMinutes(10);
    /** How often the killing run looks at the download's progress: fine enough to kill near the half. */
    private static final long PROGRESS_POLL_NANOS = 200_000;
    private static final String OS = "Linux (p2pci bench)";

    private MultiSourceScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        long size = settings.largeFileBytes();
        Result result = new Result(settings.scenario(), "file=" + size + " bytes, holders=" + HOLDERS
                + ", ranges of " + Downloader.MultiSource.DEFAULT.rangeBytes() + " bytes from "
                + Downloader.MultiSource.DEFAULT.minFileBytes() + " bytes on");
        if (size < Downloader.MultiSource.DEFAULT.minFileBytes()) {
            result.fail("--size must be at least " + Downloader.MultiSource.DEFAULT.minFileBytes()
                    + " bytes, the multi-source threshold");
            return result;
        }
        Path work = settings.workDirectory();
        Path original = RfcFiles.write(Files.createDirectories(work.resolve("holder-0")), RFC, size);
        List<PeerProcess> peers = new ArrayList<>();
        try {
            List<HostAndPort> holders = new ArrayList<>();
            for (int h = 0; h < HOLDERS; h++) {
                Path shared = Files.createDirectories(work.resolve("holder-" + h));
                if (h > 0) {
                    linkOrCopy(original, RfcFiles.fileName(shared, RFC));
                }
                peers.add(PeerProcess.start(settings, server, shared, work.resolve("holder-" + h + ".out")));
            }
            for (PeerProcess peer : peers) {
                InetSocketAddress uploads = peer.awaitUploadServer();
                holders.add(new HostAndPort("127.0.0.1", uploads.getPort()));
            }
            long digestStart = System.nanoTime();
            for (HostAndPort holder : holders) {
                askForDigest(holder);
            }
            result.figure("digest_ms", (System.nanoTime() - digestStart) / 1e6 / HOLDERS,
                    "ms for a holder's first digest of the file, then cached (mean of " + HOLDERS + ")");

            Path downloads = Files.createDirectories(work.resolve("downloader"));
            RfcLibrary library = RfcLibrary.open(downloads);
            try (Downloader downloader = new Downloader(library, OS, size, Downloader.MultiSource.DEFAULT)) {
                double one = timed(result, "one_holder", downloader, holders.getFirst(), List.of(), size, 1,
                        null, downloads);
                double four = timed(result, "four_holders", downloader, holders.getFirst(),
                        holders.subList(1, HOLDERS), size, HOLDERS, null, downloads);
                double killed = timed(result, "four_one_killed", downloader, holders.getFirst(),
                        holders.subList(1, HOLDERS), size, 2, peers.getLast(), downloads);
                result.figure("speedup_four", one / four, "x the one-holder time");
                result.figure("speedup_four_one_killed", one / killed, "x the one-holder time");
            }
            result.figure("errors", result.failures().size(),
                    "downloads not whole, not verified or from too few holders");
        } finally {
            peers.forEach(PeerProcess::close);
        }
        return result;
    }

    /**
     * One download, timed; its seconds. With {@code victim}, that holder is killed once half the file has come.
     * The download must be verified against its digest and come from at least {@code minSources} holders.
     */
    private static double timed(Result result, String name, Downloader downloader, HostAndPort first,
                                List<HostAndPort> others, long size, int minSources, PeerProcess victim,
                                Path downloads) throws IOException {
        GetRequest request = downloader.requestFor(RFC, first);
        ExecutorService thread = Executors.newVirtualThreadPerTaskExecutor();
        long start = System.nanoTime();
        try {
            Future<Download> running = thread.submit(() -> downloader.download(first, request, others));
            if (victim != null) {
                killHalfway(downloader, running, victim, size, start + DOWNLOAD_DEADLINE.toNanos());
            }
            Download download = running.get(DOWNLOAD_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            result.figure(name + "_s", seconds, "s");
            result.figure(name + "_mb_per_s", size / seconds / 1e6, "MB/s (10^6 bytes)");
            result.figure(name + "_sources", download.sources(), "holders that sent some of it");
            if (!download.verified()) {
                result.fail(name + ": the file was not verified against its digest");
            }
            if (download.sources() < minSources || download.bytes() != size) {
                result.fail(name + ": " + download.bytes() + " bytes from " + download.sources()
                        + " holder(s); expected " + size + " from at least " + minSources);
            }
            download.notes().forEach(note -> result.note(name + ": " + note));
            Files.delete(download.file());
            return seconds;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            result.fail(name + ": " + (cause instanceof DownloadException failed ? failed.getMessage() : cause));
            return Double.NaN;
        } catch (TimeoutException e) {
            downloader.close();
            result.fail(name + ": not done in " + DOWNLOAD_DEADLINE.toMinutes() + " min");
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            thread.shutdownNow();
            try (var left = Files.list(downloads)) {
                if (left.findAny().isPresent() && result.passed()) {
                    result.fail(name + ": files left in the download directory");
                }
            }
        }
    }

    /** Kills {@code victim} once the download has half the file, or it has ended, or the deadline has passed. */
    private static void killHalfway(Downloader downloader, Future<Download> running, PeerProcess victim, long size,
                                    long deadlineNanos) {
        while (!running.isDone() && System.nanoTime() - deadlineNanos < 0) {
            Optional<DownloadProgress> progress = downloader.progress().stream().findFirst();
            if (progress.isPresent() && progress.get().receivedBytes() >= size / 2) {
                break;
            }
            LockSupport.parkNanos(PROGRESS_POLL_NANOS);
        }
        victim.kill();
    }

    /** Asks {@code holder} for the digest with a one-byte range, so that it computes and caches it. */
    private static void askForDigest(HostAndPort holder) throws IOException {
        GetRequest request = new GetRequest(RFC, holder.host(), Optional.of(OS), true,
                Optional.of(new ByteRange(0, 0)));
        try (Socket socket = new Socket(holder.host(), holder.port())) {
            socket.setSoTimeout((int) DOWNLOAD_DEADLINE.toMillis());
            socket.getOutputStream().write(MessageWriter.encode(request));
            InputStream in = socket.getInputStream();
            byte[] answer = in.readAllBytes();
            if (!new String(answer, StandardCharsets.ISO_8859_1).contains("Repr-Digest: sha-256=")) {
                throw new IOException("holder " + holder + " sent no digest");
            }
        }
    }

    private static void linkOrCopy(Path existing, Path link) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(existing, link);
        }
    }
}
