package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.protocol.RfcRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real programs as separate processes: a ci-server and several rfc-peers on loopback. */
final class PeerProcessesIT {
    /** Thirty-odd downloads and as many ADDs take about a second; the rest is room for a slow machine. */
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(90);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(20);
    private static final Duration RECORDS_GONE_DEADLINE = Duration.ofSeconds(15);

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();
    private ChildProcess server;
    private int serverPort;

    @BeforeEach
    void startServer() throws IOException {
        server = programs.startServer("ci-server", 0);
        serverPort = awaitListening(server);
    }

    /** The finally of every test: each process started is killed by its PID and waited for. */
    @AfterEach
    void stopEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void peerADownloadsEverySampleRfcFromPeersBAndCByteForByte() throws Exception {
        List<Integer> samples = SampleRfcs.numbers();
        List<Integer> ofB = IntStream.range(0, samples.size()).filter(i -> i % 2 == 0).mapToObj(samples::get).toList();
        List<Integer> ofC = IntStream.range(0, samples.size()).filter(i -> i % 2 == 1).mapToObj(samples::get).toList();
        ChildProcess peerB = startPeer("peer B", directoryWith("b", ofB));
        ChildProcess peerC = startPeer("peer C", directoryWith("c", ofC));
        int portB = awaitRegistered(peerB);
        int portC = awaitRegistered(peerC);

        Path dirA = directoryWith("a", List.of());
        List<String> exec = new ArrayList<>();
        samples.forEach(number -> exec.addAll(List.of("--exec", "GET " + number)));
        ChildProcess peerA = startPeer("peer A", dirA, exec);

        assertThat(peerA.awaitExit(RUN_DEADLINE)).as(peerA.output()).isZero();
        for (int number : samples) {
            assertThat(SampleRfcs.sha256(dirA.resolve(RfcFileName.canonical(number))))
                    .as("RFC %d", number).isEqualTo(SampleRfcs.sha256(SampleRfcs.file(number)));
        }
        assertThat(filesIn(dirA)).hasSize(samples.size()).allMatch(name -> name.matches("rfc\\d+\\.txt"));
        assertThat(peerA.lines())
                .contains("[Peer] Downloading RFC " + ofB.getFirst() + " from 127.0.0.1:" + portB)
                .contains("[Peer] Downloading RFC " + ofC.getFirst() + " from 127.0.0.1:" + portC)
                .noneMatch(line -> line.startsWith("[Peer] Error"));

        peerB.closeInput();
        assertThat(peerB.awaitExit(EXIT_DEADLINE)).isZero();
        assertThat(peerB.lines()).last().isEqualTo("[Peer] Left the index and stopped the upload server");
    }

    @Test
    void portFileHoldsTheUploadPortWholeThatTheRecordsNameAndThatServesTheFiles() throws Exception {
        ChildProcess peer = startPeer("peer K", directoryWith("k", List.of(1149)));
        int port = awaitRegistered(peer);

        assertThat(peer.portFile()).hasContent(port + "\n");
        try (IndexClient observer = observer()) {
            assertThat(recordsOf(observer, port)).extracting(RfcRecord::number).containsExactly(1149);
        }
        try (Socket download = new Socket(InetAddress.getLoopbackAddress(), port)) {
            download.getOutputStream().write("GET RFC 1149 P2P-CI/1.0\r\nHost: 127.0.0.1\r\nOS: Linux\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(download.getInputStream().readNBytes(19), StandardCharsets.US_ASCII))
                    .isEqualTo("P2P-CI/1.0 200 OK\r\n");
        }
    }

    @Test
    void sigkillOfAPeerEmptiesItsRecordsAtTheServer() throws Exception {
        ChildProcess peer = startPeer("peer D", directoryWith("d", List.of(768, 791, 793)));
        int port = awaitRegistered(peer);
        try (IndexClient observer = observer()) {
            assertThat(recordsOf(observer, port)).hasSize(3);

            peer.kill();

            await("records of the killed peer vanish").atMost(RECORDS_GONE_DEADLINE)
                    .until(() -> recordsOf(observer, port).isEmpty());
            server.awaitLine(Pattern.compile("\\[Server\\] Removed \\S+:" + port + " \\(3 records\\)"));
        }
    }

    @Test
    void sigtermMakesAPeerLeaveTheIndex() throws Exception {
        ChildProcess peer = startPeer("peer E", directoryWith("e", List.of(1149, 2324)));
        int port = awaitRegistered(peer);
        try (IndexClient observer = observer()) {
            assertThat(recordsOf(observer, port)).hasSize(2);

            peer.terminate(EXIT_DEADLINE);

            await("records of the terminated peer vanish").atMost(RECORDS_GONE_DEADLINE)
                    .until(() -> recordsOf(observer, port).isEmpty());
        }
    }

    @Test
    void aPipedScriptPrintsTheDocumentedTranscriptAndFailsIfACommandFailed() throws Exception {
        Path dir = directoryWith("f", List.of(1149));
        Files.writeString(dir.resolve("notes.md"), "not an RFC");
        ChildProcess peer = startPeer("peer F", dir);
        for (String command : List.of("LOOKUP 1149", "LIST", "lookup 99999", "FROBNICATE", "QUIT", "LIST")) {
            peer.send(command);
        }
        peer.closeInput();

        assertThat(peer.awaitExit(EXIT_DEADLINE)).isEqualTo(RfcPeer.EXIT_FAILURE);
        int port = peer.awaitPort();
        String record = "RFC 1149 A Standard for the Transmission of IP Datagrams on Avian Carriers 127.0.0.1 " + port;
        assertThat(peer.output()).isEqualTo(String.join("\n",
                "[Peer] Upload server listening on 127.0.0.1:" + port,
                "[Peer] Connected to index 127.0.0.1:" + serverPort + " as 127.0.0.1:" + port,
                "[Peer] Skipping notes.md: not an RFC file name (rfcN.txt)",
                "[Peer] Registering RFC 1149: A Standard for the Transmission of IP Datagrams on Avian Carriers",
                "P2P-CI/1.0 200 OK",
                "",
                record,
                "",
                "[Peer] Registered 1 RFC from " + dir,
                "LOOKUP RFC 1149 P2P-CI/1.0",
                "Host: 127.0.0.1",
                "Port: " + port,
                "",
                "P2P-CI/1.0 200 OK",
                "",
                record,
                "",
                "[Peer] LOOKUP RFC 1149: 1 holder",
                "LIST ALL P2P-CI/1.0",
                "Host: 127.0.0.1",
                "Port: " + port,
                "",
                "P2P-CI/1.0 200 OK",
                "",
                record,
                "",
                "[Peer] LIST: 1 record",
                "LOOKUP RFC 99999 P2P-CI/1.0",
                "Host: 127.0.0.1",
                "Port: " + port,
                "",
                "P2P-CI/1.0 404 Not Found",
                "",
                "",
                "[Peer] LOOKUP RFC 99999: no holder",
                "[Peer] Error: unknown command FROBNICATE (try HELP)",
                "[Peer] Left the index and stopped the upload server"));
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void execRunsEachCommandInOrderThenLeavesAndFailsIfAnyFailed() throws Exception {
        ChildProcess holder = startPeer("peer G", directoryWith("g", List.of(1149)));
        int holderPort = awaitRegistered(holder);
        Path dir = directoryWith("h", List.of());

        ChildProcess peer = startPeer("peer H", dir, List.of(
                "--exec", "GET 1149", "--exec", "GET 424242", "--exec", "LIST"));

        assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_FAILURE);
        assertThat(dir.resolve("rfc1149.txt")).hasSameBinaryContentAs(SampleRfcs.file(1149));
        assertThat(peer.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList())
                .containsSubsequence(
                        "[Peer] Downloading RFC 1149 from 127.0.0.1:" + holderPort,
                        "[Peer] Registering RFC 1149: A Standard for the Transmission of IP Datagrams on Avian Carriers",
                        "[Peer] Error: GET RFC 424242: no other peer holds it",
                        "[Peer] LIST: 2 records",
                        "[Peer] Left the index and stopped the upload server");
        assertThat(peer.findLine(Pattern.compile(
                "^\\[Peer\\] GET RFC 1149: 3215 bytes in \\d+ ms \\(\\d+\\.\\d [Mk]B/s\\), saved as rfc1149\\.txt$")))
                .isPresent();
    }

    @Test
    void logFileOptionSendsDiagnosticsToTheFileInsteadOfStderr() throws Exception {
        Path logFile = work.resolve("holder.log");
        ChildProcess holder = programs.startPeer("peer I", serverPort, directoryWith("i", List.of(1149)),
                List.of("-Dp2pci.log.level=info"), List.of("--log-file", logFile.toString()));
        int holderPort = awaitRegistered(holder);

        ChildProcess peer = startPeer("peer J", directoryWith("j", List.of()), List.of("--exec", "GET 1149"));

        assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_OK);
        holder.closeInput();
        assertThat(holder.awaitExit(EXIT_DEADLINE)).isEqualTo(RfcPeer.EXIT_OK);
        assertThat(Files.readAllLines(logFile)).anySatisfy(line -> assertThat(line).matches(
                "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[upload-" + holderPort
                        + "\\] UploadHandler: Sent RFC 1149 to .*"));
        assertThat(holder.errors()).isEmpty();
    }

    private ChildProcess startPeer(String name, Path dir) throws IOException {
        return startPeer(name, dir, List.of());
    }

    private ChildProcess startPeer(String name, Path dir, List<String> extraArgs) throws IOException {
        return programs.startPeer(name, serverPort, dir, extraArgs);
    }

    private IndexClient observer() throws IOException {
        // An upload port that nobody downloads from: the observer only asks.
        return IndexClient.connect(HostAndPort.parse("127.0.0.1:" + serverPort, OptionalInt.empty()),
                Optional.of("observer"), 1);
    }

    private static List<RfcRecord> recordsOf(IndexClient observer, int port) throws IOException {
        return observer.list().response().records().stream().filter(record -> record.port() == port).toList();
    }

    private Path directoryWith(String name, List<Integer> numbers) throws IOException {
        Path dir = Files.createDirectory(work.resolve(name));
        SampleRfcs.copy(dir, numbers);
        return dir;
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }
}
