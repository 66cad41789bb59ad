package net.p2pci.peer.upload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.p2pci.peer.CapturedLog;
import net.p2pci.protocol.MessageReader;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The upload server reads GET requests as the implementations surveyed in docs/INTEROP.md send them, one case per
 * request-side row that concerns GET, and answers each with the exact bytes of docs/PROTOCOL.md (only the Date's
 * value varies, in its fixed format), then closes with a FIN, never a reset.
 */
final class ForeignGetFormsTest {
    private static final String OS = "TestOS 1.0";
    private static final Instant FILE_TIME = Instant.parse("1999-06-01T00:00:00Z");
    private static final String DATE = "Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\r\n";
    private static final String BAD_REQUEST = "P2P-CI/1.0 400 Bad Request\r\n" + DATE + "OS: TestOS 1.0\r\n"
            + "Content-Length: 0\r\n\r\n";
    /** The answer to a GET of RFC 2616 before its body: {@code %d} is the file's length. */
    private static final String OK_HEAD = "P2P-CI/1.0 200 OK\r\n" + DATE + "OS: TestOS 1.0\r\n"
            + "Last-Modified: Tue, 01 Jun 1999 00:00:00 GMT\r\nContent-Length: %d\r\nContent-Type: text/plain\r\n\r\n";
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private UploadServer server;
    private byte[] rfc2616;

    @BeforeEach
    void startServer() throws IOException {
        server = SampleUploadServer.start(dir, FILE_TIME, OS);
        rfc2616 = Files.readAllBytes(SampleUploadServer.file(dir));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** The writes a requester sends its request in, whether it then closes its side, and whether it gets the file. */
    record Form(List<String> writes, boolean closeAfter, boolean served) {
    }

    private static Form served(String request) {
        return new Form(List.of(request), false, true);
    }

    private static Arguments row(String row, String name, Form form) {
        return Arguments.of("row " + row + ": " + name, form);
    }

    static Stream<Arguments> forms() {
        return Stream.of(
                row("1", "LF instead of CRLF", served("GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\nOS: Linux 6.1\n\n")),
                row("2", "CRLF and LF mixed", served("GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\nOS: Linux\r\n\n")),
                row("3", "no empty line, no final line end",
                        served("GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\nOS: Linux 6.1")),
                row("3", "no empty line, one final CRLF", served("GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n")),
                row("3", "no empty line, then the requester closes its side",
                        new Form(List.of("GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\nOS: Linux 6.1"), true, true)),
                row("14", "header names in upper case", served("GET RFC 2616 P2P-CI/1.0\nHOST: 127.0.0.1\nOS: Linux\n")),
                row("15", "no space after the colon", served("GET RFC 2616 P2P-CI/1.0\r\nHost:127.0.0.1\r\nOS:Linux\r\n\r\n")),
                row("16", "GET without the keyword RFC", served("GET 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")),
                row("17", "an extra method: 400", new Form(List.of("LEAVE P2P-CI/1.0\r\nHost: 127.0.0.1"), false, false)),
                row("19", "extra header lines are ignored",
                        served("GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\nX-Client: foreign\r\nOS: Linux\r\n\r\n")),
                row("21", "padded with '!' to 1024 bytes, as that client pads its index requests",
                        served(padded("GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\nOS: Linux"))),
                row("22", "not understood: a 2-byte length prefix (writeUTF): 400",
                        new Form(List.of("\0\u0028GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\nOS: Linux"), false, false)),
                row("23", "not understood: a pickled Python list: 400",
                        new Form(List.of("(lp0\nS'GET RFC 2616 P2P-CI/1.0\\nHost: 127.0.0.1'\np1\na."), false, false)),
                row("25", "a line END after the empty line, each line its own write",
                        new Form(List.of("GET RFC 2616 P2P-CI/1.0\n", "Host: 127.0.0.1\n", "OS: Linux 6.1\n", "\n",
                                "END\n"), false, true)),
                row("26", "a request in many writes",
                        new Form(List.of("GET RFC 26", "16 P2P-CI/1.0\r", "\nHost: 127.", "0.0.1\r\n", "\r", "\n"),
                                false, true)),
                row("30", "Host is the requester, not the holder",
                        served("GET RFC 2616 P2P-CI/1.0\nHost: requester.example\nOS: Linux 6.1")),
                row("31", "extra PORT and OS headers",
                        served("GET RFC 2616 P2P-CI/1.0\nHOST: requester.example\nPORT: 5678\nOS: Linux 6.1")));
    }

    private static String padded(String message) {
        return message + "!".repeat(MessageReader.PADDED_MESSAGE_BYTES - message.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void answersEachFormWithTheExactBytesAndClosesCleanly(String name, Form form) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            socket.setTcpNoDelay(true); // each write its own segment, as the requesters that write in pieces
            OutputStream out = socket.getOutputStream();
            for (String write : form.writes()) {
                out.write(write.getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            if (form.closeAfter()) {
                socket.shutdownOutput();
            }

            byte[] answer = socket.getInputStream().readAllBytes(); // a reset instead of a FIN would throw here

            if (form.served()) {
                assertAnswer(answer, OK_HEAD.formatted(rfc2616.length), rfc2616);
            } else {
                assertAnswer(answer, BAD_REQUEST, new byte[0]);
            }
        }
    }

    /** The answer is a head matching {@code headPattern} exactly, then exactly {@code body}. */
    private static void assertAnswer(byte[] answer, String headPattern, byte[] body) {
        int headLength = answer.length - body.length;
        assertThat(headLength).as("answer longer than the body").isPositive();
        assertThat(new String(answer, 0, headLength, StandardCharsets.ISO_8859_1)).matches(Pattern.compile(headPattern));
        byte[] received = new byte[body.length];
        System.arraycopy(answer, headLength, received, 0, body.length);
        assertThat(received).isEqualTo(body);
    }

    @Test
    void anEndLineThatArrivesWhileTheFileIsSentDoesNotCutTheFileShort() throws IOException {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096); // the file is still being sent when the END line comes
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write("GET RFC 2616 P2P-CI/1.0\nHost: 127.0.0.1\n\n".getBytes(StandardCharsets.US_ASCII));
            int first = socket.getInputStream().read();
            out.write("END\n".getBytes(StandardCharsets.US_ASCII));

            // Closed with the END line unread, the server would reset the connection and drop the file's unsent end.
            byte[] rest = socket.getInputStream().readAllBytes();

            byte[] answer = new byte[rest.length + 1];
            answer[0] = (byte) first;
            System.arraycopy(rest, 0, answer, 1, rest.length);
            assertAnswer(answer, OK_HEAD.formatted(rfc2616.length), rfc2616);
        }
    }

    @Test
    void eachDeviationIsNotedForTheConnection() throws IOException {
        try (CapturedLog log = new CapturedLog(Level.INFO);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            socket.getOutputStream().write("GET RFC 2616 P2P-CI/1.0\nHOST: 127.0.0.1"
                    .getBytes(StandardCharsets.US_ASCII));
            assertAnswer(socket.getInputStream().readAllBytes(), OK_HEAD.formatted(rfc2616.length), rfc2616);

            String requester = "requester 127.0.0.1:" + socket.getLocalPort() + " ";
            await().atMost(ANSWER_DEADLINE).until(() -> log.count(requester + "ends requests without the empty line;"
                    + " answering after 250 ms of silence") == 1);
            assertThat(log.count(requester + "ends lines with LF alone, not CRLF")).isEqualTo(1);
            assertThat(log.count(requester + "spells header names in another case")).isEqualTo(1);
        }
    }
}
