package net.p2pci.peer.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.peer.CapturedLog;
import net.p2pci.peer.SampleRfcs;
import net.p2pci.peer.SpecialFiles;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.LogThrottle;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireDates;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A real upload server on a loopback port, asked with raw bytes over real sockets. */
final class UploadServerTest {
    private static final String OS = "TestOS 1.0";
    /** Far more than the socket buffers of both ends hold, so that a requester that stops reading blocks the server. */
    private static final int LARGE_FILE_BYTES = 16 * 1024 * 1024;
    private static final Instant FILE_TIME = Instant.parse("1999-06-01T00:00:00Z");
    private static final String ERROR_HEAD =
            "P2P-CI/1.0 %d %s\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n"
                    + "OS: TestOS 1.0\r\nContent-Length: 0\r\n\r\n";

    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;
    /** The most any exchange here should take; a cut-off comes after a second at most, the rest is for load. */
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);
    private static final Duration SHORT_TIMEOUT = Duration.ofSeconds(1);
    private static final Duration LONG_TIMEOUT = Duration.ofMinutes(1);
    private static final String GET_2616 = "GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n";
    private static final String FIRST_ADDRESS = "127.0.0.1";
    /** A throttle's share per interval, and a flood many times over it. */
    private static final int LOGGED_PER_INTERVAL = 5;
    private static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    private static final int FLOOD_REQUESTS = 200;
    private static final String SECOND_ADDRESS = "127.0.0.2";
    private static final String THIRD_ADDRESS = "127.0.0.3";

    private RfcLibrary library;
    private UploadServer server;
    private final List<UploadServer> otherServers = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        SampleRfcs.copy(dir, List.of(2616, 1149));
        Files.setLastModifiedTime(dir.resolve("rfc2616.txt"), FileTime.from(FILE_TIME));
        library = RfcLibrary.open(dir);
        library.scan();
        server = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library, OS);
    }

    @AfterEach
    void stopServers() {
        server.close();
        otherServers.forEach(UploadServer::close);
    }

    @Test
    void getSendsTheProtocolHeadersThenExactlyTheFileThenCloses() throws IOException {
        Instant before = Instant.now().minusSeconds(1);
        byte[] answer = exchange("GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\nOS: Linux 6.1\r\n\r\n");

        MessageReader reader = new MessageReader(new ByteArrayInputStream(answer));
        FileResponse head = reader.readFileResponseHead();
        byte[] body = reader.remaining().readAllBytes();
        byte[] file = Files.readAllBytes(dir.resolve("rfc2616.txt"));

        assertThat(head.status()).isEqualTo(Status.OK_200);
        assertThat(head.headers()).extracting(header -> header.name())
                .containsExactly("Date", "OS", "Last-Modified", "Content-Length", "Content-Type");
        assertThat(WireDates.parse(head.header("Date").orElseThrow())).isBetween(before, Instant.now());
        assertThat(head.header("OS")).contains(OS);
        assertThat(head.header("Last-Modified")).contains("Tue, 01 Jun 1999 00:00:00 GMT");
        assertThat(head.contentLength()).hasValue(file.length);
        assertThat(head.header("Content-Type")).contains("text/plain");
        assertThat(body).isEqualTo(file);
    }

    @Test
    void getForAnRfcNotHeldAnswers404WithDateOsAndZeroLength() throws IOException {
        assertThat(text(exchange("GET RFC 7540 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")))
                .matches(ERROR_HEAD.formatted(404, "Not Found"));
    }

    @Test
    void getForAFileDeletedSinceTheScanAnswers404AndStopsOfferingIt() throws IOException {
        Files.delete(dir.resolve("rfc1149.txt"));

        assertThat(text(exchange("GET RFC 1149 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")))
                .matches(ERROR_HEAD.formatted(404, "Not Found"));
        assertThat(library.find(1149)).isEmpty();
    }

    /** How the entry of an RFC served since the scan can change into one that must not be sent. */
    enum ChangeAfterScan { LINK_OUT_OF_THE_DIRECTORY, DANGLING_LINK, FIFO, DIRECTORY, EMPTIED }

    @ParameterizedTest
    @EnumSource(ChangeAfterScan.class)
    void aFileThatChangedSinceTheScanIntoOneNotToSendAnswers404AndIsNoLongerOffered(ChangeAfterScan change)
            throws Exception {
        Path entry = dir.resolve("rfc1149.txt");
        Path secret = Files.writeString(elsewhere.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.delete(entry);
        switch (change) {
            case LINK_OUT_OF_THE_DIRECTORY -> Files.createSymbolicLink(entry, secret);
            case DANGLING_LINK -> Files.createSymbolicLink(entry, dir.resolve("missing"));
            case FIFO -> SpecialFiles.fifo(entry);
            case DIRECTORY -> Files.createDirectory(entry);
            case EMPTIED -> Files.createFile(entry);
        }

        assertThat(text(exchange("GET RFC 1149 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")))
                .matches(ERROR_HEAD.formatted(404, "Not Found"));
        assertThat(library.find(1149)).isEmpty();
    }

    @Test
    void withOutsideLinksAllowedALinkOutOfTheDirectoryIsSent() throws Exception {
        Path outside = Files.copy(dir.resolve("rfc1149.txt"), elsewhere.resolve("avian.txt"));
        Files.delete(dir.resolve("rfc1149.txt"));
        Files.createSymbolicLink(dir.resolve("rfc1149.txt"), outside);
        RfcLibrary permissive = RfcLibrary.open(dir, true);
        permissive.scan();
        UploadServer linksAllowed = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                permissive, OS);
        otherServers.add(linksAllowed);

        try (Socket socket = connect(linksAllowed)) {
            socket.getOutputStream().write("GET RFC 1149 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(text(readUntilClosed(socket))).startsWith("P2P-CI/1.0 200 OK\r\n")
                    .endsWith(Files.readString(outside));
        }
    }

    @Test
    void aWellFormedRequestOfAnotherVersionAnswers505() throws IOException {
        assertThat(text(exchange("GET RFC 2616 P2P-CI/2.0\r\nHost: 127.0.0.1\r\n\r\n")))
                .matches(ERROR_HEAD.formatted(505, "P2P-CI Version Not Supported"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "HELLO\r\n\r\n",
            "GET RFC abc P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n",
            "GET RFC ../../etc/passwd P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n",
            "GET RFC -1 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n",
            "GET RFC 2616 P2P-CI/1.0\r\n\r\n",
            "GET RFC 2616 P2P-CI/1.0\r\nHost: a\u0000b\r\n\r\n",
            "GET RFC 2616\r\nHost: 127.0.0.1\r\n\r\n",
            "PUT RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n",
            "ADD RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\nPort: 5678\r\nTitle: HTTP\r\n\r\n",
            "LIST ALL P2P-CI/1.0\r\nHost: 127.0.0.1\r\nPort: 5678\r\n\r\n",
    })
    void aMalformedRequestOrAnIndexRequestAnswers400(String request) throws IOException {
        assertThat(text(exchange(request))).matches(ERROR_HEAD.formatted(400, "Bad Request"));
    }

    @Test
    void aRequestLineOverTheLineLimitAnswers400() throws IOException {
        String request = "GET RFC 2616 P2P-CI/1.0" + " ".repeat(5000) + "\r\nHost: 127.0.0.1\r\n\r\n";

        assertThat(text(exchange(request))).matches(ERROR_HEAD.formatted(400, "Bad Request"));
    }

    /** A header line of exactly {@code length} bytes, its CRLF not counted. */
    private static String headerLineOf(int length) {
        String name = "X-Padding: ";
        return name + "a".repeat(length - name.length()) + "\r\n";
    }

    @ParameterizedTest
    @ValueSource(ints = {Limits.DEFAULT_MAX_LINE_BYTES, Limits.DEFAULT_MAX_LINE_BYTES + 1})
    void aHeaderLineAtTheLineLimitIsServedAndOneByteLongerAnswers400(int length) throws IOException {
        String answer = text(exchange(GET_2616 + headerLineOf(length) + "\r\n"));

        if (length <= UploadHandler.REQUEST_LIMITS.maxLineBytes()) {
            assertThat(answer).startsWith("P2P-CI/1.0 200 OK\r\n");
        } else {
            assertThat(answer).matches(ERROR_HEAD.formatted(400, "Bad Request"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {Limits.DEFAULT_MAX_HEADER_COUNT, Limits.DEFAULT_MAX_HEADER_COUNT + 1})
    void headersUpToTheHeaderLimitAreServedAndOneMoreAnswers400(int headers) throws IOException {
        StringBuilder request = new StringBuilder(GET_2616); // one header: Host
        for (int i = 2; i <= headers; i++) {
            request.append("X-Extra-").append(i).append(": ").append(i).append("\r\n");
        }
        String answer = text(exchange(request.append("\r\n").toString()));

        if (headers <= UploadHandler.REQUEST_LIMITS.maxHeaderCount()) {
            assertThat(answer).startsWith("P2P-CI/1.0 200 OK\r\n");
        } else {
            assertThat(answer).matches(ERROR_HEAD.formatted(400, "Bad Request"));
        }
    }

    @Test
    void aRequesterThatDripsItsRequestIsCutOffAtTheRequestTimeoutUnanswered() throws Exception {
        UploadServer strict = startServer(new UploadLimits(SHORT_TIMEOUT, LONG_TIMEOUT, 8, 8));
        // Before connecting: the server's timeout runs from its accept, which may come before connect() returns.
        long started = System.nanoTime();
        try (Socket socket = connect(strict); ExecutorService dripper = Executors.newVirtualThreadPerTaskExecutor()) {
            OutputStream out = socket.getOutputStream();
            out.write("GET RFC 2616 P2P-CI/1.0\r\n".getBytes(StandardCharsets.UTF_8));
            dripper.submit(() -> {
                // One header byte every tenth of a second: always something new, never the end of the request.
                for (int i = 0; i < 10_000; i++) {
                    out.write('X');
                    out.flush();
                    Thread.sleep(100);
                }
                return null;
            });

            byte[] answer = readUntilClosed(socket);

            assertThat(answer).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(SHORT_TIMEOUT);
            await().atMost(ANSWER_DEADLINE).until(() -> strict.openConnections() == 0);
        }
    }

    @Test
    void aRequestSentInPiecesWithinTheRequestTimeoutIsServed() throws Exception {
        UploadServer patient = startServer(new UploadLimits(Duration.ofSeconds(10), LONG_TIMEOUT, 8, 8));
        try (Socket socket = connect(patient)) {
            OutputStream out = socket.getOutputStream();
            for (String piece : List.of("GET RFC 1149 ", "P2P-CI/1.0\r\n", "Host: 127.0.0.1\r\n", "\r\n")) {
                out.write(piece.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100); // pacing the pieces, so that each arrives on its own
            }

            assertThat(text(readUntilClosed(socket))).startsWith("P2P-CI/1.0 200 OK\r\n");
        }
    }

    @Test
    void aLargeFileReachesARequesterWithASmallReceiveWindowWhole() throws Exception {
        int number = writeLargeRfc();
        try (Socket socket = smallWindowSocket(server)) {
            socket.getOutputStream().write(("GET RFC " + number + " P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));

            MessageReader reader = new MessageReader(socket.getInputStream());
            FileResponse head = reader.readFileResponseHead();
            long received = reader.remaining().transferTo(OutputStream.nullOutputStream());

            assertThat(head.contentLength()).hasValue(LARGE_FILE_BYTES);
            assertThat(received).isEqualTo(LARGE_FILE_BYTES);
        }
    }

    @Test
    void aRequesterThatStopsReadingIsCutOffAfterTheStallTimeout() throws Exception {
        int number = writeLargeRfc();
        UploadServer strict = startServer(new UploadLimits(LONG_TIMEOUT, SHORT_TIMEOUT, 8, 8));
        try (Socket socket = smallWindowSocket(strict)) {
            long requested = System.nanoTime();
            socket.getOutputStream().write(("GET RFC " + number + " P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            String status = "P2P-CI/1.0 200 OK";
            assertThat(socket.getInputStream().readNBytes(status.length())).asString(StandardCharsets.UTF_8)
                    .isEqualTo(status);

            // From here on the requester reads nothing: the server's writes block once the buffers are full.
            await("the stalled transfer is cut off").atMost(ANSWER_DEADLINE)
                    .until(() -> strict.openConnections() == 0);

            assertThat(Duration.ofNanos(System.nanoTime() - requested)).isGreaterThanOrEqualTo(SHORT_TIMEOUT);
            assertThat(status.length() + readUntilClosed(socket).length).isLessThan(LARGE_FILE_BYTES);
        }
    }

    /** Puts an RFC file far larger than the socket buffers into the library, and returns its number. */
    private int writeLargeRfc() throws IOException {
        int number = 99_999;
        byte[] line = "A large RFC, larger than every socket buffer on the way.\n".getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(dir.resolve("rfc" + number + ".txt")))) {
            for (long left = LARGE_FILE_BYTES; left > 0; left -= line.length) {
                out.write(line, 0, (int) Math.min(line.length, left));
            }
        }
        library.scan();
        return number;
    }

    /** A connection whose receive window stays small, so that the server's writes block as soon as it stops reading. */
    private static Socket smallWindowSocket(UploadServer server) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096); // before connecting, or the window is already agreed
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
        return socket;
    }

    @Test
    void connectionsUpToTheConcurrencyCapAreServedAndOneMoreGets400() throws Exception {
        UploadServer small = startServer(new UploadLimits(LONG_TIMEOUT, LONG_TIMEOUT, 2, 2));
        Socket first = connect(small, FIRST_ADDRESS);
        Socket second = connect(small, SECOND_ADDRESS); // silent, like the first: both hold their place
        try {
            await().atMost(ANSWER_DEADLINE).until(() -> small.openConnections() == 2);

            try (Socket third = connect(small, THIRD_ADDRESS)) {
                third.getOutputStream().write((GET_2616 + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(text(readUntilClosed(third))).matches(ERROR_HEAD.formatted(400, "Bad Request"));
            }

            first.close();
            await().atMost(ANSWER_DEADLINE).until(() -> small.openConnections() == 1);
            try (Socket atTheCap = connect(small, THIRD_ADDRESS)) {
                atTheCap.getOutputStream().write((GET_2616 + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(text(readUntilClosed(atTheCap))).startsWith("P2P-CI/1.0 200 OK\r\n");
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void connectionsFromOneAddressUpToItsCapAreServedAndOneMoreGets400WhileOtherAddressesAreServed()
            throws Exception {
        UploadServer server = startServer(new UploadLimits(LONG_TIMEOUT, LONG_TIMEOUT, 8, 2));
        Socket first = connect(server, FIRST_ADDRESS);
        Socket second = connect(server, FIRST_ADDRESS); // silent, like the first: both hold their place
        try {
            await().atMost(ANSWER_DEADLINE).until(() -> server.openConnections() == 2);

            try (Socket overTheCap = connect(server, FIRST_ADDRESS)) {
                overTheCap.getOutputStream().write((GET_2616 + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(text(readUntilClosed(overTheCap))).matches(ERROR_HEAD.formatted(400, "Bad Request"));
            }
            try (Socket fromElsewhere = connect(server, SECOND_ADDRESS)) {
                fromElsewhere.getOutputStream().write((GET_2616 + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(text(readUntilClosed(fromElsewhere))).startsWith("P2P-CI/1.0 200 OK\r\n");
            }

            first.close();
            await().atMost(ANSWER_DEADLINE).until(() -> server.openConnections() == 1);
            try (Socket atTheCap = connect(server, FIRST_ADDRESS)) {
                atTheCap.getOutputStream().write((GET_2616 + "\r\n").getBytes(StandardCharsets.UTF_8));
                assertThat(text(readUntilClosed(atTheCap))).startsWith("P2P-CI/1.0 200 OK\r\n");
            }
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void aFloodOfBadRequestsFromOneAddressLogsAFewLinesAndThenOneSummary() throws Exception {
        AtomicLong clock = new AtomicLong();
        LogThrottle throttle = new LogThrottle(LOGGED_PER_INTERVAL, LOG_INTERVAL, clock::get);
        UploadServer flooded = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library,
                OS, UploadLimits.DEFAULT, throttle);
        otherServers.add(flooded);
        try (CapturedLog log = new CapturedLog(Level.INFO)) {
            for (int i = 0; i < FLOOD_REQUESTS; i++) {
                try (Socket socket = connect(flooded)) {
                    socket.getOutputStream().write("GET RFC abc P2P-CI/1.0\r\nHost: x\r\n\r\n"
                            .getBytes(StandardCharsets.UTF_8));
                    assertThat(text(readUntilClosed(socket))).matches(ERROR_HEAD.formatted(400, "Bad Request"));
                }
            }
            await("every refusal is counted").atMost(ANSWER_DEADLINE).until(() -> flooded.openConnections() == 0);

            assertThat(log.count("Refused a request from 127.0.0.1:")).isEqualTo(LOGGED_PER_INTERVAL);

            clock.addAndGet(LOG_INTERVAL.toNanos());
            String summary = (FLOOD_REQUESTS - LOGGED_PER_INTERVAL) + " more \"refused request\" lines from 127.0.0.1"
                    + " were not logged in the last " + LOG_INTERVAL.toSeconds() + " s";
            await("the summary of the lines not logged").atMost(ANSWER_DEADLINE)
                    .until(() -> log.count(summary) == 1);
            assertThat(log.lines()).filteredOn(line -> line.contains("refused request")).containsExactly(
                    "INFO " + summary);
        }
    }

    @Test
    void concurrentDownloadsEachGetTheWholeFile() throws Exception {
        byte[] file = Files.readAllBytes(dir.resolve("rfc2616.txt"));
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<byte[]>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                answers.add(clients.submit(() -> exchange("GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")));
            }
            for (Future<byte[]> answer : answers) {
                byte[] bytes = answer.get();
                assertThat(Arrays.copyOfRange(bytes, bytes.length - file.length, bytes.length)).isEqualTo(file);
            }
        }
    }

    @Test
    void aPeerThatConnectsAndLeavesWithoutAskingDoesNotDisturbTheServer() throws IOException {
        new Socket(InetAddress.getLoopbackAddress(), server.port()).close();

        assertThat(text(exchange("GET RFC 1149 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n"))).startsWith("P2P-CI/1.0 200 OK");
    }

    @Test
    void closeStopsListening() {
        int port = server.port();
        server.close();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    private UploadServer startServer(UploadLimits limits) throws IOException {
        UploadServer started = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library,
                OS, limits);
        otherServers.add(started);
        return started;
    }

    private static Socket connect(UploadServer server) throws IOException {
        return connect(server, FIRST_ADDRESS);
    }

    /** A connection from {@code source}, one of the loopback addresses (Linux routes all of 127/8 to loopback). */
    private static Socket connect(UploadServer server, String source) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(source, 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
        return socket;
    }

    /** Everything the server sends until it closes the connection, whether with a FIN or a reset. */
    private static byte[] readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int read; (read = socket.getInputStream().read(buffer)) >= 0; ) {
                received.write(buffer, 0, read);
            }
        } catch (SocketException e) {
            // A close with unread bytes on the server's side arrives as a reset: the connection is closed all the same.
        }
        return received.toByteArray();
    }

    /** Sends the request in one write and reads the answer until the server closes the connection. */
    private byte[] exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return in.readAllBytes();
        }
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
