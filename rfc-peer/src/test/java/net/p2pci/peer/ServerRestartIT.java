package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import net.p2pci.peer.ProgramProcesses.SharingPeer;
import net.p2pci.protocol.RfcRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index server killed and started again on its port: the peer processes come back by themselves. */
final class ServerRestartIT {
    /** Peers retry within 10 s at most once the server listens again; the rest is room for a loaded machine. */
    private static final Duration WHOLE_AGAIN_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern LOST = Pattern.compile("^\\[Peer\\] Lost the index server: .+; reconnecting$");

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();

    @AfterEach
    void killEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void afterASigkilledServerIsStartedAgainOnItsPortTheIndexIsWholeAgainWithoutDuplicates() throws Exception {
        ChildProcess firstServer = programs.startServer("first server", 0);
        int serverPort = awaitListening(firstServer);
        List<List<Integer>> holdings = List.of(List.of(1149, 2324), List.of(2616, 791, 1149), List.of(7540));
        List<SharingPeer> peers = programs.startSharingPeers(serverPort, work, holdings);
        List<RfcRecord> before = listAll(serverPort);
        for (int i = 0; i < holdings.size(); i++) {
            int port = peers.get(i).uploadPort();
            assertThat(before.stream().filter(record -> record.port() == port).map(RfcRecord::number))
                    .containsExactlyInAnyOrderElementsOf(holdings.get(i));
        }

        firstServer.kill();
        peers.forEach(peer -> peer.process().awaitLine(LOST));
        ChildProcess secondServer = programs.startServer("second server", serverPort);
        awaitListening(secondServer);

        await("the index holds every peer's every RFC again").atMost(WHOLE_AGAIN_DEADLINE)
                .pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .untilAsserted(() -> assertThat(listAll(serverPort)).containsExactlyInAnyOrderElementsOf(before));
        for (int i = 0; i < peers.size(); i++) {
            int count = holdings.get(i).size();
            peers.get(i).process().awaitLine(Pattern.compile("^\\[Peer\\] Reconnected to index 127\\.0\\.0\\.1:" + serverPort
                    + "; registered " + count + " RFCs?$"));
        }
        assertThat(peers).allSatisfy(peer -> assertThat(peer.process().errors()).isEmpty());
    }
}
