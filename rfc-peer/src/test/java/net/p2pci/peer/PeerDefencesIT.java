package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.protocol.RfcRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real programs, as processes on loopback, against what a careless directory or a hostile client does. */
final class PeerDefencesIT {
    /** An answer from a peer on loopback takes milliseconds; this is room for a loaded two-core machine. */
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);

    @TempDir
    Path work;
    @TempDir
    Path elsewhere;
    private final ProgramProcesses programs = new ProgramProcesses();

    @AfterEach
    void killEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void aLinkOutOfTheDirectoryIsNeitherRegisteredNorSent() throws Exception {
        Path secret = Files.writeString(elsewhere.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149));
        Files.createSymbolicLink(dir.resolve("rfc20002.txt"), secret);
        int serverPort = awaitListening(programs.startServer("server", 0));

        ChildProcess peer = programs.startPeer("peer", serverPort, dir);
        int uploadPort = awaitRegistered(peer);

        assertThat(peer.lines()).contains("[Peer] Skipping rfc20002.txt: a symbolic link out of the directory, to "
                + secret.toRealPath() + " (served only with --allow-outside-links)");
        assertThat(listAll(serverPort)).extracting(RfcRecord::number).containsExactly(1149);
        assertThat(rawGet(uploadPort, 20002)).startsWith("P2P-CI/1.0 404 Not Found\r\n").doesNotContain("root:x");
    }

    /** Sends a GET in one write and returns everything the peer answers until it closes. */
    private static String rawGet(int uploadPort, int rfcNumber) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), uploadPort));
            socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            socket.getOutputStream().write(("GET RFC " + rfcNumber + " P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
