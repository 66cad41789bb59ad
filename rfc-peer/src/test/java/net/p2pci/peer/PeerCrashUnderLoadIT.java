package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.peer.ProgramProcesses.SharingPeer;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Peer processes killed with SIGKILL while other clients keep the index server busy. */
final class PeerCrashUnderLoadIT {
    private static final int LOAD_CLIENTS = 4;
    /** Requests each load client completes before the kills, and again after, so that the kills land under load. */
    private static final long REQUESTS_PER_PHASE = 50;
    private static final Duration LOAD_DEADLINE = Duration.ofSeconds(60);
    /** The server sees a killed process's connection close at once; the rest is room for a loaded machine. */
    private static final Duration RECORDS_GONE_DEADLINE = Duration.ofSeconds(30);
    /** Every answer should come in milliseconds; a load client waiting this long has found a hung server. */
    private static final int ANSWER_TIMEOUT_MILLIS = 30_000;
    /** Two RFCs per peer, overlapping so that LOOKUPs find several holders and a kill removes one of them. */
    private static final List<List<Integer>> HOLDINGS =
            List.of(List.of(1149, 2616), List.of(2616, 791), List.of(791, 7540), List.of(7540, 1149));

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();

    @AfterEach
    void killEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void recordsOfPeersKilledUnderLoadVanishAndTheOthersStayIntact() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        List<SharingPeer> peers = programs.startSharingPeers(serverPort, work, HOLDINGS);
        List<RfcRecord> before = listAll(serverPort);
        assertThat(before).hasSize(HOLDINGS.stream().mapToInt(List::size).sum());
        Set<Integer> killedPorts = Set.of(peers.get(1).uploadPort(), peers.get(3).uploadPort());

        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong answered = new AtomicLong();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (int i = 0; i < LOAD_CLIENTS; i++) {
                    int client = i;
                    load.submit(() -> askUntilStopped(serverPort, client, stop, answered, failures));
                }
                awaitAnswers(answered, LOAD_CLIENTS * REQUESTS_PER_PHASE, failures);

                peers.get(1).process().kill();
                peers.get(3).process().kill();
                awaitAnswers(answered, answered.get() + LOAD_CLIENTS * REQUESTS_PER_PHASE, failures);
                await("the killed peers' records vanish").atMost(RECORDS_GONE_DEADLINE)
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> listAll(serverPort).stream()
                                .noneMatch(record -> killedPorts.contains(record.port())));
            } finally {
                stop.set(true); // closing the executor waits for the clients, which stop at this
            }
        }
        assertThat(failures).isEmpty();
        assertThat(listAll(serverPort)).containsExactlyInAnyOrderElementsOf(
                before.stream().filter(record -> !killedPorts.contains(record.port())).toList());
    }

    /** Waits for the load clients to have {@code count} answers in all; fails at once if one of them failed. */
    private static void awaitAnswers(AtomicLong answered, long count, Queue<String> failures) {
        await("the load clients get " + count + " answers").atMost(LOAD_DEADLINE).pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    assertThat(failures).isEmpty();
                    return answered.get() >= count;
                });
    }

    /**
     * A load client: on its own connection, alternates LOOKUPs of the held RFCs with LISTs as fast as the server
     * answers, checking that each answer is well formed, until told to stop or until something goes wrong.
     */
    private static void askUntilStopped(int serverPort, int client, AtomicBoolean stop, AtomicLong answered,
                                        Queue<String> failures) {
        String host = "load-" + client + ".example";
        int port = 40_000 + client; // never contacted: load clients hold no RFCs
        List<Integer> numbers = HOLDINGS.stream().flatMap(List::stream).distinct().toList();
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            socket.setSoTimeout(ANSWER_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            MessageReader reader = new MessageReader(socket.getInputStream());
            for (int i = 0; !stop.get(); i++) {
                IndexRequest request = i % 2 == 0 ? new ListRequest(host, port)
                        : new LookupRequest(numbers.get(i / 2 % numbers.size()), host, port, Optional.empty());
                out.write(MessageWriter.encode(request));
                out.flush();
                IndexResponse response = reader.readIndexResponse();
                boolean expected = response.status() == Status.OK_200
                        || (request instanceof LookupRequest && response.status() == Status.NOT_FOUND_404);
                if (!expected) {
                    failures.add(request + " answered " + response.status());
                    return;
                }
                answered.incrementAndGet();
            }
        } catch (IOException | RuntimeException e) {
            failures.add("load client " + client + ": " + e);
        }
    }
}
