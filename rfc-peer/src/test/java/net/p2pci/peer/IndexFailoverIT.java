package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import net.p2pci.protocol.RfcRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer process given two index servers, each a ci-server process with an index of its own: which one it registers
 * with at start-up, and how its RFCs reach the second when the first is killed.
 */
final class IndexFailoverIT {
    /** The peer notices a killed server at once and moves within a quarter second; the rest is for a busy machine. */
    private static final Duration MOVE_DEADLINE = Duration.ofSeconds(20);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(20);
    private static final List<Integer> HELD = List.of(1149, 2324, 7540);

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();

    @AfterEach
    void killEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void whenTheFirstServerIsKilledThePeersRfcsShowUpOnTheSecondAndTheMoveIsOneLine() throws Exception {
        ChildProcess firstServer = programs.startServer("first server", 0);
        ChildProcess secondServer = programs.startServer("second server", 0);
        int firstPort = awaitListening(firstServer);
        int secondPort = awaitListening(secondServer);
        ChildProcess peer = programs.startPeer("peer", List.of(firstPort, secondPort), directoryWith(HELD),
                List.of(), List.of());
        int uploadPort = awaitRegistered(peer);
        assertThat(peer.lines()).contains("[Peer] Connected to index 127.0.0.1:" + firstPort + " as 127.0.0.1:"
                + uploadPort);
        assertThat(numbersHeldAt(firstPort, uploadPort)).containsExactlyInAnyOrderElementsOf(HELD);
        assertThat(numbersHeldAt(secondPort, uploadPort)).isEmpty();

        firstServer.kill();

        await("the peer's RFCs show up on the second server").atMost(MOVE_DEADLINE)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(numbersHeldAt(secondPort, uploadPort))
                        .containsExactlyInAnyOrderElementsOf(HELD));
        assertThat(ProgramProcesses.lookup(secondPort, 2324)).singleElement().satisfies(record -> {
            assertThat(record.number()).isEqualTo(2324);
            assertThat(record.host()).isEqualTo("127.0.0.1");
            assertThat(record.port()).isEqualTo(uploadPort);
        });
        peer.awaitLine(Pattern.compile("^\\[Peer\\] Lost the index server 127\\.0\\.0\\.1:" + firstPort
                + " \\(connection lost: .+\\); connected to 127\\.0\\.0\\.1:" + secondPort
                + " and registered 3 RFCs again$"));
        assertThat(peer.lines()).filteredOn(line -> line.startsWith("[Peer] Lost") || line.startsWith("[Peer] Reco"))
                .hasSize(1);
        peer.send("LIST");
        peer.awaitLine(Pattern.compile("^\\[Peer\\] LIST: 3 records$"), MOVE_DEADLINE);
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void atStartAFirstListedServerThatIsDownIsPassedOverForTheSecond() throws Exception {
        int downPort = closedPort();
        ChildProcess server = programs.startServer("second server", 0);
        int serverPort = awaitListening(server);

        ChildProcess peer = programs.startPeer("peer", List.of(downPort, serverPort), directoryWith(HELD), List.of(),
                List.of());

        int uploadPort = awaitRegistered(peer);
        assertThat(peer.lines()).containsSubsequence(
                "[Peer] Upload server listening on 127.0.0.1:" + uploadPort,
                "[Peer] Could not reach the index server 127.0.0.1:" + downPort + " (Connection refused); trying the"
                        + " next",
                "[Peer] Connected to index 127.0.0.1:" + serverPort + " as 127.0.0.1:" + uploadPort);
        assertThat(numbersHeldAt(serverPort, uploadPort)).containsExactlyInAnyOrderElementsOf(HELD);
        assertThat(peer.errors()).isEmpty();
    }

    @Test
    void whenNoListedServerCanBeReachedAtStartThePeerStopsNamingEachWithWhy() throws Exception {
        int firstPort = closedPort();
        int secondPort = closedPort();

        ChildProcess peer = programs.startPeer("peer", List.of(firstPort, secondPort), directoryWith(HELD),
                List.of(), List.of());

        assertThat(peer.awaitExit(EXIT_DEADLINE)).isEqualTo(RfcPeer.EXIT_FAILURE);
        assertThat(peer.errors()).isEqualTo("rfc-peer: cannot connect to any of the 2 index servers: 127.0.0.1:"
                + firstPort + " (Connection refused), 127.0.0.1:" + secondPort + " (Connection refused)");
    }

    /** The numbers of the RFCs that the index on {@code serverPort} records for the peer on {@code uploadPort}. */
    private static List<Integer> numbersHeldAt(int serverPort, int uploadPort) throws IOException {
        return listAll(serverPort).stream().filter(record -> record.port() == uploadPort).map(RfcRecord::number)
                .toList();
    }

    /** A loopback port nothing listens on: one the system gave out and that was closed again at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private Path directoryWith(List<Integer> numbers) throws IOException {
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, numbers);
        return dir;
    }
}
