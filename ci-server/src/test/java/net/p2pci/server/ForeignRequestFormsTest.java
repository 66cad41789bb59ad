package net.p2pci.server;

import static net.p2pci.server.Requests.add;
import static net.p2pci.server.Requests.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import net.p2pci.protocol.MessageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The index server reads requests as the implementations surveyed in docs/INTEROP.md send them, one case per
 * request-side row, and answers each with the exact bytes of docs/PROTOCOL.md: liberal in what it reads, strict in
 * what it sends. After each case the connection still serves a standard request, unless the client closed it.
 */
@Isolated // CapturedLog reads the whole JVM's log: no other class's server may write into its counts
class ForeignRequestFormsTest {
    private static final String OK_EMPTY = "P2P-CI/1.0 200 OK\r\n\r\n\r\n";
    private static final String BAD_REQUEST = "P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n";
    private static final String NOT_FOUND = "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n";
    private static final String HTTP = "Hypertext Transfer Protocol -- HTTP/1.1";
    private static final String ADDED_2616 = "P2P-CI/1.0 200 OK\r\n\r\nRFC 2616 " + HTTP + " a.example 5678\r\n\r\n";

    private IndexServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress())
                .withPort(0));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    /** Bytes a client sends, as the writes it sends them in, and the exact answer they must get. */
    record Step(List<String> writes, boolean closeAfter, String answer) {
    }

    private static Step step(String request, String answer) {
        return new Step(List.of(request), false, answer);
    }

    /** One write per line, each with its LF, as a client writing line by line sends them. */
    private static Step lineByLine(String request, String answer) {
        return new Step(List.of(request.split("(?<=\n)")), false, answer);
    }

    private static Step thenClose(String request, String answer) {
        return new Step(List.of(request), true, answer);
    }

    private static String padded(String message) {
        return message + "!".repeat(MessageReader.PADDED_MESSAGE_BYTES - message.length());
    }

    static Stream<Arguments> forms() {
        return Stream.of(
                rows("1", "LF instead of CRLF",
                        step("ADD RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: " + HTTP + "\n\n",
                                ADDED_2616)),
                rows("2", "CRLF and LF mixed",
                        step("LIST ALL P2P-CI/1.0\r\nHost: a.example\nPort: 5678\r\n\n", OK_EMPTY)),
                rows("3", "no empty line, no final line end (CRLF between lines)",
                        step("LIST ALL P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678", OK_EMPTY)),
                rows("3", "no empty line, one final LF",
                        step("ADD RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: " + HTTP + "\n",
                                ADDED_2616)),
                rows("3", "no empty line, LOOKUP without Title",
                        step(add(2616, "a.example", 5678, HTTP), ADDED_2616),
                        step("LOOKUP RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678", ADDED_2616)),
                rows("3", "no empty line, then the client closes its side",
                        thenClose("LOOKUP RFC 7 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: t", NOT_FOUND)),
                rows("14", "header names in upper case",
                        step("ADD RFC 2616 P2P-CI/1.0\r\nHOST: a.example\r\nPORT: 5678\r\nTITLE: " + HTTP
                                + "\r\n\r\n", ADDED_2616)),
                rows("15", "no space after the colon",
                        step("ADD RFC 2616 P2P-CI/1.0\r\nHost:a.example\r\nPort:5678\r\nTitle:" + HTTP + "\r\n\r\n",
                                ADDED_2616)),
                rows("16", "LIST without ALL",
                        step("LIST P2P-CI/1.0\nHost: a.example\nPort: 5678\n", OK_EMPTY)),
                rows("16", "LISTALL",
                        step("LISTALL P2P-CI/1.0\nHOST: a.example\nPORT: 5678", OK_EMPTY)),
                rows("16", "ADD and LOOKUP without the keyword RFC",
                        step("ADD 2616 P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\nTitle: " + HTTP + "\r\n",
                                ADDED_2616),
                        step("LOOKUP 2616 P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\nTitle: " + HTTP + "\r\n",
                                ADDED_2616)),
                rows("17", "DEL PEER: 400, the connection kept",
                        step(padded("DEL PEER P2P-CI/1.0\nHOST: a.example\nPort: 5678"), BAD_REQUEST)),
                rows("17", "LEAVE: 400, the connection kept",
                        step("LEAVE P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678", BAD_REQUEST)),
                rows("17", "EXIT alone: 400, the connection kept", step("EXIT\n", BAD_REQUEST)),
                rows("18", "LOOKUP matched on the number only, whatever its Title",
                        step(add(2616, "a.example", 5678, HTTP), ADDED_2616),
                        step("LOOKUP RFC 2616 P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\nTitle: Another title"
                                + "\r\n\r\n", ADDED_2616)),
                rows("19", "extra header lines are ignored",
                        step("ADD RFC 2616 P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\nOS: Linux 6.1\r\n"
                                + "X-Client: foreign\r\nTitle: " + HTTP + "\r\n\r\n", ADDED_2616)),
                rows("21", "every message padded with '!' to 1024 bytes",
                        step(padded("ADD RFC 2616 P2P-CI/1.0\nHOST: a.example\nPort: 5678\nTitle: " + HTTP),
                                ADDED_2616),
                        step(padded("LIST ALL P2P-CI/1.0\nHOST: a.example\nPort: 5678\n"), ADDED_2616),
                        step(padded("LOOKUP RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: " + HTTP),
                                ADDED_2616)),
                rows("25", "a line END after each request, each line its own write",
                        lineByLine("ADD RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: " + HTTP + "\n\nEND\n",
                                ADDED_2616),
                        lineByLine("LIST ALL P2P-CI/1.0\nHost: a.example\nPort: 5678\n\nEND\n", ADDED_2616)),
                rows("25", "a line END instead of the empty line",
                        step("LIST ALL P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\nEND\r\n", OK_EMPTY)),
                rows("26", "a request in many writes",
                        new Step(List.of("ADD RFC 26", "16 P2P-CI/1.0\r", "\nHost: a.exa", "mple\r\nPort: 5678\r\nTi",
                                "tle: " + HTTP + "\r\n", "\r", "\n"), false, ADDED_2616)),
                rows("22", "not understood: a 2-byte length prefix (writeUTF) is refused, the connection kept",
                        step("\0\u0034ADD RFC 2616 P2P-CI/1.0\nHost: a.example\nPort: 5678\nTitle: t", BAD_REQUEST)),
                rows("23", "not understood: a pickled Python list is refused, the connection kept",
                        step("(lp0\nS'LIST ALL P2P-CI/1.0\\nHost: a.example\\nPort: 5678'\np1\na.", BAD_REQUEST)),
                rows("24", "not understood: a binary option code before a request is refused, the connection kept",
                        step("\0\0\0\u0001\0\u001fLIST ALL P2P-CI/1.0\nHost: a.example\nPort: 5678", BAD_REQUEST)));
    }

    private static Arguments rows(String row, String name, Step... steps) {
        return Arguments.of("row " + row + ": " + name, List.of(steps));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forms")
    void answersEachFormWithTheExactBytesAndKeepsTheConnection(String name, List<Step> steps) throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            client.socket().setTcpNoDelay(true); // each write its own segment, as the clients that write in pieces
            OutputStream out = client.socket().getOutputStream();
            for (Step step : steps) {
                for (String write : step.writes()) {
                    out.write(write.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                if (step.closeAfter()) {
                    client.socket().shutdownOutput();
                }
                assertThat(client.readResponse()).as(name).isEqualTo(step.answer());
                if (step.closeAfter()) {
                    assertThat(client.isClosedByServer()).as("closed after the answer").isTrue();
                    return;
                }
            }
            assertThat(client.exchange(lookup(9999, "a.example", 5678))).as(name + ", then a standard request")
                    .isEqualTo(NOT_FOUND);
        }
    }

    @Test
    void standardRequestsNeverWaitForTheQuietPeriod() throws IOException {
        int requests = 20;
        try (RawClient client = new RawClient(server.port())) {
            long started = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                client.exchange(lookup(9999, "a.example", 5678));
            }
            // Had any of them waited for the quiet period, all of them together could not be this fast.
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(MessageReader.QUIET_PERIOD.multipliedBy(requests));
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAsBefore() throws IOException {
        try (RawClient client = new RawClient(server.port())) {
            client.send(add(2616, "a.example", 5678, HTTP) + lookup(9999, "a.example", 5678)
                    + "LIST ALL P2P-CI/1.0\r\nHost: a.example\r\nPort: 5678\r\n\r\n");

            assertThat(client.readResponse()).isEqualTo(ADDED_2616);
            assertThat(client.readResponse()).isEqualTo(NOT_FOUND);
            assertThat(client.readResponse()).isEqualTo(ADDED_2616);
        }
    }

    @Test
    void eachDeviationIsNotedOncePerConnection() throws IOException {
        try (CapturedLog log = new CapturedLog(); RawClient client = new RawClient(server.port())) {
            String noEmptyLine = "LIST ALL P2P-CI/1.0\nHost: a.example\nPort: 5678";
            assertThat(client.exchange(noEmptyLine)).isEqualTo(OK_EMPTY);
            assertThat(client.exchange(noEmptyLine)).isEqualTo(OK_EMPTY);

            String remote = "client 127.0.0.1:" + client.socket().getLocalPort() + " ";
            await().atMost(Duration.ofSeconds(20)).until(() -> log.count(remote + "ends requests without the empty"
                    + " line; answering after 250 ms of silence") == 1);
            assertThat(log.count(remote + "ends lines with LF alone, not CRLF")).isEqualTo(1);
        }
    }

    @Test
    void anEndLineAfterARequestLeavesTheConnectionIdleWithoutADeadline() throws IOException {
        Duration requestTimeout = Duration.ofMillis(500);
        server.close();
        server = IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress())
                .withPort(0).withRequestTimeout(requestTimeout));
        try (RawClient client = new RawClient(server.port())) {
            assertThat(client.exchange(add(2616, "a.example", 5678, HTTP))).isEqualTo(ADDED_2616);
            client.send("END\r\n");

            // An END line taken for the start of a request would have the connection closed at its deadline.
            client.socket().setSoTimeout((int) requestTimeout.multipliedBy(4).toMillis());
            try {
                client.isClosedByServer();
                throw new AssertionError("the server sent or closed something after the END line");
            } catch (SocketTimeoutException expected) {
                // nothing came: the connection is idle
            }
            assertThat(client.exchange(lookup(2616, "a.example", 5678))).isEqualTo(ADDED_2616);
        }
    }
}
