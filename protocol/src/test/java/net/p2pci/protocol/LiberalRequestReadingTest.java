package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The request forms of other implementations (docs/INTEROP.md) are read as the requests they mean, each deviation
 * told once; a request that ends without its empty line ends at the stream's end or, on a socket, after the quiet
 * period; and a standard request never waits for that period.
 */
class LiberalRequestReadingTest {
    private static final String PAD = "!";

    static Stream<Arguments> foreignForms() {
        return Stream.of(
                form("LF line ends [1]", "LIST ALL P2P-CI/1.0\nHost: a\nPort: 1\n\n",
                        new ListRequest("a", 1), "LF_LINE_ENDS"),
                form("no empty line, no final line end [3]", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1",
                        new ListRequest("a", 1), "ENDED_BY_CLOSE"),
                form("no empty line, one final LF [3]", "LOOKUP RFC 1 P2P-CI/1.0\nHost: a\nPort: 1\nTitle: t\n",
                        new LookupRequest(1, "a", 1, Optional.of("t")), "LF_LINE_ENDS ENDED_BY_CLOSE"),
                form("upper-case header names [14]", "ADD RFC 1 P2P-CI/1.0\r\nHOST: a\r\nPORT: 1\r\nTITLE: t\r\n\r\n",
                        new AddRequest(1, "a", 1, "t"), "HEADER_NAME_CASE"),
                form("no space after the colon [15]", "LIST ALL P2P-CI/1.0\r\nHost:a\r\nPort:1\r\n\r\n",
                        new ListRequest("a", 1), "NO_SPACE_AFTER_COLON"),
                form("LIST without ALL [16]", "LIST P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n",
                        new ListRequest("a", 1), "LIST_WITHOUT_ALL"),
                form("LISTALL [16]", "LISTALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n",
                        new ListRequest("a", 1), "LIST_WITHOUT_ALL"),
                form("ADD without RFC [16]", "ADD 2616 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n",
                        new AddRequest(2616, "a", 1, "t"), "NO_RFC_KEYWORD"),
                form("GET without RFC [16]", "GET 2616 P2P-CI/1.0\r\nHost: a\r\n\r\n",
                        new GetRequest(2616, "a", Optional.empty()), "NO_RFC_KEYWORD"),
                form("padded with '!' to 1024 bytes [21]", padded("ADD RFC 1 P2P-CI/1.0\nHOST: a\nPort: 1\nTitle: Hi"),
                        new AddRequest(1, "a", 1, "Hi"), "LF_LINE_ENDS HEADER_NAME_CASE ENDED_BY_CLOSE PADDED"),
                form("padding after the last line end [21]", padded("LIST ALL P2P-CI/1.0\nHost: a\nPort: 1\n"),
                        new ListRequest("a", 1), "LF_LINE_ENDS ENDED_BY_CLOSE PADDED"),
                form("a title ending in '!', not padded", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: Hi!",
                        new AddRequest(1, "a", 1, "Hi!"), "ENDED_BY_CLOSE"),
                form("END after the empty line [25]", "LIST ALL P2P-CI/1.0\nHost: a\nPort: 1\n\nEND\n",
                        new ListRequest("a", 1), "LF_LINE_ENDS END_LINE"),
                form("END instead of the empty line [25]", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nEND\r\n",
                        new ListRequest("a", 1), "END_LINE"),
                form("GET with the requester as Host, PORT and OS [30, 31]",
                        "GET RFC 1 P2P-CI/1.0\nHOST: requester\nPORT: 5678\nOS: Linux 6.1",
                        new GetRequest(1, "requester", Optional.of("Linux 6.1")),
                        "LF_LINE_ENDS HEADER_NAME_CASE ENDED_BY_CLOSE"));
    }

    private static Arguments form(String name, String bytes, Request expected, String deviations) {
        return Arguments.of(name, bytes, expected, deviations);
    }

    private static String padded(String message) {
        return message + PAD.repeat(MessageReader.PADDED_MESSAGE_BYTES - message.length());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("foreignForms")
    void readsTheRequestMeantAndTellsEachDeviationOnce(String name, String bytes, Request expected,
            String deviations) throws Exception {
        MessageReader reader = Wire.reader(bytes);

        assertThat(reader.readRequest()).as(name).contains(expected);
        assertThat(reader.readRequest()).as(name).isEmpty();
        assertThat(reader.takeNewDeviations()).as(name).isEqualTo(Stream.of(deviations.split(" "))
                .map(RequestDeviation::valueOf).collect(Collectors.toSet()));
        assertThat(reader.takeNewDeviations()).as("told once").isEmpty();
    }

    @Test
    void aStandardRequestShowsNoDeviation() throws Exception {
        MessageReader reader = Wire.reader(Wire.crlf("LIST ALL P2P-CI/1.0\nHost: a\nPort: 1\n\n"));

        assertThat(reader.readRequest()).isPresent();
        assertThat(reader.takeNewDeviations()).isEmpty();
    }

    @Test
    void aRequestThatIsNotWholeWhenTheStreamEndsIsStillAnEndInsideIt() {
        assertThat(catchThrowableOfType(EOFException.class,
                Wire.reader("ADD RFC 1 P2P-CI/1.0\nHost: a\nPort: 1")::readRequest)).isNotNull();
    }

    @Test
    void aRequestLineThatTheStreamEndsInsideIsRefusedForWhatItLacks() throws Exception {
        MessageReader reader = Wire.reader("LIST ALL P2P-CI/1.0\r");

        assertThat(catchThrowableOfType(EOFException.class, reader::readRequest)).as("no Host, no Port").isNotNull();
        RequestException refused = catchThrowableOfType(RequestException.class, Wire.reader("EXIT")::readRequest);
        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(refused.getMessage()).contains("request line is not METHOD RFC number version");
    }

    @Test
    void aRefusedRequestWithoutItsEmptyLineIsAnsweredAtTheStreamsEnd() throws Exception {
        MessageReader reader = Wire.reader("DEL PEER P2P-CI/1.0\nHOST: a\nPort: 1");

        RequestException refused = catchThrowableOfType(RequestException.class, reader::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(reader.readRequest()).isEmpty();
    }

    // ----------------------------------------------------------------------------------------- on a real socket

    private ServerSocket listener;
    private Socket client;
    private Socket served;
    private CountingInput input;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        served = listener.accept();
        served.setSoTimeout((int) Duration.ofSeconds(20).toMillis()); // a hang fails the test
        input = new CountingInput(new SocketRequestInput(served));
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        served.close();
        listener.close();
    }

    @Test
    void aStandardRequestIsReadWithoutAnyQuietWait() throws Exception {
        sendAllThenWaitForIt(Wire.crlf("ADD RFC 1 P2P-CI/1.0\nHost: a\nPort: 1\nTitle: t\n\n"));
        MessageReader reader = new MessageReader(input);

        assertThat(reader.readRequest()).contains(new AddRequest(1, "a", 1, "t"));
        assertThat(input.quietReads).as("reads within the quiet period").isZero();
    }

    @Test
    void pipelinedRequestsAreReadWithoutAnyQuietWait() throws Exception {
        sendAllThenWaitForIt(Wire.crlf("ADD RFC 1 P2P-CI/1.0\nHost: a\nPort: 1\nTitle: t\n\n"
                + "LOOKUP RFC 1 P2P-CI/1.0\nHost: a\nPort: 1\n\nLIST ALL P2P-CI/1.0\nHost: a\nPort: 1\n\n"));
        MessageReader reader = new MessageReader(input);

        assertThat(reader.readRequest()).contains(new AddRequest(1, "a", 1, "t"));
        assertThat(reader.readRequest()).contains(new LookupRequest(1, "a", 1, Optional.empty()));
        assertThat(reader.readRequest()).contains(new ListRequest("a", 1));
        assertThat(input.quietReads).isZero();
        assertThat(reader.takeNewDeviations()).isEmpty();
    }

    @Test
    void aRequestWithoutItsEmptyLineEndsWhenTheSenderFallsSilentAndTheConnectionGoesOn() throws Exception {
        MessageReader reader = new MessageReader(input);
        client.getOutputStream().write("LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1".getBytes(StandardCharsets.US_ASCII));

        long started = System.nanoTime();
        assertThat(reader.readRequest()).contains(new ListRequest("a", 1));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(MessageReader.QUIET_PERIOD);
        assertThat(reader.takeNewDeviations()).containsExactly(RequestDeviation.ENDED_BY_SILENCE);

        client.getOutputStream().write(Wire.crlf("LOOKUP RFC 2 P2P-CI/1.0\nHost: a\nPort: 1\n\n"));
        assertThat(reader.readRequest()).contains(new LookupRequest(2, "a", 1, Optional.empty()));
    }

    @Test
    void aSenderSilentBeforeItsRequestIsWholeIsWaitedFor() throws Exception {
        MessageReader reader = new MessageReader(input);
        client.getOutputStream().write("ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n".getBytes(StandardCharsets.US_ASCII));
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                // The Title comes only after the quiet period has passed once without a whole request.
                while (input.quietReads == 0) {
                    Thread.onSpinWait();
                }
                client.getOutputStream().write("Title: t\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(reader.readRequest()).contains(new AddRequest(1, "a", 1, "t"));
        sender.join();
        assertThat(reader.takeNewDeviations()).isEmpty();
    }

    /** Writes the bytes and waits until all of them can be read, so that the reader's first read takes them all. */
    private void sendAllThenWaitForIt(byte[] bytes) throws Exception {
        client.getOutputStream().write(bytes);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (served.getInputStream().available() < bytes.length) {
            assertThat(System.nanoTime()).as("all bytes arrived in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    /** A request input that counts the reads made within a quiet period. */
    private static final class CountingInput extends InputStream implements RequestInput {
        private final SocketRequestInput socket;
        volatile int quietReads;

        CountingInput(SocketRequestInput socket) {
            this.socket = socket;
        }

        @Override
        public int read() throws IOException {
            return socket.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return socket.read(buffer, offset, length);
        }

        @Override
        public int readWithin(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
            int read = socket.readWithin(buffer, offset, length, waitMillis);
            quietReads++;
            return read;
        }

        @Override
        public void requestNotBegun() {
            socket.requestNotBegun();
        }
    }
}
