package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.LogThrottle;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real programs, as processes on loopback, against what a careless directory or a hostile client does. */
final class PeerDefencesIT {
    /** An answer from a peer on loopback takes milliseconds; this is room for a loaded two-core machine. */
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);
    private static final Duration EXIT_DEADLINE = Duration.ofSeconds(20);
    /** Retries wait at most 1 s, 2 s, 4 s...; a few of them, with room for a loaded machine. */
    private static final Duration RETRY_DEADLINE = Duration.ofSeconds(40);

    /** The flood the report measured: 300 connections that never send a byte, each opened again once closed. */
    private static final int FLOOD_CONNECTIONS = 300;
    private static final String FLOOD_ADDRESS = "127.0.0.1";
    /** Another loopback address: Linux routes all of 127/8 to loopback, so it is a distinct source. */
    private static final String GOOD_ADDRESS = "127.0.0.2";
    /** Longer than the request timeout, so that the flood's connections are cut and made again meanwhile. */
    private static final Duration GOOD_DOWNLOADS_PERIOD = Duration.ofSeconds(6);
    private static final Duration GOOD_DOWNLOAD_PAUSE = Duration.ofMillis(50);
    /** Connections a log flood makes: several thousand, each over the cap of its address once the first 32 hold. */
    private static final int LOG_FLOOD_CONNECTIONS = 3000;

    /** The rate window (10 s) for the trickler, then a download of a small RFC, with room for a loaded machine. */
    private static final Duration TRICKLED_GET_DEADLINE = Duration.ofSeconds(60);

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
    void aPeerRefusedAtItsAddressesMemoryBudgetSaysSoAndRegistersOnceTheBudgetIsFreed() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0, List.of("--max-index-mib-per-address", "1")));
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149, 2616));
        ChildProcess peer;
        try (Socket hog = AddressBudgetHog.spend(serverPort)) {
            peer = programs.startPeer("peer", serverPort, dir);

            peer.awaitLine(Pattern.compile("^" + Pattern.quote("[Peer] Registered 0 of 2 RFCs from " + dir
                    + "; the index server refused 2, retried in the background") + "$"));
            assertThat(peer.lines()).contains("[Peer] Error: ADD RFC 1149 refused: the index server answered"
                    + " P2P-CI/1.0 400 Bad Request; retrying in the background");
        }

        peer.awaitLine(Pattern.compile("^" + Pattern.quote("[Peer] Registered RFC 1149, 2616 on retry; none is refused"
                + " now") + "$"), RETRY_DEADLINE);
        assertThat(listAll(serverPort)).extracting(RfcRecord::number).containsExactly(1149, 2616);
    }

    @Test
    void aPeerWithNothingToShareStaysRegisteredPastTheServersFirstRequestTimeout() throws Exception {
        ChildProcess server = programs.startServer("server", 0, List.of("--first-request-timeout", "1"));
        int serverPort = awaitListening(server);
        Path dir = Files.createDirectory(work.resolve("empty"));

        ChildProcess peer = programs.startPeer("peer", serverPort, dir);
        awaitRegistered(peer);

        // Three first-request timeouts: a peer that had sent nothing would have been closed, and said so.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> peer.lines().stream().noneMatch(line -> line.contains("Lost the index server")));
        assertThat(server.lines()).noneMatch(line -> line.contains("first request not complete"));
    }

    @Test
    void theRealServerAtItsConnectionLimitRefusesWithAnAnswerAndThePeerRegistersOnceASlotIsFree() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0,
                List.of("--max-connections-per-address", "1")));
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149));
        ChildProcess peer;
        // A registered connection from 127.0.0.1 holds the address's one slot.
        try (Socket holder = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            holder.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            holder.getOutputStream().write(MessageWriter.encode(new AddRequest(9, "holder.example", 1, "Held")));
            assertThat(new MessageReader(holder.getInputStream()).readIndexResponse().status())
                    .isEqualTo(Status.OK_200);

            peer = programs.startPeer("peer", serverPort, dir);

            peer.awaitLine(Pattern.compile("^" + Pattern.quote("[Peer] Lost the index server: the index server refused"
                    + " the connection: 400 Bad Request; reconnecting") + "$"));
        }

        peer.awaitLine(Pattern.compile("^" + Pattern.quote("[Peer] Reconnected to index 127.0.0.1:" + serverPort
                + "; registered 1 RFC") + "$"), RETRY_DEADLINE);
        // Asked on the peer's own connection: another from 127.0.0.1 would be over the limit of one, and refused.
        peer.send("LIST");
        peer.awaitLine(Pattern.compile("^\\[Peer\\] LIST: 1 record$"));
        List<String> lines = peer.lines();
        assertThat(lines.subList(lines.lastIndexOf("LIST ALL P2P-CI/1.0"), lines.size()))
                .filteredOn(line -> line.startsWith("RFC ")).singleElement().asString().startsWith("RFC 1149 ");
    }

    @Test
    void aServerRefusingConnectionsAtItsLimitIsToldAndRetriedFromStartUp() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149));
        try (RefusingFront atItsLimit = new RefusingFront(serverPort, 3)) {
            String front = "127.0.0.1:" + atItsLimit.port();

            ChildProcess peer = programs.startPeer("peer", atItsLimit.port(), dir);

            peer.awaitLine(Pattern.compile("^" + Pattern.quote("[Peer] Reconnected to index " + front
                    + "; registered 1 RFC") + "$"), RETRY_DEADLINE);
            // The start-up registration's lines, and the index connection's events, each in order; the two come
            // from different threads.
            List<String> notes = peer.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList();
            assertThat(notes).containsSubsequence(
                    "[Peer] Error: index server " + front + ": the index server refused the connection: 400 Bad"
                            + " Request; reconnecting, and RFC 1149 will be registered then",
                    "[Peer] Registered 0 of 1 RFC from " + dir);
            assertThat(notes).containsSubsequence(
                    "[Peer] Lost the index server: the index server refused the connection: 400 Bad Request;"
                            + " reconnecting",
                    "[Peer] Reconnected to index " + front + "; registered 1 RFC");
            assertThat(atItsLimit.refused()).isEqualTo(3);
            assertThat(listAll(serverPort)).extracting(RfcRecord::number).containsExactly(1149);
        }
    }

    @Test
    void withNoReconnectARefusedConnectionIsToldAndNotRetried() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149));
        try (RefusingFront atItsLimit = new RefusingFront(serverPort, 1)) {
            ChildProcess peer = programs.startPeer("peer", atItsLimit.port(), dir,
                    List.of("--no-reconnect", "--exec", "LIST"));

            assertThat(peer.awaitExit(EXIT_DEADLINE)).isEqualTo(RfcPeer.EXIT_FAILURE);
            assertThat(peer.lines()).contains("[Peer] Lost the index server: the index server refused the"
                    + " connection: 400 Bad Request; not reconnecting (--no-reconnect)");
            assertThat(atItsLimit.refused()).isEqualTo(1);
            assertThat(listAll(serverPort)).isEmpty();
        }
    }

    /**
     * Registers {@code host}:{@code port} at the index server from another loopback address, as a squatter of another
     * peer's endpoint does; the server refuses that endpoint to other addresses until this connection closes.
     */
    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
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

    @Test
    void aHostHoldingHundredsOfSilentConnectionsDoesNotStopDownloadsFromAnotherAddress() throws Exception {
        Path dir = Files.createDirectory(work.resolve("holder"));
        SampleRfcs.copy(dir, List.of(1149));
        String file = Files.readString(SampleRfcs.file(1149));
        int serverPort = awaitListening(programs.startServer("server", 0));
        int uploadPort = awaitRegistered(programs.startPeer("holder", serverPort, dir));

        int attempted = 0;
        int succeeded = 0;
        try (SilentFlood flood = SilentFlood.start(FLOOD_ADDRESS, uploadPort, FLOOD_CONNECTIONS)) {
            await("every flooding connection is made").atMost(ANSWER_DEADLINE)
                    .until(() -> flood.connectionsMade() >= FLOOD_CONNECTIONS);
            long end = System.nanoTime() + GOOD_DOWNLOADS_PERIOD.toNanos();
            while (System.nanoTime() - end < 0) {
                attempted++;
                String answer;
                try {
                    answer = rawGet(GOOD_ADDRESS, uploadPort, 1149);
                } catch (IOException e) {
                    answer = "";
                }
                if (answer.startsWith("P2P-CI/1.0 200 OK\r\n") && answer.endsWith(file)) {
                    succeeded++;
                }
                Thread.sleep(GOOD_DOWNLOAD_PAUSE); // pacing: a downloader's rate, not a wait for a condition
            }
            System.out.printf("Good downloads from %s under a flood of %d silent connections from %s: %d of %d"
                    + " succeeded (%.0f%%); the flood made %d connections%n", GOOD_ADDRESS, FLOOD_CONNECTIONS,
                    FLOOD_ADDRESS, succeeded, attempted, 100.0 * succeeded / attempted, flood.connectionsMade());
        }

        assertThat(succeeded).as("good downloads that succeeded").isEqualTo(attempted);
    }

    @Test
    void aFloodOfConnectionsOverTheCapsLeavesAFewWarnLinesNotOnePerConnection() throws Exception {
        Path dir = Files.createDirectory(work.resolve("holder"));
        SampleRfcs.copy(dir, List.of(1149));
        int serverPort = awaitListening(programs.startServer("server", 0));
        ChildProcess holder = programs.startPeer("holder", serverPort, dir);
        int uploadPort = awaitRegistered(holder);

        long started = System.nanoTime();
        long connections;
        try (SilentFlood flood = SilentFlood.start(FLOOD_ADDRESS, uploadPort, FLOOD_CONNECTIONS)) {
            await("the flood goes on for a while").atMost(ANSWER_DEADLINE).pollInterval(Duration.ofMillis(100))
                    .until(() -> flood.connectionsMade() >= LOG_FLOOD_CONNECTIONS);
            connections = flood.connectionsMade();
        }
        Duration flooded = Duration.ofNanos(System.nanoTime() - started);

        List<String> warnings = holder.errors().lines().filter(line -> line.contains(" WARN ")).toList();
        System.out.printf("A flood of %d connections from %s in %d ms left %d WARN lines%n", connections,
                FLOOD_ADDRESS, flooded.toMillis(), warnings.size());
        // Each interval: at most its share of lines of each kind, and one summary of the interval before.
        long intervals = flooded.toNanos() / LogThrottle.DEFAULT_INTERVAL.toNanos() + 1;
        assertThat(warnings).as("WARN lines").hasSizeLessThanOrEqualTo(
                (int) (intervals * (LogThrottle.DEFAULT_LINES_PER_INTERVAL + 1)));
        assertThat(warnings).allSatisfy(line -> assertThat(line).contains("127.0.0.1"));
    }

    @Test
    void aTricklingHolderIsGivenUpAfterOneRateWindowAndTheNextHolderIsTried() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        try (TricklingHolder trickler = new TricklingHolder();
             IndexClient tricklersRecords = IndexClient.connect(new HostAndPort("127.0.0.1", serverPort),
                     Optional.of("127.0.0.1"), trickler.port())) {
            // Registered first, so that LOOKUP lists the trickler first and the downloader tries it first.
            tricklersRecords.add(1149, "A Standard for the Transmission of IP Datagrams on Avian Carriers");
            Path holderDir = Files.createDirectory(work.resolve("holder"));
            SampleRfcs.copy(holderDir, List.of(1149));
            int holderPort = awaitRegistered(programs.startPeer("holder", serverPort, holderDir));
            Path dir = Files.createDirectory(work.resolve("downloader"));

            ChildProcess downloader = programs.startPeer("downloader", serverPort, dir, List.of("--exec", "GET 1149"));

            assertThat(downloader.awaitExit(TRICKLED_GET_DEADLINE)).as(downloader.output()).isZero();
            String tricklerAddress = "127.0.0.1:" + trickler.port();
            assertThat(downloader.lines().stream().filter(line -> line.startsWith("[Peer] ")).toList())
                    .containsSubsequence("[Peer] Downloading RFC 1149 from " + tricklerAddress,
                            "[Peer] Downloading RFC 1149 from 127.0.0.1:" + holderPort);
            assertThat(downloader.findLine(Pattern.compile("^\\[Peer\\] GET RFC 1149 from " + tricklerAddress
                    + " failed: " + tricklerAddress + " sent \\d+ bytes in the last 10000 ms, under the minimum of"
                    + " 10000; given up on as too slow$"))).isPresent();
            assertThat(dir.resolve("rfc1149.txt")).hasSameBinaryContentAs(SampleRfcs.file(1149));
            await("the trickler sees the downloader hang up").atMost(ANSWER_DEADLINE)
                    .until(() -> trickler.longestHold().isPresent());
            System.out.printf("A holder trickling a byte every 500 ms held the GET for %d ms%n",
                    trickler.longestHold().orElseThrow().toMillis());
        }
    }

    @Test
    void sigtermDuringADownloadLeavesNoPartFile() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        Path dir = Files.createDirectory(work.resolve("downloader"));
        try (TricklingHolder trickler = new TricklingHolder()) {
            ChildProcess downloader = programs.startPeer("downloader", serverPort, dir,
                    List.of("--exec", "GET 1149 127.0.0.1:" + trickler.port()));
            await("the download's part file").atMost(ChildProcess.STARTUP_DEADLINE)
                    .until(() -> !partFilesIn(dir).isEmpty());

            downloader.terminate(EXIT_DEADLINE);

            assertThat(partFilesIn(dir)).isEmpty();
            assertThat(filesIn(dir)).isEmpty();
        }
    }

    @Test
    void thePartFileOfADownloadCutShortBySigkillIsDeletedAtTheNextStart() throws Exception {
        int serverPort = awaitListening(programs.startServer("server", 0));
        Path dir = Files.createDirectory(work.resolve("downloader"));
        String partFile;
        try (TricklingHolder trickler = new TricklingHolder()) {
            ChildProcess killed = programs.startPeer("killed", serverPort, dir,
                    List.of("--exec", "GET 1149 127.0.0.1:" + trickler.port()));
            await("the download's part file").atMost(ChildProcess.STARTUP_DEADLINE)
                    .until(() -> !partFilesIn(dir).isEmpty());
            killed.kill(); // no chance to clean up
            partFile = partFilesIn(dir).getFirst();
        }

        ChildProcess restarted = programs.startPeer("restarted", serverPort, dir);
        awaitRegistered(restarted);

        assertThat(restarted.lines()).contains("[Peer] Deleted 1 unfinished download of an earlier run: " + partFile);
        assertThat(filesIn(dir)).isEmpty();
    }

    private static List<String> partFilesIn(Path dir) throws IOException {
        return filesIn(dir).stream().filter(name -> name.matches("\\.rfc\\d+\\.txt\\..*\\.part")).toList();
    }

    private static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    /** Sends a GET in one write and returns everything the peer answers until it closes. */
    private static String rawGet(int uploadPort, int rfcNumber) throws IOException {
        return rawGet("127.0.0.1", uploadPort, rfcNumber);
    }

    /** As {@link #rawGet(int, int)}, from the loopback address {@code source}. */
    private static String rawGet(String source, int uploadPort, int rfcNumber) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), uploadPort));
            socket.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
            socket.getOutputStream().write(("GET RFC " + rfcNumber + " P2P-CI/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
