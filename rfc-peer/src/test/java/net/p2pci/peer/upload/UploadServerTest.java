package net.p2pci.peer.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import net.p2pci.peer.SampleRfcs;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireDates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real upload server on a loopback port, asked with raw bytes over real sockets. */
final class UploadServerTest {
    private static final String OS = "TestOS 1.0";
    private static final Instant FILE_TIME = Instant.parse("1999-06-01T00:00:00Z");
    private static final String ERROR_HEAD =
            "P2P-CI/1.0 %d %s\r\nDate: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n"
                    + "OS: TestOS 1.0\r\nContent-Length: 0\r\n\r\n";

    @TempDir
    Path dir;
    private RfcLibrary library;
    private UploadServer server;

    @BeforeEach
    void startServer() throws IOException {
        SampleRfcs.copy(dir, List.of(2616, 1149));
        Files.setLastModifiedTime(dir.resolve("rfc2616.txt"), FileTime.from(FILE_TIME));
        library = RfcLibrary.open(dir);
        library.scan();
        server = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library, OS);
    }

    @AfterEach
    void stopServer() {
        server.close();
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

    /** Sends the request in one write and reads the answer until the server closes the connection. */
    @Test
    void aLargeFileArrivesWholeWhenTheRequesterReadsSlowerThanTheServerSends() throws Exception {
        byte[] line = "   Filler text of a large RFC, written for this test only.\n".getBytes(StandardCharsets.US_ASCII);
        byte[] file = new byte[32 * 1024 * 1024];
        for (int i = 0; i < file.length; i++) {
            file[i] = line[i % line.length];
        }
        Files.write(dir.resolve("rfc9999.txt"), file);
        library.scan();

        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            socket.getOutputStream().write("GET RFC 9999 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            // The socket buffers fill up while nobody reads; the server must wait for room, not give up.
            Thread.sleep(500);
            MessageReader reader = new MessageReader(socket.getInputStream());
            FileResponse head = reader.readFileResponseHead();
            byte[] body = reader.remaining().readAllBytes();

            assertThat(head.contentLength()).hasValue(file.length);
            assertThat(body.length).isEqualTo(file.length);
            assertThat(Arrays.equals(body, file)).isTrue();
        }
    }

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
