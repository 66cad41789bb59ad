package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import net.p2pci.peer.DeviantServer.Answer;
import net.p2pci.peer.DeviantServer.Dialect;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.LookupRequest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real peer process downloading from upload servers that answer GET the way other implementations do
 * (docs/INTEROP.md, one case per row that concerns a GET answer): where a liberal reader can tell what was meant, the
 * peer saves the file byte for byte and notes each deviation once; where it cannot, the failure line says what it
 * received. The holder's address comes to the peer as a record in the index's LOOKUP answer, as it would from any
 * index. {@link PeerDeadlinesIT} shows that a holder that stalls or never closes holds nothing up.
 */
@Execution(ExecutionMode.CONCURRENT) // each case is a peer process of its own, mostly waiting on its start
class InteropGetIT {
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);
    /** A sample that begins, as most RFC texts do, with empty lines: the case a head without its empty line makes hard. */
    static final int RFC = 2324;
    private static final String TITLE = "Hyper Text Coffee Pot Control Protocol (HTCPCP/1.0)";
    static final byte[] FILE = read(SampleRfcs.file(RFC));
    private static final String HEADERS = "Date: Sat, 21 Nov 2026 15:12:05 GMT\nOS: Linux 6.1\n"
            + "Last-Modified: Sat, 21 Nov 2026 15:12:05 GMT\nContent-Length: " + FILE.length
            + "\nContent-Type: text/plain\n";

    /** What the peer says once of a file from a holder that sent no digest (docs/PROTOCOL.md 9.2). */
    private static final String UNVERIFIED = "sent no Repr-Digest: the file is unverified";

    @TempDir
    Path work;

    /**
     * One row of docs/INTEROP.md: how the holder answers, the file the peer must then have (null when it can have
     * none), and the lines it must print, {@code %s} standing for the holder's address.
     */
    record Case(String row, String name, Function<GetRequest, Answer> holder, byte[] file, List<String> lines) {
        @Override
        public String toString() {
            return "row " + row + ": " + name;
        }
    }

    static Stream<Arguments> deviations() {
        List<Case> cases = List.of(
                saved("1", "LF instead of CRLF", Answer.bytes(concat("P2P-CI/1.0 200 OK\n" + HEADERS + "\n", FILE)),
                        "ends lines with LF alone, not CRLF"),
                saved("2", "CRLF after the status line, LF after the rest, no empty line", Answer.bytes(
                        concat("P2P-CI/1.0 200 OK\r\n" + HEADERS, FILE)), "ends lines with LF alone, not CRLF",
                        "sends no empty line between the headers and the file"),
                failed("9", "status phrase in capitals", Answer.of(crlf("P2P-CI/1.0 404 NOT FOUND\n"
                        + "Content-Length: 0\n\n")), "answered 404 Not Found",
                        "spells a status phrase its own way ('NOT FOUND' for 404)"),
                saved("10", "extra space at the end of the status line", Answer.bytes(concat(
                        crlf("P2P-CI/1.0 200 OK \n" + HEADERS + "\n"), FILE)), "puts extra spaces in its lines"),
                failed("11", "status line without the version, then close", Answer.of(
                        "505 P2P-CI Version Not Supported\r\n"),
                        "answered 505 P2P-CI Version Not Supported",
                        "sends status lines without the version P2P-CI/1.0",
                        "ends answers without the final empty line", "sends no Content-Length"),
                saved("14", "header names in capitals", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS.replace("Date:", "DATE:").replace("Content-Length:", "CONTENT-LENGTH:") + "\n"),
                        FILE)), "spells header names in another case ('DATE')"),
                saved("15", "no space after a header colon", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS.replace("Content-Length: ", "Content-Length:") + "\n"), FILE)),
                        "sends a header line that is not 'Name: value' (no space after 'Content-Length:')"),
                saved("26", "head in one write, the file in several", Answer.bytesInPieces(
                        crlf("P2P-CI/1.0 200 OK\n" + HEADERS + "\n").getBytes(StandardCharsets.UTF_8),
                        Arrays.copyOfRange(FILE, 0, 7000), Arrays.copyOfRange(FILE, 7000, 14000),
                        Arrays.copyOfRange(FILE, 14000, FILE.length))),
                saved("32", "no empty line between the headers and a file that starts with empty lines",
                        Answer.bytes(concat("P2P-CI/1.0 200 OK\n" + HEADERS.replace("text/plain", "text/text"),
                                FILE)), "ends lines with LF alone, not CRLF",
                        "sends no empty line between the headers and the file"),
                saved("33", "empty lines among the headers", Answer.bytes(concat("P2P-CI/1.0 200 OK\n"
                        + "Date: Sat, 21 Nov 2026 15:12:05GMT\n\nOS: Linux-6.1\nLast-Modified: Sat, 21 Nov 2026"
                        + " 15:12:05GMT\n\nContent-Length: " + FILE.length + "\nContent-Type: text/text\n", FILE)),
                        "ends lines with LF alone, not CRLF", "puts an empty line among its headers",
                        "sends no empty line between the headers and the file"),
                saved("34", "two headers on one line", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + "Date: Saturday, 21 Nov 2026 15:12:05 OS: Linux-6.1\nContent-Length: " + FILE.length
                        + "\n\n"), FILE)), "sends a header line that is not 'Name: value' (two headers on one line)"),
                saved("35", "dates of their own", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS.replace("Sat, 21 Nov 2026 15:12:05 GMT", "Sat Nov 21 15:12:05 2026") + "\n"),
                        FILE))),
                saved("36", "Content-Type: text/text", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS.replace("text/plain", "text/text") + "\n"), FILE))),
                failed("37", "error answer with empty values", Answer.of("P2P-CI/1.0 404 Not Found\nLast-Modified:\n"
                        + "Content-Length:\n"), "answered 404 Not Found",
                        "ends lines with LF alone, not CRLF", "ends answers without the final empty line",
                        "sends no Content-Length"),
                failed("37", "error answer without Content-Length", Answer.of("P2P-CI/1.0 404 Not Found\nDate: d\n"
                        + "OS: o\n\n"), "answered 404 Not Found", "ends lines with LF alone, not CRLF",
                        "sends no Content-Length"),
                failed("37", "close without a byte", Answer.none(),
                        "closed the connection without an answer (not a byte)"),
                failedLeftOpen("38", "error answer, connection left open", Answer.of("P2P-CI/1.0 404 Not Found\r\n"
                        + "Date: d\nOS: o\n"), "answered 404 Not Found", "ends lines with LF alone, not CRLF",
                        "ends answers without the final empty line", "sends no Content-Length"),
                savedLeftOpen("38", "the file, connection left open", Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n" + HEADERS
                        + "\n"), FILE)), "keeps the connection open after the file"),
                savedLeftOpen("38", "another status line after the file, connection left open", Answer.bytes(concat(
                        crlf("P2P-CI/1.0 200 OK\n" + HEADERS + "\n"), concat(FILE, "P2P-CI/1.0 200 OK\r\n"))),
                        "sends another status line after the file"),
                saved("39", "file re-encoded: Content-Length of CRLF lines, sent with LF", Answer.bytes(concat(
                        crlf("P2P-CI/1.0 200 OK\nContent-Length: " + crlf(text(FILE)).length() + "\n\n"), FILE)),
                        "sends a file whose length differs from its Content-Length (" + FILE.length
                        + " bytes for Content-Length " + crlf(text(FILE)).length() + ")"),
                failed("22", "length-prefixed framing (Java writeUTF)", Answer.bytes(concat("\u0000\u002e",
                        crlf("P2P-CI/1.0 200 OK\n\n").getBytes(StandardCharsets.UTF_8))),
                        "sent a malformed response: not a P2P-CI/1.0 status line; received"
                                + " \"\\x00.P2P-CI/1.0 200 OK\\r\\n\""));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviations")
    void peerSavesTheFileOrSaysWhatItReceived(Case deviation) throws Exception {
        Path dir = work.resolve("peer");
        try (DeviantServer holder = new DeviantServer(request -> request instanceof GetRequest get
                ? deviation.holder().apply(get) : Answer.none().thenClose());
                DeviantServer index = new DeviantServer(indexListing(holder.port()));
                ChildProcess peer = InteropIndexIT.startPeerIn(dir, index, List.of("GET " + RFC), false)) {
            int exitStatus = peer.awaitExit(EXIT_DEADLINE);
            String address = "127.0.0.1:" + holder.port();
            List<String> printed = peer.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList();
            List<String> expected = deviation.lines().stream().map(line -> line.replace("%s", address)).toList();
            List<String> notes = printed.stream().filter(line -> line.startsWith("[Peer] Note: ")).toList();

            assertThat(notes).as(peer.output()).containsExactlyElementsOf(expected.stream()
                    .filter(line -> line.startsWith("[Peer] Note: ")).toList());
            Path saved = dir.resolve(RfcFileName.canonical(RFC));
            if (deviation.file() != null) {
                assertThat(exitStatus).as(peer.output() + peer.errors()).isEqualTo(RfcPeer.EXIT_OK);
                assertThat(saved).as(peer.output()).hasBinaryContent(deviation.file());
                assertThat(printed).as(peer.output()).anyMatch(line -> line.startsWith("[Peer] GET RFC " + RFC + ": "
                        + deviation.file().length + " bytes in "));
            } else {
                assertThat(exitStatus).as(peer.output() + peer.errors()).isEqualTo(RfcPeer.EXIT_FAILURE);
                assertThat(saved).doesNotExist();
                String failure = expected.getLast();
                assertThat(printed).as(peer.output()).contains(failure);
            }
        }
    }

    /**
     * A holder that sends wrong bytes under the file's true digest: the peer keeps nothing of it and takes the file
     * from the next holder LOOKUP named, a standard one, whose file it keeps unverified.
     */
    @org.junit.jupiter.api.Test
    void aFileThatFailsItsDigestIsNotKeptAndTheNextHolderIsAsked() throws Exception {
        Path dir = work.resolve("peer");
        byte[] wrong = FILE.clone();
        wrong[wrong.length / 2] ^= 1;
        String digest = net.p2pci.protocol.ReprDigest.of(FILE).headerValue();
        try (DeviantServer liar = new DeviantServer(request -> Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS + "Repr-Digest: " + digest + "\n\n"), wrong)).thenClose());
                DeviantServer standard = new DeviantServer(request -> Answer.bytes(concat(crlf("P2P-CI/1.0 200 OK\n"
                        + HEADERS + "\n"), FILE)).thenClose());
                DeviantServer index = new DeviantServer(request -> request instanceof LookupRequest lookup
                        ? Answer.of(crlf("P2P-CI/1.0 200 OK\n\nRFC " + lookup.rfcNumber() + " " + TITLE
                        + " 127.0.0.1 " + liar.port() + "\nRFC " + lookup.rfcNumber() + " " + TITLE + " 127.0.0.1 "
                        + standard.port() + "\n\n"))
                        : Answer.of(InteropIndexIT.standard(request, "\r\n")));
                ChildProcess peer = InteropIndexIT.startPeerIn(dir, index, List.of("GET " + RFC), false)) {
            int exitStatus = peer.awaitExit(EXIT_DEADLINE);
            List<String> printed = peer.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList();

            assertThat(exitStatus).as(peer.output() + peer.errors()).isEqualTo(RfcPeer.EXIT_OK);
            assertThat(printed).as(peer.output()).containsSubsequence(
                    "[Peer] Downloading RFC " + RFC + " from 127.0.0.1:" + liar.port(),
                    "[Peer] Downloading RFC " + RFC + " from 127.0.0.1:" + standard.port(),
                    "[Peer] Note: peer 127.0.0.1:" + standard.port() + " " + UNVERIFIED);
            assertThat(printed).as(peer.output()).anyMatch(line -> line.startsWith("[Peer] GET RFC " + RFC
                    + " from 127.0.0.1:" + liar.port() + " failed: 127.0.0.1:" + liar.port() + " sent a file whose"
                    + " SHA-256 is ") && line.endsWith("not the " + digest + " of its Repr-Digest; nothing kept"));
            assertThat(dir.resolve(RfcFileName.canonical(RFC))).hasBinaryContent(FILE);
        }
    }

    /** An index that answers LOOKUP with one record, the holder at {@code holderPort}, and everything else standard. */
    static Dialect indexListing(int holderPort) {
        return request -> request instanceof LookupRequest lookup
                ? Answer.of(crlf("P2P-CI/1.0 200 OK\n\nRFC " + lookup.rfcNumber() + " " + TITLE + " 127.0.0.1 "
                        + holderPort + "\n\n"))
                : Answer.of(InteropIndexIT.standard(request, "\r\n"));
    }

    /**
     * A row the peer copes with: the file is saved as sent, and each deviation noted once. The holder closes after
     * its answer, as most implementations do; row 38 is the one about those that do not.
     */
    private static Case saved(String row, String name, Answer answer, String... notes) {
        return savedLeftOpen(row, name, answer.thenClose(), notes);
    }

    /** The file is kept, and said once to be unverified: these holders, like every standard one, send no digest. */
    private static Case savedLeftOpen(String row, String name, Answer answer, String... notes) {
        List<String> lines = noteLines(notes);
        lines.add("[Peer] Note: peer %s " + UNVERIFIED);
        return new Case(row, name, get -> answer, FILE, lines);
    }

    /** A row where there is no file to be had: the failure line says why, after the notes. */
    private static Case failed(String row, String name, Answer answer, String reason, String... notes) {
        return failedLeftOpen(row, name, answer.thenClose(), reason, notes);
    }

    private static Case failedLeftOpen(String row, String name, Answer answer, String reason, String... notes) {
        List<String> lines = noteLines(notes);
        lines.add("[Peer] GET RFC " + RFC + " from %s failed: %s " + reason);
        return new Case(row, name, get -> answer, null, lines);
    }

    private static List<String> noteLines(String... notes) {
        List<String> lines = new ArrayList<>();
        for (String note : notes) {
            lines.add("[Peer] Note: peer %s " + note);
        }
        return lines;
    }

    static String crlf(String text) {
        return text.replace("\n", "\r\n");
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static byte[] concat(String first, byte[] second) {
        return concat(first.getBytes(StandardCharsets.UTF_8), second);
    }

    private static byte[] concat(byte[] first, String second) {
        return concat(first, second.getBytes(StandardCharsets.UTF_8));
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
