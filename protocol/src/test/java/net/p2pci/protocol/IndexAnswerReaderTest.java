package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.p2pci.protocol.AnswerDeviation.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The liberal reader of index answers: every deviation of docs/INTEROP.md that a reader can make sense of gives the
 * standard answer and names the deviation; bytes it cannot make sense of fail with the bytes quoted; and an answer
 * without its final empty line ends at the server's silence, on a real socket.
 */
class IndexAnswerReaderTest {
    private static final RfcRecord HOLDER = new RfcRecord(2616, "Hypertext Transfer Protocol -- HTTP/1.1",
            "holder.example", 6000);
    private static final String HOLDER_LINE = "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000";
    /** Short, so that the tests of silence are quick; the peer's own is {@code IndexClient.ANSWER_QUIET}. */
    private static final Duration QUIET = Duration.ofMillis(150);

    @Test
    void aStandardAnswerIsReadWithoutADeviation() throws IOException {
        IndexAnswerReader.Answer answer = readOne(Wire.crlf("P2P-CI/1.0 200 OK\n\n" + HOLDER_LINE + "\n\n"));

        assertThat(answer.response()).isEqualTo(IndexResponse.ok(List.of(HOLDER)));
        assertThat(answer.deviations()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            LF alone (row 1)                      | P2P-CI/1.0 200 OK\\n\\nRFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000\\n\\n | 200 | 1 | LF_LINE_ENDS
            no empty lines (row 4)                | P2P-CI/1.0 200 OK\\r\\nRFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000\\r\\n | 200 | 1 | NO_EMPTY_LINE_AFTER_STATUS NO_FINAL_EMPTY_LINE
            no line end at all (row 4)            | P2P-CI/1.0 200 OK\\r\\n\\r\\nRFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000 | 200 | 1 | NO_FINAL_LINE_END
            record without RFC (row 5)            | P2P-CI/1.0 200 OK\\r\\n\\r\\n2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000\\r\\n\\r\\n | 200 | 1 | RECORD_WITHOUT_RFC
            status phrase in capitals (row 9)     | P2P-CI/1.0 404 NOT FOUND\\r\\n\\r\\n\\r\\n | 404 | 0 | STATUS_PHRASE
            trailing space (row 10)               | P2P-CI/1.0 200 OK \\r\\n\\r\\n\\r\\n | 200 | 0 | EXTRA_SPACES
            status without version (row 11)       | 505 P2P-CI Version Not Supported\\r\\n | 505 | 0 | STATUS_WITHOUT_VERSION NO_FINAL_EMPTY_LINE
            END line after the answer (row 25)    | END\\nP2P-CI/1.0 200 OK\\n\\n\\n | 200 | 0 | END_LINE LF_LINE_ENDS
            extra empty lines before an answer    | \\r\\nP2P-CI/1.0 200 OK\\r\\n\\r\\n\\r\\n | 200 | 0 | EXTRA_EMPTY_LINES
            """)
    void aDeviationThatCanBeUnderstoodIsReadAndNamed(String row, String bytes, int code, int records, String kinds)
            throws IOException {
        IndexAnswerReader.Answer answer = readOne(unescape(bytes).getBytes(StandardCharsets.UTF_8));

        assertThat(answer.response().status().code()).isEqualTo(code);
        assertThat(answer.response().records()).hasSize(records);
        if (records == 1) {
            assertThat(answer.response().records().get(0)).isEqualTo(HOLDER);
        }
        assertThat(answer.deviations().stream().map(AnswerDeviation::kind).collect(Collectors.toSet()))
                .isEqualTo(Set.of(kinds.split(" ")).stream().map(Kind::valueOf).collect(Collectors.toSet()));
    }

    @Test
    void theNextStatusLineEndsAnAnswerWithoutItsFinalEmptyLine() throws IOException {
        MessageReader bytes = Wire.reader("P2P-CI/1.0 200 OK\n" + HOLDER_LINE + "\nP2P-CI/1.0 404 Not Found\n");
        IndexAnswerReader reader = new IndexAnswerReader(bytes, noQuiet(), Limits.DEFAULT);

        assertThat(reader.read().response()).isEqualTo(IndexResponse.ok(List.of(HOLDER)));
        assertThat(reader.read().response()).isEqualTo(IndexResponse.of(Status.NOT_FOUND_404));
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
    }

    @Test
    void aPhraseOfItsOwnIsNamedWithWhatTheServerSent() throws IOException {
        IndexAnswerReader.Answer answer = readOne(Wire.crlf("P2P-CI/1.0 404 NOT FOUND\n\n\n"));

        assertThat(answer.deviations()).containsExactly(new AnswerDeviation(Kind.STATUS_PHRASE, "'NOT FOUND' for 404"));
        assertThat(answer.deviations().iterator().next().describe())
                .isEqualTo("spells a status phrase its own way ('NOT FOUND' for 404)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            fields joined by <sp> (row 6)   | P2P-CI/1.0 200 OK\\n2616<sp>Title<sp>10.0.0.5<sp>53412<sp>6000\\n | received "2616<sp>Title<sp>10.0.0.5<sp>53412<sp>6000\\\\n"
            object dump (row 7)             | P2P-CI/1.0 200 OK\\nRFC 1 t Peer(hostname='h', port=7734)\\n     | received "RFC 1 t Peer(hostname='h', port=7734)\\\\n"
            padded with ! (row 21)          | P2P-CI/1.0 200 OK\\nRFC 1 t h 5678!!!!!!!!                      | received "RFC 1 t h 5678!!!!!!!!"
            length prefix (row 22)          | \\u0000\\u001cP2P-CI/1.0 200 OK\\nRFC 1 t h 5\\n               | received "\\\\x00\\\\x1cP2P-CI/1.0 200 OK\\\\n"
            another version                 | P2P-CI/2.0 200 OK\\r\\n\\r\\n\\r\\n                               | received "P2P-CI/2.0 200 OK\\\\r\\\\n"
            a code P2P-CI does not have     | P2P-CI/1.0 201 Created\\r\\n\\r\\n\\r\\n                          | received "P2P-CI/1.0 201 Created\\\\r\\\\n"
            """)
    void bytesThatCannotBeUnderstoodFailWithTheBytesQuoted(String row, String bytes, String quoted) {
        assertThatThrownBy(() -> readOne(unescape(bytes).getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ResponseFormatException.class)
                .hasMessageEndingWith(quoted.replace("\\\\", "\\"));
    }

    @Test
    void anAnswerWithoutItsFinalEmptyLineEndsWhenTheServerFallsSilent() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send("P2P-CI/1.0 200 OK\r\n\r\n" + HOLDER_LINE + "\r\n");
            IndexAnswerReader.Answer first = connection.reader.read();
            connection.send("P2P-CI/1.0 404 Not Found\r\n");
            IndexAnswerReader.Answer second = connection.reader.read();

            assertThat(first.response()).isEqualTo(IndexResponse.ok(List.of(HOLDER)));
            assertThat(first.deviations()).containsExactly(AnswerDeviation.of(Kind.NO_FINAL_EMPTY_LINE));
            assertThat(second.response()).isEqualTo(IndexResponse.of(Status.NOT_FOUND_404));
            assertThat(connection.timeouts).containsExactly(0, (int) QUIET.toMillis(), 0, 0, (int) QUIET.toMillis(),
                    0);
        }
    }

    @Test
    void aStandardAnswerThatArrivesInPiecesIsReadWhole() throws Exception {
        Duration longQuiet = Duration.ofSeconds(3);
        try (Connection connection = new Connection(longQuiet)) {
            connection.send("P2P-CI/1.0 200 OK\r\n\r\n");
            Thread.ofVirtual().start(() -> {
                try {
                    // A tenth of the silence that would end the answer, then its records and the final empty line.
                    Thread.sleep(longQuiet.dividedBy(10));
                    connection.send(HOLDER_LINE + "\r\n\r\n");
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            IndexAnswerReader.Answer answer = connection.reader.read();

            assertThat(answer.response()).isEqualTo(IndexResponse.ok(List.of(HOLDER)));
            assertThat(answer.deviations()).isEmpty();
        }
    }

    @Test
    void bytesThatNeverMakeALineAreQuotedOnceTheServerFallsSilent() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send("\u0000\u0000\u0000\u0001");

            assertThatThrownBy(connection.reader::read).isInstanceOf(ResponseFormatException.class)
                    .hasMessageEndingWith("received \"\\x00\\x00\\x00\\x01\"");
        }
    }

    /** A loopback connection whose client end reads with the quiet period, recording each read timeout set. */
    private static final class Connection implements AutoCloseable {
        final List<Integer> timeouts = new ArrayList<>();
        final LoopbackConnection sockets = new LoopbackConnection();
        final Socket client = sockets.client;
        final IndexAnswerReader reader;

        Connection() throws IOException {
            this(QUIET);
        }

        Connection(Duration quiet) throws IOException {
            reader = new IndexAnswerReader(new MessageReader(client.getInputStream()),
                    new IndexAnswerReader.QuietPeriod() {
                        @Override
                        public void begin() throws IOException {
                            setTimeout((int) quiet.toMillis());
                        }

                        @Override
                        public void end() throws IOException {
                            setTimeout(0);
                        }
                    }, Limits.DEFAULT);
        }

        private void setTimeout(int millis) throws IOException {
            timeouts.add(millis);
            client.setSoTimeout(millis);
        }

        void send(String text) throws IOException {
            sockets.send(text);
        }

        @Override
        public void close() throws IOException {
            sockets.close();
        }
    }

    private static IndexAnswerReader.Answer readOne(byte[] bytes) throws IOException {
        return new IndexAnswerReader(Wire.reader(bytes), noQuiet(), Limits.DEFAULT).read();
    }

    private static IndexAnswerReader.QuietPeriod noQuiet() {
        return new IndexAnswerReader.QuietPeriod() {
            @Override
            public void begin() {
            }

            @Override
            public void end() {
            }
        };
    }

    /** The table's escapes: {@code \r}, {@code \n} and {@code \}{@code uXXXX}. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\' || i + 1 == text.length()) {
                out.append(c);
                continue;
            }
            char next = text.charAt(++i);
            switch (next) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 'u' -> {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append('\\').append(next);
            }
        }
        return out.toString();
    }
}
