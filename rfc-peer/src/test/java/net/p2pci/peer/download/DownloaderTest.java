package net.p2pci.peer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.SampleRfcs;
import net.p2pci.peer.download.ScriptedHolder.AfterAnswer;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.upload.UploadServer;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Downloads from a real upload server and from scripted holders that misbehave; none may leave a bad file. */
final class DownloaderTest {
    private static final String OS = "TestOS 1.0";
    private static final int RFC = 1149;
    /** A byte limit small enough to test at and one past without megabytes of traffic. */
    private static final int SMALL_LIMIT = 1000;
    /** A minimum rate that tests can reach in a second: 1000 bytes a second. */
    private static final Duration RATE_WINDOW = Duration.ofSeconds(1);
    private static final long MIN_BYTES_PER_WINDOW = 1000;
    /** Far past one rate window, and far short of the download's own time limit. */
    private static final Duration GIVE_UP_DEADLINE = Duration.ofSeconds(30);
    private static final byte[] TEXT = "A Standard for the Transmission of IP Datagrams on Avian Carriers\n"
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path holderDir;
    @TempDir
    Path dir;
    private RfcLibrary library;
    private Downloader downloader;

    @BeforeEach
    void openLibrary() throws IOException {
        library = RfcLibrary.open(dir);
        downloader = new Downloader(library, OS, Duration.ofMillis(500), Downloader.MAX_DOWNLOAD_BYTES,
                Downloader.MAX_DOWNLOAD_TIME);
    }

    @Test
    void aDownloadFromAnUploadServerIsByteIdenticalAndServedUnderItsCanonicalName() throws Exception {
        SampleRfcs.copy(holderDir, List.of(2616));
        FileTime published = FileTime.from(Instant.parse("1999-06-01T00:00:00Z"));
        Files.setLastModifiedTime(holderDir.resolve("rfc2616.txt"), published);
        RfcLibrary holderLibrary = RfcLibrary.open(holderDir);
        holderLibrary.scan();
        try (UploadServer holder = UploadServer.start(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), holderLibrary, OS)) {
            HostAndPort address = new HostAndPort("127.0.0.1", holder.port());

            Download download = downloader.download(address, downloader.requestFor(2616, address));

            assertThat(download.file()).isEqualTo(dir.resolve("rfc2616.txt"));
            assertThat(SampleRfcs.sha256(download.file())).isEqualTo(SampleRfcs.sha256(SampleRfcs.file(2616)));
            assertThat(download.bytes()).isEqualTo(Files.size(SampleRfcs.file(2616)));
            assertThat(download.head().status()).isEqualTo(Status.OK_200);
            assertThat(download.elapsed()).isPositive();
            assertThat(library.find(2616)).contains(download.file());
            assertThat(filesIn(dir)).containsExactly("rfc2616.txt");
            assertThat(Files.getLastModifiedTime(download.file())).isEqualTo(published);
            Path ordinaryFile = Files.createFile(dir.resolve("ordinary"));
            assertThat(Files.getPosixFilePermissions(download.file()))
                    .isEqualTo(Files.getPosixFilePermissions(ordinaryFile));
        }
    }

    @Test
    void aBodyThatEndsAtEofWithoutContentLengthIsAccepted() throws Exception {
        byte[] answer = concat("P2P-CI/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n".getBytes(StandardCharsets.UTF_8),
                TEXT);
        try (ScriptedHolder holder = ScriptedHolder.answering(answer)) {
            Download download = download(holder);

            assertThat(download.file()).hasBinaryContent(TEXT);
        }
    }

    @Test
    void aHolderThatStaysConnectedAfterTheAnnouncedBytesStillDelivers() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(TEXT.length, TEXT), AfterAnswer.STAY_OPEN)) {
            Download download = download(holder);

            assertThat(download.file()).hasBinaryContent(TEXT);
        }
    }

    @Test
    void aFileThatStartsWithAnEmptyLineAfterAHeadWithoutOneIsSavedWhole() throws Exception {
        // Larger than the copy buffer, so that the empty line put in front moves the file in several pieces.
        byte[] file = ("\n\n" + "Network Working Group\n".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
        byte[] head = ("P2P-CI/1.0 200 OK\nContent-Length: " + file.length + "\nContent-Type: text/text\n")
                .getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(concat(head, file))) {
            Download download = download(holder);

            assertThat(download.file()).hasBinaryContent(file);
            assertThat(download.deviations()).extracting(AnswerDeviation::kind).containsExactly(
                    AnswerDeviation.Kind.LF_LINE_ENDS, AnswerDeviation.Kind.NO_EMPTY_LINE_BEFORE_BODY);
        }
    }

    @Test
    void aShortBodyLeavesNoFileAndSaysSo() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(1000, TEXT))) {
            DownloadException failure = failedDownload(holder);

            assertThat(failure).hasMessage(holder.address() + " closed the connection after " + TEXT.length
                    + " of 1000 bytes");
            assertThat(failure.head()).get().extracting(FileResponse::status).isEqualTo(Status.OK_200);
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void anOversizedBodyLeavesNoFileAndSaysSo() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(10, TEXT))) {
            assertThat(failedDownload(holder)).hasMessage(holder.address() + " sent more than the 10 bytes it announced");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void anAnnouncedLengthOverTheLimitIsRefusedBeforeAnythingIsWritten() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(Downloader.MAX_DOWNLOAD_BYTES + 1, TEXT))) {
            assertThat(failedDownload(holder)).hasMessageContaining("over the limit");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {SMALL_LIMIT, SMALL_LIMIT + 1})
    void anUnannouncedBodyIsAcceptedUpToTheByteLimitAndRefusedOneByteOver(int size) throws Exception {
        Downloader capped = new Downloader(library, OS, Duration.ofMillis(500), SMALL_LIMIT,
                Downloader.MAX_DOWNLOAD_TIME);
        byte[] body = "x".repeat(size).getBytes(StandardCharsets.UTF_8);
        byte[] answer = concat("P2P-CI/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.UTF_8), body);
        try (ScriptedHolder holder = ScriptedHolder.answering(answer)) {
            if (size <= SMALL_LIMIT) {
                assertThat(download(capped, holder).file()).hasBinaryContent(body);
            } else {
                assertThat(failedDownload(capped, holder))
                        .hasMessage(holder.address() + " sent more than the limit of " + SMALL_LIMIT + " bytes");
                assertThat(filesIn(dir)).isEmpty();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {SMALL_LIMIT, SMALL_LIMIT + 1})
    void anAnnouncedBodyIsAcceptedUpToTheByteLimitAndRefusedOneByteOverBeforeAnythingIsWritten(int size)
            throws Exception {
        Downloader capped = new Downloader(library, OS, Duration.ofMillis(500), SMALL_LIMIT,
                Downloader.MAX_DOWNLOAD_TIME);
        byte[] body = "x".repeat(size).getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(size, body))) {
            if (size <= SMALL_LIMIT) {
                assertThat(download(capped, holder).file()).hasBinaryContent(body);
            } else {
                assertThat(failedDownload(capped, holder)).hasMessage(holder.address() + " announced " + size
                        + " bytes, over the limit of " + SMALL_LIMIT);
                assertThat(filesIn(dir)).isEmpty();
            }
        }
    }

    @Test
    void aHolderThatTricklesItsBodyForeverIsCutOffAtTheDownloadTimeLimit() throws Exception {
        // Each byte comes well within the read timeout, so only the limit on the whole download can end it.
        Downloader hurried = new Downloader(library, OS, Duration.ofSeconds(10), Downloader.MAX_DOWNLOAD_BYTES,
                Duration.ofSeconds(1));
        byte[] head = "P2P-CI/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(head, AfterAnswer.TRICKLE)) {
            assertThat(failedDownload(hurried, holder))
                    .hasMessage(holder.address() + " was still sending after 1000 ms");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aHolderThatTricklesUnderTheMinimumRateIsGivenUpAfterOneWindow() throws Exception {
        // The read timeout and the download's time limit are far off: only the minimum rate can end this.
        Downloader impatient = new Downloader(library, OS, Duration.ofSeconds(10), Downloader.MAX_DOWNLOAD_BYTES,
                Downloader.MAX_DOWNLOAD_TIME, RATE_WINDOW, MIN_BYTES_PER_WINDOW);
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(100_000, new byte[0]), AfterAnswer.TRICKLE)) {
            long started = System.nanoTime();
            DownloadException failure = assertTimeoutPreemptively(GIVE_UP_DEADLINE,
                    () -> failedDownload(impatient, holder));

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(RATE_WINDOW);
            assertThat(failure.getMessage()).matches(Pattern.quote(holder.address().toString()) + " sent \\d+ bytes in"
                    + " the last 1000 ms, under the minimum of 1000; given up on as too slow");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aHolderThatTricklesItsHeadIsGivenUpAfterOneWindow() throws Exception {
        Downloader impatient = new Downloader(library, OS, Duration.ofSeconds(10), Downloader.MAX_DOWNLOAD_BYTES,
                Downloader.MAX_DOWNLOAD_TIME, RATE_WINDOW, MIN_BYTES_PER_WINDOW);
        byte[] statusLine = "P2P-CI/1.0 200 OK\r\n".getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(statusLine, AfterAnswer.TRICKLE)) {
            DownloadException failure = assertTimeoutPreemptively(GIVE_UP_DEADLINE,
                    () -> failedDownload(impatient, holder));

            assertThat(failure).hasMessageEndingWith("under the minimum of 1000; given up on as too slow");
            assertThat(failure.head()).isEmpty();
        }
    }

    @Test
    void aHolderWellAboveTheMinimumRateDeliversOverManyWindows() throws Exception {
        Downloader paced = new Downloader(library, OS, Duration.ofSeconds(10), Downloader.MAX_DOWNLOAD_BYTES,
                Downloader.MAX_DOWNLOAD_TIME, Duration.ofMillis(300), 150);
        byte[] body = "x".repeat(4000).getBytes(StandardCharsets.UTF_8);
        // 100 bytes every 50 ms: 600 bytes a window, four times the minimum, for about two seconds.
        try (ScriptedHolder holder = ScriptedHolder.pacing(ok(body.length, new byte[0]), body, 100,
                Duration.ofMillis(50))) {
            assertThat(download(paced, holder).file()).hasBinaryContent(body);
        }
    }

    @Test
    void progressShowsTheBytesReceivedOfTheAnnouncedLengthWhileADownloadIsUnderWayAndNothingAfter() throws Exception {
        Downloader paced = new Downloader(library, OS, Duration.ofSeconds(10), Downloader.MAX_DOWNLOAD_BYTES,
                Downloader.MAX_DOWNLOAD_TIME, Duration.ofSeconds(10), 1);
        byte[] body = "x".repeat(3000).getBytes(StandardCharsets.UTF_8);
        assertThat(paced.progress()).isEmpty();
        // 100 bytes every 50 ms: about a second and a half under way, long enough to be seen part-way.
        try (ScriptedHolder holder = ScriptedHolder.pacing(ok(body.length, new byte[0]), body, 100,
                Duration.ofMillis(50));
             ExecutorService downloading = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<Download> download = downloading.submit(() -> download(paced, holder));
            DownloadProgress partWay = await("a download part-way").atMost(GIVE_UP_DEADLINE)
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> paced.progress().stream().findFirst().orElse(null),
                            progress -> progress != null && progress.receivedBytes() > 0
                                    && progress.receivedBytes() < body.length);
            assertThat(partWay.rfcNumber()).isEqualTo(RFC);
            assertThat(partWay.holder()).isEqualTo(holder.address());
            assertThat(partWay.totalBytes()).hasValue(body.length);

            assertThat(download.get(GIVE_UP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).bytes()).isEqualTo(body.length);
            assertThat(paced.progress()).isEmpty();
        }
    }

    @Test
    void closeEndsADownloadUnderWayAndDeletesItsPartFileAtOnce() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(100_000, new byte[0]), AfterAnswer.TRICKLE);
             ExecutorService downloading = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<DownloadException> failure = downloading.submit(() -> failedDownload(holder));
            await("the download's part file").atMost(GIVE_UP_DEADLINE).until(() -> !filesIn(dir).isEmpty());
            assertThat(filesIn(dir)).singleElement().asString().startsWith(".rfc1149.txt.").endsWith(".part");

            downloader.close();

            assertThat(filesIn(dir)).isEmpty(); // gone when close returns: a JVM that is exiting waits for no thread
            assertThat(failure.get(GIVE_UP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .hasMessage("stopped: the peer is leaving");
            assertThat(failedDownload(holder)).hasMessage("stopped: the peer is leaving");
        }
    }

    @Test
    void anErrorWithoutContentLengthIsReportedWithItsStatus() throws Exception {
        byte[] answer = "P2P-CI/1.0 404 Not Found\r\n\r\n".getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(answer)) {
            DownloadException failure = failedDownload(holder);

            assertThat(failure).hasMessage(holder.address() + " answered 404 Not Found");
            assertThat(failure.head()).get().extracting(FileResponse::status).isEqualTo(Status.NOT_FOUND_404);
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void anAnswerInAnotherProtocolIsReportedAsMalformed() throws Exception {
        byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc".getBytes(StandardCharsets.UTF_8);
        try (ScriptedHolder holder = ScriptedHolder.answering(answer)) {
            assertThat(failedDownload(holder)).hasMessageStartingWith(holder.address() + " sent a malformed response");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aHolderThatNeverAnswersTimesOut() throws Exception {
        try (ScriptedHolder holder = ScriptedHolder.silent()) {
            assertThat(failedDownload(holder)).hasMessage(holder.address() + " did not answer in time");
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void aHolderThatIsGoneIsReportedAsUnreachable() throws Exception {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }
        HostAndPort gone = new HostAndPort("127.0.0.1", freePort);

        DownloadException failure = catchThrowableOfType(DownloadException.class,
                () -> downloader.download(gone, downloader.requestFor(RFC, gone)));

        assertThat(failure).hasMessageStartingWith("cannot connect to " + gone);
        assertThat(failure.head()).isEmpty();
    }

    @Test
    void aFileThatAppearedMeanwhileIsKeptAndTheDownloadDiscarded() throws Exception {
        Files.writeString(dir.resolve("rfc1149.txt"), "the user's own copy");
        try (ScriptedHolder holder = ScriptedHolder.answering(ok(TEXT.length, TEXT))) {
            assertThat(failedDownload(holder)).hasMessageContaining("rfc1149.txt appeared in the directory");
            assertThat(dir.resolve("rfc1149.txt")).hasContent("the user's own copy");
            assertThat(filesIn(dir)).containsExactly("rfc1149.txt");
        }
    }

    private Download download(ScriptedHolder holder) throws DownloadException {
        return download(downloader, holder);
    }

    private static Download download(Downloader with, ScriptedHolder holder) throws DownloadException {
        return with.download(holder.address(), with.requestFor(RFC, holder.address()));
    }

    private DownloadException failedDownload(ScriptedHolder holder) {
        return failedDownload(downloader, holder);
    }

    private static DownloadException failedDownload(Downloader with, ScriptedHolder holder) {
        return catchThrowableOfType(DownloadException.class, () -> download(with, holder));
    }

    private static byte[] ok(long contentLength, byte[] body) {
        byte[] head = MessageWriter.encode(FileResponse.ok(Instant.now(), OS, Instant.now(), contentLength));
        return concat(head, body);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static List<String> filesIn(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }
}
