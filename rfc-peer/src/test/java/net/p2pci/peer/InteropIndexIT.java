package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import net.p2pci.peer.DeviantServer.Answer;
import net.p2pci.peer.DeviantServer.Dialect;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.ExtensionRequest;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.Request;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real peer process against index servers that answer the way other implementations do (docs/INTEROP.md, one
 * case per row that concerns an index server's answers): where a liberal reader can tell what was meant, the peer
 * does the job and notes the deviation once; where it cannot, it says what it received. {@link PeerDeadlinesIT}
 * shows that nothing hangs whatever the server does or fails to send.
 */
@Execution(ExecutionMode.CONCURRENT) // each case is a peer process of its own, mostly waiting on its start
class InteropIndexIT {
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);
    /** The peer's own RFC, registered at start-up. */
    private static final int OWN_RFC = 1149;
    private static final String HOLDER_RECORD = "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 holder.example 6000";
    private static final String OWN_TITLE = "A Standard for the Transmission of IP Datagrams on Avian Carriers";

    @TempDir
    Path work;

    /** One row of docs/INTEROP.md: how the server answers, and what the peer must then print. */
    record Case(String row, String name, Dialect dialect, List<String> commands, int exitStatus, List<String> lines) {
        @Override
        public String toString() {
            return "row " + row + ": " + name;
        }
    }

    static Stream<Arguments> deviations() {
        List<Case> cases = List.of(
                understood("1", "LF instead of CRLF", request -> Answer.of(standard(request, "\n")),
                        "ends lines with LF alone, not CRLF"),
                understood("2", "CRLF and LF mixed", request -> Answer.of(
                        standard(request, request instanceof AddRequest ? "\r\n" : "\n")),
                        "ends lines with LF alone, not CRLF"),
                understood("4", "no empty lines at all", request -> Answer.of(bare(request, "\n")),
                        "sends no empty line after the status line", "ends answers without the final empty line"),
                understood("4", "last line without a line end, connection left open", request -> {
                    String answer = standard(request, "\r\n");
                    return Answer.of(request instanceof LookupRequest
                            ? answer.substring(0, answer.length() - 4) : answer);
                }, "ends an answer's last line without a line end"),
                understood("5", "record lines without RFC", request -> Answer.of(standard(request, "\r\n")
                        .replace("\nRFC ", "\n")), "sends record lines without the leading RFC"),
                notUnderstood("6", "fields joined by <sp>", request -> request instanceof AddRequest
                        ? Answer.of(standard(request, "\n"))
                        : Answer.of("P2P-CI/1.0 200 OK\n2616<sp>Hypertext<sp>10.0.0.5<sp>53412<sp>6000\n"),
                        "received \"2616<sp>Hypertext<sp>10.0.0.5<sp>53412<sp>6000\\n\""),
                notUnderstood("7", "host and port as an object dump", request -> request instanceof AddRequest
                        ? Answer.of(standard(request, "\n"))
                        : Answer.of("P2P-CI/1.0 200 OK\nRFC 2616 HTTP/1.1 Peer(hostname='holder.example', port=6000)\n"),
                        "received \"RFC 2616 HTTP/1.1 Peer(hostname='holder.example', port=6000)\\n\""),
                understood("8", "ADD answered with the status line alone", request -> request instanceof AddRequest
                        ? Answer.of("P2P-CI/1.0 200 OK\r\n") : Answer.of(standard(request, "\r\n")),
                        "answers ADD without the record added"),
                new Case("9", "status phrase in capitals", request -> request instanceof LookupRequest
                        ? Answer.of("P2P-CI/1.0 404 NOT FOUND\r\n\r\n\r\n") : Answer.of(standard(request, "\r\n")),
                        List.of("LOOKUP 2616"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] Note: index server %s spells a status phrase its own way ('NOT FOUND' for 404)",
                        "[Peer] LOOKUP RFC 2616: no holder")),
                understood("10", "extra space at the end of the status line", request -> Answer.of(
                        standard(request, "\r\n").replaceFirst("OK\r\n", "OK \r\n")), "puts extra spaces in its lines"),
                new Case("11", "status line without the version", request -> request instanceof LookupRequest
                        ? Answer.of("404 Not Found\r\n\r\n\r\n") : Answer.of(standard(request, "\r\n")),
                        List.of("LOOKUP 2616"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] Note: index server %s sends status lines without the version P2P-CI/1.0",
                        "[Peer] LOOKUP RFC 2616: no holder")),
                new Case("12", "LIST of an empty index answered 404", request -> request instanceof ListRequest
                        ? Answer.of("P2P-CI/1.0 404 Not Found\r\n\r\n\r\n") : Answer.of(standard(request, "\r\n")),
                        List.of("LIST"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] Note: index server %s answers LIST ALL on an empty index with 404 Not Found",
                        "[Peer] LIST: 0 records")),
                new Case("13", "LOOKUP without a match answered 200", request -> request instanceof LookupRequest
                        ? Answer.of("P2P-CI/1.0 200 OK\r\n\r\n\r\n") : Answer.of(standard(request, "\r\n")),
                        List.of("LOOKUP 2616"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] Note: index server %s answers a LOOKUP that finds nothing with 200 OK and no records",
                        "[Peer] LOOKUP RFC 2616: no holder")),
                new Case("18", "LOOKUP without Title refused", request -> request instanceof LookupRequest lookup
                        && lookup.title().isEmpty()
                        ? Answer.of("P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n") : Answer.of(standard(request, "\r\n")),
                        List.of("LOOKUP 2616", "LOOKUP 2616 Hypertext Transfer Protocol -- HTTP/1.1"),
                        RfcPeer.EXIT_FAILURE, List.of(
                        "[Peer] Error: LOOKUP RFC 2616: the server answered 400 Bad Request (some index servers need"
                                + " the title too: LOOKUP 2616 <title>)",
                        "[Peer] LOOKUP RFC 2616: 1 holder")),
                notUnderstood("21", "messages padded with ! to 1024 bytes", request -> Answer.of(
                        padded(bare(request, "\n").stripTrailing())),
                        "received \"RFC " + OWN_RFC + " " + OWN_TITLE),
                notUnderstood("22", "length-prefixed framing (Java writeUTF)", request -> Answer.bytes(
                        writeUtf(bare(request, "\n"))), "received \"\\x00"),
                notUnderstood("23", "Python pickle framing", request -> Answer.bytes(new byte[] {
                        (byte) 0x80, 0x03, ']', 'q', 0x00, 'X', 0x11, 0x00, 0x00, 0x00}),
                        "received \"\\x80\\x03]q\\x00X\\x11\\x00\\x00\\x00\""),
                notUnderstood("24", "binary option codes", request -> Answer.bytes(new byte[] {0, 0, 0, 1}),
                        "received \"\\x00\\x00\\x00\\x01\""),
                understood("25", "an END line after each answer", request -> Answer.of(
                        standard(request, "\n") + "END\n"), "ends answers with a line END"),
                new Case("26", "answers written line by line", request -> Answer.inPieces(
                        standard(request, "\r\n").split("(?<=\r\n)")),
                        List.of("LOOKUP 2616", "LIST"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] LOOKUP RFC 2616: 1 holder", "[Peer] LIST: 1 record")),
                new Case("27", "the connection closed after an answer", request -> request instanceof LookupRequest
                        ? Answer.of(standard(request, "\r\n")).thenClose() : Answer.of(standard(request, "\r\n")),
                        List.of("LOOKUP 2616"), RfcPeer.EXIT_OK, List.of(
                        "[Peer] LOOKUP RFC 2616: 1 holder")));
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("deviations")
    void peerCopesOrSaysWhatItReceived(Case deviation) throws Exception {
        try (DeviantServer index = new DeviantServer(deviation.dialect());
                ChildProcess peer = startPeer(work, index, deviation.commands())) {
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output() + peer.errors()).isEqualTo(deviation.exitStatus());
            String server = "127.0.0.1:" + index.port();
            List<String> expected = deviation.lines().stream().map(line -> line.replace("%s", server)).toList();
            List<String> printed = peer.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList();
            for (String line : expected) {
                assertThat(printed).as(peer.output()).anyMatch(printedLine -> shows(printedLine, line));
            }
            // One note per deviation and connection: the peer opens another after the server closes one (row 27)
            // or after an answer it cannot read, if it reconnects before it leaves.
            List<String> notes = printed.stream().filter(line -> line.startsWith("[Peer] Note: ")).toList();
            java.util.Map<String, Long> timesEach = notes.stream().collect(java.util.stream.Collectors.groupingBy(
                    note -> note, java.util.stream.Collectors.counting()));
            assertThat(timesEach.values()).as(peer.output())
                    .allMatch(times -> times <= index.connectionsAccepted());
            if (deviation.lines().stream().noneMatch(line -> line.contains("Note:"))
                    && deviation.exitStatus() == RfcPeer.EXIT_OK) {
                assertThat(notes).as("a server that deviates in nothing a reader notices gets no note")
                        .isEmpty();
            }
        }
    }

    /**
     * Whether a line the peer printed is the one expected: the same, or beginning with it when it ends in a space; an
     * expected quote of received bytes, or an error's text, may stand anywhere in the line.
     */
    private static boolean shows(String printed, String expected) {
        if (!expected.startsWith("[Peer] ") || expected.startsWith("[Peer] Error: ")) {
            return printed.contains(expected.replaceFirst("^\\[Peer\\] Error: ", ""));
        }
        return expected.endsWith(" ") ? printed.startsWith(expected) : printed.equals(expected);
    }

    /** A row the peer copes with: it registers, finds the holder and lists, noting each deviation once. */
    private static Case understood(String row, String name, Dialect dialect, String... notes) {
        List<String> lines = new ArrayList<>();
        for (String note : notes) {
            lines.add("[Peer] Note: index server %s " + note);
        }
        lines.add("[Peer] Registered 1 RFC from ");
        lines.add("[Peer] LOOKUP RFC 2616: 1 holder");
        lines.add("[Peer] LIST: 1 record");
        return new Case(row, name, dialect, List.of("LOOKUP 2616", "LIST"), RfcPeer.EXIT_OK, lines);
    }

    /** A row no reader can make sense of: the peer's error quotes the bytes it received. */
    private static Case notUnderstood(String row, String name, Dialect dialect, String quoted) {
        return new Case(row, name, dialect, List.of("LOOKUP 2616"), RfcPeer.EXIT_FAILURE, List.of(quoted));
    }

    /** The answer docs/PROTOCOL.md prescribes, with {@code eol} as the line end. */
    static String standard(Request request, String eol) {
        List<String> lines = lines(request);
        StringBuilder answer = new StringBuilder(lines.get(0)).append(eol).append(eol);
        lines.subList(1, lines.size()).forEach(record -> answer.append(record).append(eol));
        return answer.append(eol).toString();
    }

    /** The same lines without the empty ones. */
    static String bare(Request request, String eol) {
        StringBuilder answer = new StringBuilder();
        lines(request).forEach(line -> answer.append(line).append(eol));
        return answer.toString();
    }

    /** The status line and the records of the standard answer. */
    private static List<String> lines(Request request) {
        return switch (request) {
            case AddRequest add -> List.of("P2P-CI/1.0 200 OK",
                    "RFC " + add.rfcNumber() + " " + add.title() + " " + add.host() + " " + add.port());
            case LookupRequest lookup -> lookup.rfcNumber() == 2616
                    ? List.of("P2P-CI/1.0 200 OK", HOLDER_RECORD) : List.of("P2P-CI/1.0 404 Not Found");
            case ListRequest list -> List.of("P2P-CI/1.0 200 OK", HOLDER_RECORD);
            case GetRequest get -> throw new IllegalArgumentException("GET is not for the index");
            case ExtensionRequest extension -> List.of("P2P-CI/1.0 400 Bad Request"); // a standard server's answer
        };
    }

    /** The text padded with '!' to 1024 bytes, as one implementation frames every message. */
    private static String padded(String text) {
        char[] padding = new char[1024 - text.getBytes(StandardCharsets.UTF_8).length];
        Arrays.fill(padding, '!');
        return text + new String(padding);
    }

    /** The text as Java's DataOutputStream.writeUTF sends it: a two-byte length, then the text. */
    private static byte[] writeUtf(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        framed.write(bytes.length >> 8);
        framed.write(bytes.length & 0xff);
        framed.writeBytes(bytes);
        return framed.toByteArray();
    }

    /**
     * JVM options of a peer that runs a command or two and exits: the first compiler tier only. Such a peer spends a
     * third of its CPU in the second tier's compiles, which it ends before using; these classes start dozens of them
     * on the two cores of a CI machine, and nothing they check depends on compiled speed.
     */
    static final List<String> ONE_COMMAND_PEER_JVM = List.of("-XX:TieredStopAtLevel=1");

    static ChildProcess startPeer(Path work, DeviantServer index, List<String> commands) throws Exception {
        return startPeer(work, index, commands, false);
    }

    /** A peer of the samples' RFC 1149 with {@code index} as its server; {@code timed} when the test times its exit. */
    static ChildProcess startPeer(Path work, DeviantServer index, List<String> commands, boolean timed)
            throws Exception {
        return startPeerIn(Files.createTempDirectory(work, "peer"), index, commands, timed);
    }

    /** As {@link #startPeer(Path, DeviantServer, List, boolean)}, with the folder {@code dir}, created if need be. */
    static ChildProcess startPeerIn(Path dir, DeviantServer index, List<String> commands, boolean timed)
            throws Exception {
        Files.createDirectories(dir);
        SampleRfcs.copy(dir, List.of(OWN_RFC));
        List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + index.port(), "--dir", dir.toString()));
        commands.forEach(command -> args.addAll(List.of("--exec", command)));
        return timed ? ChildProcess.startTimedJar("peer", "rfc-peer", ONE_COMMAND_PEER_JVM, args)
                : ChildProcess.startJar("peer", "rfc-peer", ONE_COMMAND_PEER_JVM, args);
    }
}
