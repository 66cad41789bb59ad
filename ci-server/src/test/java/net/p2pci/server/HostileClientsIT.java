package net.p2pci.server;

import static net.p2pci.server.Requests.add;
import static net.p2pci.server.Requests.list;
import static net.p2pci.server.Requests.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.testsupport.ProgramProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory attacks on the real server process with a reduced heap: floods that used to run it out of memory are
 * refused or dropped while a well-behaved peer is served throughout, and a server that does run out of memory
 * exits instead of living on broken. Each floods the machine's cores and memory, so the class runs with no other beside
 * it.
 */
@Isolated
class HostileClientsIT {
    private static final String OK = "P2P-CI/1.0 200 OK\r\n";
    private static final String BAD = "P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n";
    /** A title as long as the attack's: 490 characters. */
    private static final String LONG_TITLE = "t".repeat(490);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(60);

    @ParameterizedTest(name = "-Xmx{0}")
    @ValueSource(strings = {"256m", "512m"})
    void anAddFloodIsRefusedAtTheMemoryBudgetWhileAWellBehavedPeerIsServedThroughout(String heap) throws Exception {
        ProgramProcess server = CiServerProcessIT.start(List.of("-Xmx" + heap),
                "--port", "0", "--bind", "0.0.0.0");
        WellBehavedPeer peer = new WellBehavedPeer();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = server.awaitPort(CiServerProcessIT.START_DEADLINE);
            Future<Long> served = threads.submit(() -> peer.serve(port));

            // 8 connections from two addresses, 20,000 ADDs each with long titles: 160,000 records, about 200 MB.
            List<Future<long[]>> floods = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                String from = c % 2 == 0 ? "127.0.0.1" : "127.0.0.3";
                int first = 1 + c * 20_000;
                floods.add(threads.submit(() -> flood(port, from, first, 20_000)));
            }
            long added = 0;
            long refused = 0;
            for (Future<long[]> flood : floods) {
                long[] counts = flood.get();
                added += counts[0];
                refused += counts[1];
            }
            peer.stop();

            assertThat(refused).as("ADDs refused").isPositive();
            assertThat(served.get()).as("requests of the well-behaved peer, every one answered right").isPositive();
            assertThat(server.process().isAlive()).isTrue();
            System.out.printf("-Xmx%s: ADD flood: %d added, %d refused; well-behaved peer: %d requests served%n",
                    heap, added, refused, served.get());
            assertThat(server.lines()).anyMatch(line -> line.contains("refused, the peers at"));
        } finally {
            peer.stop(); // before the executor's close, which waits for it
            server.process().destroyForcibly().waitFor();
        }
    }

    /** Pipelines {@code count} ADDs with long titles from {@code from}, reading every answer; {added, refused}. */
    private static long[] flood(int port, String from, int firstRfc, int count) throws IOException {
        try (RawClient client = connectFrom(from, port)) {
            String host = "flood-" + firstRfc + ".example";
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    StringBuilder batch = new StringBuilder();
                    for (int i = 0; i < count; i++) {
                        batch.append(add(firstRfc + i, host, 1, LONG_TITLE));
                        if (batch.length() > 256 * 1024 || i == count - 1) {
                            client.send(batch.toString());
                            batch.setLength(0);
                        }
                    }
                } catch (IOException e) {
                    // the reader sees the connection end too
                }
            });
            long added = 0;
            long refused = 0;
            for (int i = 0; i < count; i++) {
                String answer = client.readResponse();
                if (answer.startsWith(OK)) {
                    added++;
                } else {
                    assertThat(answer).isEqualTo(BAD);
                    refused++;
                }
            }
            writer.join();
            return new long[] {added, refused};
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Test
    void clientsThatPipelineListsAndNeverReadAreDroppedWhileAWellBehavedPeerIsServed() throws Exception {
        ProgramProcess server = CiServerProcessIT.start(List.of("-Xmx256m"),
                "--port", "0", "--bind", "0.0.0.0", "--write-timeout", "2");
        List<Socket> nonReaders = new ArrayList<>();
        WellBehavedPeer peer = new WellBehavedPeer();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            int port = server.awaitPort(CiServerProcessIT.START_DEADLINE);
            // 100,000 records, held by five peers at five addresses that stay connected: a LIST is about 8 MB.
            List<RawClient> holders = new ArrayList<>();
            for (int h = 0; h < 5; h++) {
                RawClient holder = connectFrom("127.0.0." + (h + 4), port);
                holders.add(holder);
                holder.addAll("holder-" + h + ".example", 1 + h * 20_000, 20_000,
                        rfc -> "A title of sixty characters, give or take, for RFC " + rfc);
            }
            Future<Long> served = threads.submit(() -> peer.serve(port));

            // 150 clients each pipeline 20 LISTs and never read a byte of the answers.
            String lists = (list("non-reader.example", 1)).repeat(20);
            for (int c = 0; c < 150; c++) {
                Socket socket = new Socket();
                socket.setReceiveBufferSize(4096);
                socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.1." + (c % 8 + 1)), port));
                socket.getOutputStream().write(lists.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                nonReaders.add(socket);
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> droppedCount(server) >= 150);
            peer.stop();

            assertThat(droppedCount(server)).as("non-readers dropped, each once").isEqualTo(150);
            assertThat(served.get()).as("requests of the well-behaved peer, every one answered right").isPositive();
            assertThat(server.process().isAlive()).isTrue();
            for (RawClient holder : holders) {
                assertThat(holder.exchange(lookup(1, "x.example", 1))).startsWith(OK);
            }
            System.out.printf("-Xmx256m: 150 non-reading LIST pipeliners dropped; well-behaved peer: %d requests"
                    + " served (each LIST of 100,000 records read whole)%n", served.get());
        } finally {
            peer.stop(); // before the executor's close, which waits for it
            for (Socket socket : nonReaders) {
                socket.close();
            }
            server.process().destroyForcibly().waitFor();
        }
    }

    /**
     * How many clients the server has dropped for not reading, from its log: the "Dropped" lines, and the counts of
     * those its throttle held back (in a note on the next such line, or in a summary line).
     */
    private static long droppedCount(ProgramProcess server) {
        long dropped = 0;
        for (String line : server.lines()) {
            if (line.startsWith("[Server] Dropped ")) {
                java.util.regex.Matcher note = HELD_BACK_NOTE.matcher(line);
                dropped += 1 + (note.find() ? Long.parseLong(note.group(1)) : 0);
            } else {
                java.util.regex.Matcher summary = HELD_BACK_SUMMARY.matcher(line);
                if (summary.find()) {
                    dropped += Long.parseLong(summary.group(1));
                }
            }
        }
        return dropped;
    }

    private static final java.util.regex.Pattern HELD_BACK_NOTE =
            java.util.regex.Pattern.compile("\\((\\d+) more like it before were not logged\\)$");
    private static final java.util.regex.Pattern HELD_BACK_SUMMARY =
            java.util.regex.Pattern.compile("^\\[Server\\] (\\d+) more \"not reading\" lines");

    @Test
    void aServerThatRunsOutOfMemoryAnywayExitsWithANonZeroStatus() throws Exception {
                // A budget far above the heap, so that the flood reaches the heap's end.
        ProgramProcess server = CiServerProcessIT.start(List.of("-Xmx32m"),
                "--port", "0", "--bind", "127.0.0.1", "--max-index-mib", "4096", "--max-index-mib-per-address",
                "4096", "--max-records-per-peer", "1000000");
        try {
            int port = server.awaitPort(CiServerProcessIT.START_DEADLINE);
            try {
                flood(port, "127.0.0.1", 1, 400_000);
            } catch (IOException | RuntimeException | AssertionError e) {
                // the server went away mid-flood, as it should
            }

            assertThat(server.process().waitFor(EXIT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
            assertThat(server.process().exitValue()).isEqualTo(FatalErrors.EXIT_STATUS);
            assertThat(server.lines()).anyMatch(line -> line.startsWith("ci-server: fatal error"));
        } finally {
            server.process().destroyForcibly().waitFor();
        }
    }

    @Test
    void squattersSilentConnectionsAndABadRequestLoopNeitherLockAPeerOutNorFloodTheLog() throws Exception {
        ProgramProcess server = CiServerProcessIT.start(List.of(), "--port", "0", "--bind",
                "0.0.0.0", "--max-connections-per-address", "100", "--first-request-timeout", "2");
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            int port = server.awaitPort(CiServerProcessIT.START_DEADLINE);
            // Item 2: a squatter from another address claims the peer's endpoint first.
            RawClient squatter = connectFrom("127.0.0.3", port);
            opened.add(squatter);
            assertThat(squatter.exchange(add(2, "127.0.0.1", 7804, "Evil"))).startsWith(OK);
            // Item 4: 150 silent connections from the peer's own address, more than its limit of 100.
            for (int i = 0; i < 150; i++) {
                opened.add(connectFrom("127.0.0.1", port));
            }

            RawClient peer = connectFrom("127.0.0.1", port);
            opened.add(peer);
            assertThat(peer.exchange(add(1, "127.0.0.1", 7804, "One"))).startsWith(OK);

            // Item 3: 100 takeover attempts of the same endpoint from the peer's own address never evict it.
            for (int i = 0; i < 100; i++) {
                try (RawClient intruder = connectFrom("127.0.0.1", port)) {
                    intruder.exchange(add(1, "127.0.0.1", 7804, "Evil " + i));
                }
            }
            assertThat(peer.exchange(add(3, "127.0.0.1", 7804, "Three"))).startsWith(OK);

            // Item 5: one connection repeating a bad request 20,000 times.
            long logBefore = Files.size(server.output());
            peer.send("X\r\n\r\n".repeat(20_000));
            for (int i = 0; i < 20_000; i++) {
                assertThat(peer.readResponse()).isEqualTo(BAD);
            }
            long logGrowth = Files.size(server.output()) - logBefore;

            assertThat(peer.exchange(lookup(1, "127.0.0.1", 7804))).contains("RFC 1 One 127.0.0.1 7804");
            assertThat(logGrowth).as("log bytes for 20,000 bad requests").isLessThan(4096);
            System.out.printf("process: squatter, 150 silent connections and 100 takeover attempts did not lock the"
                    + " peer out; 20,000 bad requests grew the log by %d bytes%n", logGrowth);
        } finally {
            for (AutoCloseable closeable : opened) {
                closeable.close();
            }
            server.process().destroyForcibly().waitFor();
        }
    }

    private static RawClient connectFrom(String localAddress, int port) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return new RawClient(socket);
    }

    /**
     * A peer at an address of its own that registers four RFCs, then until stopped looks one up, adds one, and lists
     * the index, reading every answer; each answer must be right. Returns how many requests it made.
     */
    private static final class WellBehavedPeer {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong requests = new AtomicLong();

        void stop() {
            running.set(false);
        }

        long serve(int port) throws IOException {
            try (RawClient peer = connectFrom("127.0.0.2", port)) {
                for (int rfc = 1; rfc <= 4; rfc++) {
                    assertThat(peer.exchange(add(rfc, "good.example", 7000, "Good " + rfc))).startsWith(OK);
                }
                int next = 5;
                while (running.get()) {
                    assertThat(peer.exchange(lookup(1, "good.example", 7000))).contains("RFC 1 Good 1 good.example");
                    assertThat(peer.exchange(add(next, "good.example", 7000, "Good " + next))).startsWith(OK);
                    next++;
                    assertThat(peer.exchange(list("good.example", 7000))).startsWith(OK).contains("RFC 2 Good 2 ");
                    requests.addAndGet(3);
                }
            }
            return requests.get();
        }
    }
}
