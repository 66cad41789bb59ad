package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import net.p2pci.peer.DeviantServer.Answer;
import net.p2pci.peer.DeviantServer.Dialect;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.LookupRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * Whatever an index server or a holder does or fails to send, the real peer process never hangs: a command fails
 * within the time --help states, a download from a holder that stalls or never closes ends within the time --help
 * states, and QUIT, the end of its input and SIGTERM end it within a second. These measure, so they run one at a
 * time and with no other test class beside them.
 */
@Isolated
class PeerDeadlinesIT {
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path work;

    /** A server that registers the peer and then never answers again, nor closes: the case every wait must bound. */
    private static final Dialect SILENT_AFTER_REGISTERING = request -> request instanceof AddRequest
            ? Answer.of(InteropIndexIT.standard(request, "\r\n")) : Answer.none();
    /** What --help promises for QUIT, end of input and SIGTERM, whatever the server does. */
    private static final Duration LEAVE_DEADLINE = Duration.ofSeconds(1);

    @Test
    void commandAgainstAServerThatNeverAnswersFailsWithinTheStatedTime() throws Exception {
        try (DeviantServer index = new DeviantServer(SILENT_AFTER_REGISTERING);
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of("LOOKUP 2616"))) {
            long started = System.nanoTime();
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_FAILURE);
            String failure = "[Peer] Error: index server 127.0.0.1:" + index.port() + ": no answer within "
                    + IndexClient.RESPONSE_TIMEOUT.toSeconds() + " s";
            assertThat(peer.lines()).as(peer.output()).anyMatch(line -> line.startsWith(failure));
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(IndexClient.RESPONSE_TIMEOUT.plus(ChildProcess.STARTUP_DEADLINE));
        }
    }

    @Test
    void aDownloadFromAHolderThatStallsInsideTheFileIsGivenUpWithinTheStatedWindow() throws Exception {
        byte[] head = InteropGetIT.crlf("P2P-CI/1.0 200 OK\nContent-Length: " + InteropGetIT.FILE.length + "\n\n")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] stalled = InteropGetIT.concat(head, Arrays.copyOf(InteropGetIT.FILE, 1000));
        try (DeviantServer holder = new DeviantServer(request -> request instanceof GetRequest
                ? Answer.bytes(stalled) : Answer.none().thenClose());
                DeviantServer index = new DeviantServer(InteropGetIT.indexListing(holder.port()));
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of("GET " + InteropGetIT.RFC))) {
            long started = System.nanoTime();
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_FAILURE);
            String address = "127.0.0.1:" + holder.port();
            assertThat(peer.lines()).as(peer.output()).contains("[Peer] GET RFC " + InteropGetIT.RFC + " from "
                    + address + " failed: " + address + " sent " + stalled.length + " bytes in the last "
                    + Downloader.RATE_WINDOW.toMillis() + " ms, under the minimum of "
                    + Downloader.MIN_BYTES_PER_WINDOW + "; given up on as too slow");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(Downloader.RATE_WINDOW.plus(ChildProcess.STARTUP_DEADLINE));
        }
    }

    @Test
    void aFileWithoutContentLengthFromAHolderThatNeverClosesIsTakenAfterTheStatedSilence() throws Exception {
        byte[] answer = InteropGetIT.concat("P2P-CI/1.0 200 OK\r\n\r\n", InteropGetIT.FILE);
        Path dir = work.resolve("peer");
        try (DeviantServer holder = new DeviantServer(request -> request instanceof GetRequest
                ? Answer.bytes(answer) : Answer.none().thenClose());
                DeviantServer index = new DeviantServer(InteropGetIT.indexListing(holder.port()));
                ChildProcess peer = InteropIndexIT.startPeerIn(dir, index, List.of("GET " + InteropGetIT.RFC),
                        false)) {
            long started = System.nanoTime();
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_OK);
            assertThat(dir.resolve(RfcFileName.canonical(InteropGetIT.RFC))).hasBinaryContent(InteropGetIT.FILE);
            assertThat(peer.lines()).as(peer.output()).contains("[Peer] Note: peer 127.0.0.1:" + holder.port()
                    + " keeps the connection open after the file");
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isLessThan(Downloader.BODY_QUIET.plus(ChildProcess.STARTUP_DEADLINE));
        }
    }

    @Test
    void sigtermEndsThePeerWithinASecondWhileItWaitsForAnAnswer() throws Exception {
        try (DeviantServer index = new DeviantServer(SILENT_AFTER_REGISTERING);
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of(), true)) {
            ProgramProcesses.awaitRegistered(peer);
            peer.send("LOOKUP 2616");
            await().atMost(EXIT_DEADLINE).until(() -> index.received().stream()
                    .anyMatch(request -> request instanceof LookupRequest));
            long signalled = System.nanoTime();
            peer.terminate(EXIT_DEADLINE);
            assertThat(Duration.ofNanos(System.nanoTime() - signalled)).as(peer.output()).isLessThan(LEAVE_DEADLINE);
        }
    }

    @Test
    void quitEndsThePeerWithinASecondWhenTheServerIsSilent() throws Exception {
        try (DeviantServer index = new DeviantServer(SILENT_AFTER_REGISTERING);
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of(), true)) {
            ProgramProcesses.awaitRegistered(peer);
            long quit = System.nanoTime();
            peer.send("QUIT");
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_OK);
            assertThat(Duration.ofNanos(System.nanoTime() - quit)).as(peer.output()).isLessThan(LEAVE_DEADLINE);
        }
    }

    @Test
    void endOfInputEndsThePeerWithinASecondWhenTheServerIsSilent() throws Exception {
        try (DeviantServer index = new DeviantServer(SILENT_AFTER_REGISTERING);
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of(), true)) {
            ProgramProcesses.awaitRegistered(peer);
            long ended = System.nanoTime();
            peer.closeInput();
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_OK);
            assertThat(Duration.ofNanos(System.nanoTime() - ended)).as(peer.output()).isLessThan(LEAVE_DEADLINE);
        }
    }

}
