package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.peer.DeviantIndex.Answer;
import net.p2pci.peer.DeviantIndex.Dialect;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.LookupRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whatever an index server does or fails to send, the real peer process never hangs: a command fails within the
 * time --help states, and QUIT, the end of its input and SIGTERM end it within a second. These measure, so they run
 * one at a time.
 */
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
        try (DeviantIndex index = new DeviantIndex(SILENT_AFTER_REGISTERING);
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
    void sigtermEndsThePeerWithinASecondWhileItWaitsForAnAnswer() throws Exception {
        try (DeviantIndex index = new DeviantIndex(SILENT_AFTER_REGISTERING);
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
        try (DeviantIndex index = new DeviantIndex(SILENT_AFTER_REGISTERING);
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
        try (DeviantIndex index = new DeviantIndex(SILENT_AFTER_REGISTERING);
                ChildProcess peer = InteropIndexIT.startPeer(work, index, List.of(), true)) {
            ProgramProcesses.awaitRegistered(peer);
            long ended = System.nanoTime();
            peer.closeInput();
            assertThat(peer.awaitExit(EXIT_DEADLINE)).as(peer.output()).isEqualTo(RfcPeer.EXIT_OK);
            assertThat(Duration.ofNanos(System.nanoTime() - ended)).as(peer.output()).isLessThan(LEAVE_DEADLINE);
        }
    }

}
