package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import net.p2pci.protocol.AnswerDeviation.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The liberal reader of GET answers: every row of docs/INTEROP.md about an upload server's answer that a reader can
 * make sense of gives the file byte for byte and names the deviation; what it cannot make sense of fails with what it
 * received; and the waits on a connection left open end at the holder's silence, on a real socket.
 */
class FileAnswerReaderTest {
    /** The start of an RFC as rfc-editor.org serves it: empty lines, then lines that look like headers. */
    private static final String RFC_TEXT = "\n\n\nNetwork Working Group                                   J. Postel\n"
            + "Request for Comments: 791\nObsoletes: 760\n\n                    INTERNET PROTOCOL\n\nPreface\n";
    /** The same file starting with its first text line. */
    private static final String RFC_TEXT_UNPADDED = RFC_TEXT.strip() + "\n";
    /** A file whose first line looks like a header of a name PROTOCOL.md does not know. */
    private static final String HEADER_LIKE_TEXT = "Obsoletes: 760\nNetwork Working Group\nText.\n";
    private static final Duration QUIET = Duration.ofMillis(150);
    private static final Duration BODY_QUIET = Duration.ofMillis(300);

    /** One answer, what the file must be, and the deviations it must name. */
    record Case(String name, String answer, int status, String file, Set<Kind> kinds) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Arguments> understood() {
        return Stream.of(
                new Case("standard", standard(RFC_TEXT), 200, RFC_TEXT, Set.of()),
                new Case("row 1: LF alone, with the empty line", standard(RFC_TEXT).replace("\r\n", "\n"), 200,
                        RFC_TEXT, Set.of(Kind.LF_LINE_ENDS)),
                new Case("row 2: CRLF after the status line, LF after the rest, no empty line",
                        "P2P-CI/1.0 200 OK\r\nDate: d\nOS: o\nContent-Length: " + length(RFC_TEXT_UNPADDED) + "\n"
                                + RFC_TEXT_UNPADDED, 200, RFC_TEXT_UNPADDED,
                        Set.of(Kind.LF_LINE_ENDS, Kind.NO_EMPTY_LINE_BEFORE_BODY)),
                new Case("row 9: status phrase in capitals", "P2P-CI/1.0 404 NOT FOUND\r\nContent-Length: 0\r\n\r\n",
                        404, "", Set.of(Kind.STATUS_PHRASE)),
                new Case("row 10: space at the end of the status line", standard(RFC_TEXT)
                        .replaceFirst("OK\r\n", "OK \r\n"), 200, RFC_TEXT, Set.of(Kind.EXTRA_SPACES)),
                new Case("row 11: status line without the version", "505 P2P-CI Version Not Supported\n", 505, "",
                        Set.of(Kind.STATUS_WITHOUT_VERSION, Kind.LF_LINE_ENDS, Kind.NO_FINAL_EMPTY_LINE,
                                Kind.NO_CONTENT_LENGTH)),
                new Case("row 14: header names in capitals", standard(RFC_TEXT).replace("Content-Length:",
                        "CONTENT-LENGTH:").replace("Date:", "DATE:"), 200, RFC_TEXT, Set.of(Kind.HEADER_NAME_CASE)),
                new Case("row 15: no space after the colon", standard(RFC_TEXT).replace("Content-Length: ",
                        "Content-Length:"), 200, RFC_TEXT, Set.of(Kind.MALFORMED_HEADER)),
                new Case("row 32: no empty line, a file that starts with empty lines",
                        lfHead(RFC_TEXT) + RFC_TEXT, 200, RFC_TEXT,
                        Set.of(Kind.LF_LINE_ENDS, Kind.NO_EMPTY_LINE_BEFORE_BODY)),
                new Case("row 32: no empty line, a file that starts with text",
                        lfHead(RFC_TEXT_UNPADDED) + RFC_TEXT_UNPADDED, 200, RFC_TEXT_UNPADDED,
                        Set.of(Kind.LF_LINE_ENDS, Kind.NO_EMPTY_LINE_BEFORE_BODY)),
                new Case("row 32: no empty line, a file that starts with a header-like line",
                        lfHead(HEADER_LIKE_TEXT) + HEADER_LIKE_TEXT, 200, HEADER_LIKE_TEXT,
                        Set.of(Kind.LF_LINE_ENDS, Kind.NO_EMPTY_LINE_BEFORE_BODY)),
                new Case("row 33: empty lines among the headers",
                        "P2P-CI/1.0 200 OK\nDate: Sat, 21 Nov 2026 15:12:05GMT\n\nOS: Linux\n"
                                + "Last-Modified: Sat, 21 Nov 2026 15:12:05GMT\n\nContent-Length: " + length(RFC_TEXT)
                                + "\nContent-Type: text/text\n" + RFC_TEXT, 200, RFC_TEXT,
                        Set.of(Kind.LF_LINE_ENDS, Kind.EMPTY_LINE_INSIDE_HEADERS, Kind.NO_EMPTY_LINE_BEFORE_BODY)),
                new Case("row 34: two headers on one line",
                        "P2P-CI/1.0 200 OK\r\nDate: Saturday, 21 Nov 2026 15:12:05 OS: Linux-6.1\r\nContent-Length: "
                                + length(RFC_TEXT) + "\r\n\r\n" + RFC_TEXT, 200, RFC_TEXT,
                        Set.of(Kind.MALFORMED_HEADER)),
                new Case("rows 35 and 36: dates of their own, text/text",
                        "P2P-CI/1.0 200 OK\r\nDate: Sat Nov 21 15:12:05 2026\r\nLast-Modified: 2026-11-21 15:12\r\n"
                                + "Content-Length: " + length(RFC_TEXT) + "\r\nContent-Type: text/text\r\n\r\n"
                                + RFC_TEXT, 200, RFC_TEXT, Set.of()),
                new Case("row 37: an error answer with empty values", "P2P-CI/1.0 404 Not Found\nLast-Modified:\n"
                        + "Content-Length:\n", 404, "", Set.of(Kind.LF_LINE_ENDS, Kind.NO_FINAL_EMPTY_LINE,
                        Kind.NO_CONTENT_LENGTH)),
                new Case("row 37: an error answer without Content-Length", "P2P-CI/1.0 404 Not Found\nDate: d\n"
                        + "OS: o\n\n", 404, "", Set.of(Kind.LF_LINE_ENDS, Kind.NO_CONTENT_LENGTH)),
                new Case("row 38: a status line after the file", lfHead(RFC_TEXT) + RFC_TEXT + "P2P-CI/1.0 200 OK\n",
                        200, RFC_TEXT, Set.of(Kind.LF_LINE_ENDS, Kind.NO_EMPTY_LINE_BEFORE_BODY,
                        Kind.STATUS_LINE_AFTER_FILE)),
                new Case("row 38: a status line after a file of standard head", standard(RFC_TEXT)
                        + "P2P-CI/1.0 200 OK\r\n", 200, RFC_TEXT, Set.of(Kind.STATUS_LINE_AFTER_FILE)),
                new Case("row 39: CRLF file sent with LF", "P2P-CI/1.0 200 OK\nContent-Length: "
                        + length(crlf(RFC_TEXT)) + "\n" + RFC_TEXT, 200, RFC_TEXT, Set.of(Kind.LF_LINE_ENDS,
                        Kind.NO_EMPTY_LINE_BEFORE_BODY, Kind.CONTENT_LENGTH_MISMATCH)),
                new Case("row 39: LF file sent with CRLF", "P2P-CI/1.0 200 OK\r\nContent-Length: "
                        + length(RFC_TEXT) + "\r\n\r\n" + crlf(RFC_TEXT), 200, crlf(RFC_TEXT),
                        Set.of(Kind.CONTENT_LENGTH_MISMATCH)),
                new Case("a file without Content-Length, to the close", "P2P-CI/1.0 200 OK\r\n\r\n" + RFC_TEXT, 200,
                        RFC_TEXT, Set.of(Kind.NO_CONTENT_LENGTH))
        ).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("understood")
    void anAnswerThatCanBeUnderstoodGivesTheFileAndNamesEachDeviation(Case answer) throws IOException {
        FileAnswerReader reader = reader(answer.answer());
        FileResponse head = reader.readHead();
        MemorySink file = new MemorySink();
        if (head.status() == Status.OK_200) {
            reader.readBody(file, 1_000_000);
        }

        assertThat(head.status().code()).isEqualTo(answer.status());
        assertThat(Wire.text(file.toByteArray())).isEqualTo(answer.file());
        assertThat(reader.deviations().stream().map(AnswerDeviation::kind).collect(Collectors.toSet()))
                .isEqualTo(answer.kinds());
    }

    @Test
    void twoHeadersOnOneLineAreBothRead() throws IOException {
        FileResponse head = reader("P2P-CI/1.0 200 OK\r\nDate: Saturday, 21 Nov 2026 15:12:05 OS: Linux-6.1\r\n"
                + "Content-Length: 0\r\n\r\n").readHead();

        assertThat(head.header(FileResponse.DATE)).contains("Saturday, 21 Nov 2026 15:12:05");
        assertThat(head.header(FileResponse.OS)).contains("Linux-6.1");
    }

    @Test
    void aDeviationIsNamedWithWhatTheHolderSent() throws IOException {
        FileAnswerReader reader = reader("P2P-CI/1.0 200 OK\r\nCONTENT-LENGTH:0\r\n\r\n");
        reader.readHead();

        assertThat(reader.deviations().stream().map(AnswerDeviation::describe)).containsExactly(
                "sends a header line that is not 'Name: value' (no space after 'CONTENT-LENGTH:')",
                "spells header names in another case ('CONTENT-LENGTH')");
    }

    static Stream<Arguments> notUnderstood() {
        return Stream.of(
                Arguments.of("another protocol", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc",
                        ResponseFormatException.class, "received \"HTTP/1.1 200 OK\\r\\n\""),
                Arguments.of("pickle framing (row 23)", "\u0080\u0003]q\u0000X\n", ResponseFormatException.class,
                        "received \"\\x80\\x03]q\\x00X\\n\""),
                Arguments.of("a Content-Length that is not a number", "P2P-CI/1.0 200 OK\r\nContent-Length: 12 bytes"
                        + "\r\n\r\n", ResponseFormatException.class, "received \"Content-Length: 12 bytes\\r\\n\""),
                Arguments.of("row 37: closed without a byte", "", EOFException.class,
                        "closed the connection without an answer (not a byte)"),
                Arguments.of("empty lines alone", "\r\n\n", EOFException.class,
                        "sent empty lines and no status line before it closed the connection or went quiet"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUnderstood")
    void aHeadThatCannotBeUnderstoodFailsSayingWhatCame(String name, String answer,
                                                         Class<? extends IOException> failure, String message) {
        assertThatThrownBy(() -> reader(answer).readHead()).isInstanceOf(failure).hasMessageEndingWith(message);
    }

    static Stream<Arguments> unbelievable() {
        return Stream.of(
                Arguments.of("shorter than announced, and not by line ends", standardHead(90) + "abc\n",
                        "closed the connection after 4 of 90 bytes"),
                Arguments.of("cut short at a line end, by less than a byte a line", standardHead(length(RFC_TEXT)
                        + 3) + RFC_TEXT, "closed the connection after " + length(RFC_TEXT) + " of "
                        + (length(RFC_TEXT) + 3) + " bytes"),
                Arguments.of("longer than announced, and not by line ends", standardHead(3) + "abcdefgh",
                        "sent more than the 3 bytes it announced"),
                Arguments.of("longer than the limit", "P2P-CI/1.0 200 OK\r\n\r\n" + "x\n".repeat(120),
                        "sent more than the limit of 200 bytes"),
                Arguments.of("announced over the limit", standardHead(201), "announced 201 bytes, over the limit of"
                        + " 200"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unbelievable")
    void aBodyThatCannotBeTheWholeFileIsRefused(String name, String answer, String message) throws IOException {
        FileAnswerReader reader = reader(answer);
        reader.readHead();

        assertThatThrownBy(() -> reader.readBody(new MemorySink(), 200))
                .isInstanceOf(FileAnswerReader.UnbelievableBodyException.class).hasMessage(message);
    }

    @Test
    void aFileWhoseHolderStaysConnectedEndsAfterItsAnnouncedBytesAndAMomentsSilence() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send(standard(RFC_TEXT));
            connection.reader.readHead();
            MemorySink file = new MemorySink();
            long started = System.nanoTime();
            connection.reader.readBody(file, 1_000_000);

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(BODY_QUIET);
            assertThat(Wire.text(file.toByteArray())).isEqualTo(RFC_TEXT);
            assertThat(connection.reader.deviations()).containsExactly(AnswerDeviation.of(Kind.NO_CLOSE_AFTER_FILE));
        }
    }

    @Test
    void aFileWithoutContentLengthOnAConnectionLeftOpenEndsAtTheHoldersSilenceAfterALineEnd() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send("P2P-CI/1.0 200 OK\r\n\r\n" + RFC_TEXT);
            connection.reader.readHead();
            MemorySink file = new MemorySink();
            connection.reader.readBody(file, 1_000_000);

            assertThat(Wire.text(file.toByteArray())).isEqualTo(RFC_TEXT);
            assertThat(connection.reader.deviations()).containsExactly(AnswerDeviation.of(Kind.NO_CONTENT_LENGTH),
                    AnswerDeviation.of(Kind.NO_CLOSE_AFTER_FILE));
        }
    }

    @Test
    void aFileWithoutContentLengthThatStopsInsideALineIsRefusedQuotingItsEnd() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send("P2P-CI/1.0 200 OK\r\n\r\nNetwork Working Gr");
            connection.reader.readHead();

            assertThatThrownBy(() -> connection.reader.readBody(new MemorySink(), 1_000_000))
                    .isInstanceOf(FileAnswerReader.UnbelievableBodyException.class)
                    .hasMessage("sent 18 bytes without Content-Length, then nothing for 300 ms without closing; the"
                            + " file would end \"Network Working Gr\"");
        }
    }

    @Test
    void anErrorAnswerWithoutItsEmptyLineOnAConnectionLeftOpenEndsAtTheHoldersSilence() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send("P2P-CI/1.0 404 Not Found\nDate: d\nOS: o\n");

            assertThat(connection.reader.readHead().status()).isEqualTo(Status.NOT_FOUND_404);
            assertThat(connection.reader.deviations()).contains(AnswerDeviation.of(Kind.NO_FINAL_EMPTY_LINE));
        }
    }

    @Test
    void aHolderThatStallsInsideAnAnnouncedFileFailsAtTheConnectionsOwnDeadline() throws Exception {
        try (Connection connection = new Connection()) {
            connection.send(standardHead(1000) + "the first bytes\n");
            connection.reader.readHead();

            assertThatThrownBy(() -> connection.reader.readBody(new MemorySink(), 1_000_000))
                    .isInstanceOf(SocketTimeoutException.class);
        }
    }

    /**
     * A loopback connection whose client end reads through the liberal reader: quiet and last-bytes waits set the
     * read timeout they are given, a patient one the connection's own deadline.
     */
    private static final class Connection implements AutoCloseable {
        private static final int PATIENT_MILLIS = 1000;
        final LoopbackConnection sockets = new LoopbackConnection();
        final FileAnswerReader reader;

        Connection() throws IOException {
            Socket client = sockets.client;
            reader = new FileAnswerReader(new MessageReader(client.getInputStream()), new FileAnswerReader.Waits() {
                @Override
                public void quiet(Duration silence) throws IOException {
                    client.setSoTimeout((int) silence.toMillis());
                }

                @Override
                public void lastBytes(Duration silence) throws IOException {
                    client.setSoTimeout((int) silence.toMillis());
                }

                @Override
                public void patient() throws IOException {
                    client.setSoTimeout(PATIENT_MILLIS);
                }
            }, QUIET, BODY_QUIET, Limits.DEFAULT);
        }

        void send(String text) throws IOException {
            sockets.send(text);
        }

        @Override
        public void close() throws IOException {
            sockets.close();
        }
    }

    /** The reader over bytes that arrive at once and end; its waits do nothing, as a stream has no silence. */
    static FileAnswerReader reader(String answer) {
        return reader(answer.getBytes(StandardCharsets.ISO_8859_1), Limits.DEFAULT);
    }

    static FileAnswerReader reader(byte[] answer, Limits limits) {
        return new FileAnswerReader(new MessageReader(new ByteArrayInputStream(answer), limits), NoSilence.WAITS, QUIET,
                BODY_QUIET, limits);
    }

    /** Our own upload server's answer with this file. */
    private static String standard(String file) {
        return standardHead(length(file)) + file;
    }

    private static String standardHead(long contentLength) {
        return "P2P-CI/1.0 200 OK\r\nDate: Sat, 21 Nov 2026 15:12:05 GMT\r\nOS: Linux 6.1\r\n"
                + "Last-Modified: Sat, 21 Nov 2026 15:12:05 GMT\r\nContent-Length: " + contentLength
                + "\r\nContent-Type: text/plain\r\n\r\n";
    }

    /** A head with LF line ends and no empty line before the file, as most Python peers send it. */
    private static String lfHead(String file) {
        return "P2P-CI/1.0 200 OK\nDate: d\nOS: o\nLast-Modified: m\nContent-Length: " + length(file)
                + "\nContent-Type: text/text\n";
    }

    private static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    private static long length(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1).length;
    }
}
