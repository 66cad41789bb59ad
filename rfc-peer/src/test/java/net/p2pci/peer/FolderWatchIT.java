package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.protocol.RfcRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rfc-peer following its directory, seen through a real ci-server: files added, written slowly, renamed and
 * deleted, and a file deleted or rewritten while it is being downloaded.
 */
final class FolderWatchIT {
    /** Long enough that the test's own steps between two chunks never reach it, short enough to keep the test fast. */
    private static final String SETTLE_MS = "1000";
    private static final String QUIET_MS = "200";
    /** The rescan fallback is left long, so that what is seen here is seen through the watch service. */
    private static final String RESCAN_SECONDS = "60";
    private static final Duration INDEX_DEADLINE = Duration.ofSeconds(15);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)\\s*$");
    /** Far more than loopback's socket buffers hold, so that the upload is still under way when the test acts. */
    private static final int LARGE_FILE_BYTES = 24 * 1024 * 1024;
    private static final int LARGE_RFC = 9999;

    /** One server for the class: each test's peer has an upload port, and so records, of its own. */
    private static final ProgramProcesses SERVERS = new ProgramProcesses();
    private static int serverPort;

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();
    private IndexClient observer;

    @BeforeAll
    static void startServer() throws IOException {
        serverPort = awaitListening(SERVERS.startServer("ci-server", 0));
    }

    @AfterAll
    static void stopServer() throws InterruptedException {
        SERVERS.close();
    }

    @BeforeEach
    void connectObserver() throws IOException {
        observer = IndexClient.connect(new HostAndPort("127.0.0.1", serverPort), Optional.of("observer"), 1);
    }

    @AfterEach
    void stopEveryPeer() throws InterruptedException {
        observer.close();
        programs.close();
    }

    @Test
    void aFileWrittenSlowlyIsRegisteredOnlyOnceCompleteAFileMovedInAtOnceAndOneOverTheCapNever() throws Exception {
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(768));
        ChildProcess peer = startPeer(dir, "--max-file-mib", "1");
        int port = awaitRegistered(peer);

        byte[] whole = Files.readAllBytes(SampleRfcs.file(1149));
        Path target = dir.resolve("rfc1149.txt");
        int chunks = 8;
        int chunk = whole.length / chunks + 1;
        // The writer is a thread of its own, as a copy under way is; it writes a chunk each time the test says, and
        // each pause between is the test's look at the index and the upload server, well within the settle period.
        ExecutorService writerThread = Executors.newSingleThreadExecutor();
        try (OutputStream writer = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
            for (int from = 0; from < whole.length; from += chunk) {
                int offset = from;
                writerThread.submit(() -> {
                    writer.write(whole, offset, Math.min(chunk, whole.length - offset));
                    writer.flush();
                    return null;
                }).get(INDEX_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                assertThat(holders(1149)).as("registered while still being written").isEmpty();
                assertThat(statusOfGet(port, 1149)).as("served while still being written").contains(" 404 ");
            }
        } finally {
            writerThread.shutdownNow();
        }
        await("the finished file is registered").atMost(INDEX_DEADLINE).until(() -> holders(1149).contains(port));
        assertThat(download(port, 1149)).isEqualTo(whole);
        assertThat(peer.lines()).contains("[Peer] Registered 1 RFC new in " + dir);
        assertThat(peer.lines()).as("empty for a moment, which is not worth a line")
                .noneMatch(line -> line.startsWith("[Peer] Skipping rfc1149.txt"));

        Path staged = Files.copy(SampleRfcs.file(2324), work.resolve("staged"));
        Files.move(staged, dir.resolve("RFC2324.TXT"));
        await("a file moved in is registered").atMost(INDEX_DEADLINE).until(() -> holders(2324).contains(port));
        assertThat(holders(768)).containsExactly(port);

        Files.write(dir.resolve("rfc9998.txt"), new byte[1024 * 1024 + 1]);
        Files.write(dir.resolve("rfc9997.txt"), new byte[1024 * 1024]);
        await("the file at the cap is registered").atMost(INDEX_DEADLINE).until(() -> holders(9997).contains(port));
        peer.awaitLine(Pattern.compile("^\\[Peer\\] Skipping rfc9998\\.txt: larger than the cap of 1 MiB \\(1048577"
                + " bytes; --max-file-mib\\)$"), INDEX_DEADLINE);
        assertThat(holders(9998)).isEmpty();
    }

    @Test
    void renamedAndDeletedFilesAreWithdrawnFromOurIndexAndTheRestStaysRegisteredThroughout() throws Exception {
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(768, 791, 793, 1149));
        ChildProcess peer = startPeer(dir);
        int port = awaitRegistered(peer);

        Files.move(dir.resolve("rfc791.txt"), dir.resolve("notes.txt"));
        Files.delete(dir.resolve("rfc793.txt"));
        Files.move(dir.resolve("rfc1149.txt"), dir.resolve("RFC01149.TXT"));
        assertThat(statusOfGet(port, 793)).as("a deleted file").contains(" 404 ");

        try {
            await("the gone RFCs leave the index").atMost(INDEX_DEADLINE).until(() -> {
                // Every look on the way: the RFCs still held are never missing from the index.
                assertThat(holders(768)).contains(port);
                return holders(791).isEmpty() && holders(793).isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; the peer printed:\n" + peer.output(), e);
        }
        assertThat(holders(768)).containsExactly(port);
        assertThat(holders(1149)).as("renamed to another spelling of its name").containsExactly(port);
        peer.awaitLine(Pattern.compile("^\\[Peer\\] Skipping notes\\.txt: not an RFC file name \\(rfcN\\.txt\\)$"),
                INDEX_DEADLINE);
        assertThat(peer.lines()).filteredOn(line -> line.startsWith("[Peer] No longer offering"))
                .as("our server offers WITHDRAW (against a standard one the peer switches to a new connection:"
                        + " IndexExtensionsTest)")
                .singleElement().isEqualTo("[Peer] No longer offering RFCs 791, 793: withdrawn from the index");
        await("the renamed file is served once settled").atMost(INDEX_DEADLINE)
                .until(() -> statusOfGet(port, 1149).contains(" 200 "));
        assertThat(download(port, 1149)).isEqualTo(Files.readAllBytes(SampleRfcs.file(1149)));
    }

    @Test
    void aFileDeletedDuringItsDownloadArrivesWholeOrShortAndOneRewrittenArrivesShort() throws Exception {
        Path dir = Files.createDirectory(work.resolve("peer"));
        byte[] large = largeRfc();
        Files.write(dir.resolve("rfc" + LARGE_RFC + ".txt"), large);
        ChildProcess peer = startPeer(dir);
        int port = awaitRegistered(peer);

        try (Socket download = requestGet(port, LARGE_RFC)) {
            InputStream in = download.getInputStream();
            long announced = announcedLength(in);
            byte[] start = in.readNBytes(1024 * 1024);
            Files.delete(dir.resolve("rfc" + LARGE_RFC + ".txt"));
            byte[] received = concat(start, readToTheEnd(in));
            if (received.length == announced) {
                assertThat(received).as("all the announced bytes, so the file as it was").isEqualTo(large);
            } else {
                assertThat((long) received.length).isLessThan(announced);
            }
        }
        assertThat(statusOfGet(port, LARGE_RFC)).contains(" 404 ");

        Files.write(dir.resolve("rfc" + LARGE_RFC + ".txt"), large);
        await("the file written again is served").atMost(INDEX_DEADLINE)
                .until(() -> statusOfGet(port, LARGE_RFC).contains(" 200 "));
        try (Socket download = requestGet(port, LARGE_RFC)) {
            InputStream in = download.getInputStream();
            long announced = announcedLength(in);
            byte[] start = in.readNBytes(1024 * 1024);
            try (OutputStream append = Files.newOutputStream(dir.resolve("rfc" + LARGE_RFC + ".txt"),
                    StandardOpenOption.APPEND)) {
                append.write("appended while sent\n".getBytes(StandardCharsets.US_ASCII));
            }
            byte[] received = concat(start, readToTheEnd(in));
            assertThat((long) received.length).as("a file changed while sent never arrives whole")
                    .isLessThan(announced);
        }
    }

    private ChildProcess startPeer(Path dir, String... moreArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--settle-ms", SETTLE_MS, "--quiet-ms", QUIET_MS,
                "--rescan-seconds", RESCAN_SECONDS));
        args.addAll(List.of(moreArgs));
        return programs.startPeer("peer", serverPort, dir, args);
    }

    /** The upload ports of the peers the index lists for RFC {@code number}. */
    private List<Integer> holders(int number) throws IOException {
        return observer.lookup(number, Optional.empty()).response().records().stream().map(RfcRecord::port)
                .toList();
    }

    private static Socket requestGet(int port, int number) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) INDEX_DEADLINE.toMillis());
        socket.getOutputStream().write(("GET RFC " + number + " P2P-CI/1.0\r\nHost: 127.0.0.1\r\nOS: Test\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** The first line of the upload server's answer to a GET. */
    private static String statusOfGet(int port, int number) throws IOException {
        try (Socket socket = requestGet(port, number)) {
            return head(socket.getInputStream()).lines().findFirst().orElse("");
        }
    }

    /** The file a GET receives, after checking that all its announced bytes came. */
    private static byte[] download(int port, int number) throws IOException {
        try (Socket socket = requestGet(port, number)) {
            InputStream in = socket.getInputStream();
            long announced = announcedLength(in);
            byte[] body = readToTheEnd(in);
            assertThat((long) body.length).isEqualTo(announced);
            return body;
        }
    }

    private static long announcedLength(InputStream in) throws IOException {
        String head = head(in);
        assertThat(head).startsWith("P2P-CI/1.0 200 OK\r\n");
        Matcher length = CONTENT_LENGTH.matcher(head);
        assertThat(length.find()).as(head).isTrue();
        return Long.parseLong(length.group(1));
    }

    /** The answer's head, up to and with its empty line. */
    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** What comes until the holder closes or resets the connection. */
    private static byte[] readToTheEnd(InputStream in) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                body.write(buffer, 0, read);
            }
        } catch (IOException e) {
            // a reset: what came before it is what was received
        }
        return body.toByteArray();
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** An RFC-like text far larger than any real one, under the peer's default cap. */
    private static byte[] largeRfc() {
        byte[] text = new byte[LARGE_FILE_BYTES];
        byte[] header = ("Request for Comments: " + LARGE_RFC + "\n\n                 A Very Long Document\n\n")
                .getBytes(StandardCharsets.US_ASCII);
        Arrays.fill(text, (byte) 'x');
        System.arraycopy(header, 0, text, 0, header.length);
        for (int i = 99; i < text.length; i += 100) {
            text[i] = '\n';
        }
        return text;
    }
}
