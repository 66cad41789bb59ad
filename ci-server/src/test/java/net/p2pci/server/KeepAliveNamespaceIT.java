package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A peer whose machine vanishes (no FIN, no RST) loses its records through TCP keepalive. The peer runs as a
 * real process in a network namespace of its own, joined to the server's by a veth pair; cutting that link and
 * killing the process leaves the server holding a real half-open connection.
 *
 * <p>Needs root and iproute2, as on the project's build machines; elsewhere it is skipped.
 */
class KeepAliveNamespaceIT {
    /** Short probe timing so the test is quick: a silent peer is dropped 2 s + 3 × 1 s after its last packet. */
    private static final ServerConfig.KeepAlive FAST_KEEPALIVE =
            new ServerConfig.KeepAlive(Duration.ofSeconds(2), Duration.ofSeconds(1), 3);
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    /** The dashboard's feed says why each peer went. */
    private static final java.util.Optional<net.p2pci.server.web.WebSettings> WITH_DASHBOARD = java.util.Optional.of(
            new net.p2pci.server.web.WebSettings(InetAddress.getLoopbackAddress(), 0));

    private final long id = ProcessHandle.current().pid() % 200;
    private final String namespace = "p2pci-ka-" + id;
    private final String hostSide = "p2ka" + id + "h";
    private final String peerSide = "p2ka" + id + "p";
    /** Addresses of the project's own test hosts, from the range set aside for network device testing. */
    private final String serverAddress = "198.18." + id + ".1";
    private final String peerAddress = "198.18." + id + ".2";

    @Test
    void peerThatVanishesWithoutAWordLosesItsRecordsWithinTheKeepaliveTime() throws Exception {
        Assumptions.assumeTrue(canManageNamespaces(), "needs root and 'ip netns'");
        Process peer = null;
        try {
            createTestHosts();
            try (IndexServer server = IndexServer.start(ServerConfig.defaults()
                    .withBindAddress(InetAddress.getByName(serverAddress)).withPort(0)
                    .withKeepAlive(FAST_KEEPALIVE), WITH_DASHBOARD)) {
                peer = startIdlePeer(server);
                assertThat(server.store().lookup(2)).singleElement()
                        .satisfies(record -> assertThat(record.host()).isEqualTo(peerAddress));

                // While the link is up, the idle peer's kernel answers the probes: it stays registered well past
                // the time a vanished peer would take to go.
                Duration detection = FAST_KEEPALIVE.detectionTime();
                await().during(detection.multipliedBy(2)).atMost(detection.multipliedBy(3))
                        .until(() -> server.store().lookup(1).size() == 1);

                run("ip", "netns", "exec", namespace, "ip", "link", "set", peerSide, "down");
                peer.destroyForcibly().waitFor(); // its FIN cannot get out: the link is down

                long cutAt = System.nanoTime();
                await().atMost(detection.plusSeconds(15)).until(() -> server.store().lookup(1).isEmpty());
                Duration gone = Duration.ofNanos(System.nanoTime() - cutAt);
                assertThat(server.store().listAll()).isEmpty();
                assertThat(server.store().peerCount()).isZero();
                assertThat(removalReasons(server)).containsExactly("keepalive timeout");
                System.out.printf("keepalive: vanished peer dropped %.1f s after its link was cut (probe time %d s)%n",
                        gone.toMillis() / 1000.0, detection.toSeconds());
            }
        } finally {
            if (peer != null) {
                peer.destroyForcibly().waitFor();
            }
            removeTestHosts();
        }
    }

    @Test
    void aVanishedPeerWhoseHostAndPortAreClaimedAgainIsProbedAndGoesWithinSeconds() throws Exception {
        Assumptions.assumeTrue(canManageNamespaces(), "needs root and 'ip netns'");
        Process peer = null;
        try {
            createTestHosts();
            // The default keepalive: without the probe, the vanished peer would stay for 50 s.
            try (IndexServer server = IndexServer.start(ServerConfig.defaults()
                    .withBindAddress(InetAddress.getByName(serverAddress)).withPort(0), WITH_DASHBOARD)) {
                peer = startIdlePeer(server);
                run("ip", "netns", "exec", namespace, "ip", "link", "set", peerSide, "down");
                peer.destroyForcibly().waitFor(); // its FIN cannot get out: the link is down

                // The peer comes back (from this side of the link) under the same host and upload port.
                java.net.Socket socket = new java.net.Socket(InetAddress.getByName(serverAddress), server.port());
                try (RawClient back = new RawClient(socket)) {
                    long claimedAt = System.nanoTime();
                    assertThat(back.exchange(Requests.add(3, peerAddress, 6001, "Back"))).startsWith("P2P-CI/1.0 200");

                    await().atMost(Duration.ofSeconds(15)).until(() -> server.store().lookup(1).isEmpty());
                    Duration gone = Duration.ofNanos(System.nanoTime() - claimedAt);
                    assertThat(server.store().listAll()).extracting(net.p2pci.protocol.RfcRecord::title)
                            .containsExactly("Back");
                    assertThat(removalReasons(server)).containsExactly("taken over");
                    System.out.printf("probe: vanished peer dropped %.1f s after its endpoint was claimed again"
                            + " (keepalive alone: %d s)%n", gone.toMillis() / 1000.0,
                            ServerConfig.KeepAlive.DEFAULT.detectionTime().toSeconds());
                }
            }
        } finally {
            if (peer != null) {
                peer.destroyForcibly().waitFor();
            }
            removeTestHosts();
        }
    }

    /** The reasons the dashboard's feed gives for the peers removed so far, oldest first. */
    @SuppressWarnings("unchecked")
    private static List<Object> removalReasons(IndexServer server) throws Exception {
        List<java.util.Map<String, Object>> events = (List<java.util.Map<String, Object>>)
                new WebClient(server.httpPort().orElseThrow()).json("/api/events").get("events");
        return events.stream().filter(event -> "removed".equals(event.get("kind")))
                .map(event -> event.get("reason")).toList();
    }

    /**
     * Starts the idle peer in its namespace and waits until it has read the answers to its two ADDs: a link cut while
     * an answer is still unacknowledged leaves the server retransmitting it, when keepalive does not probe.
     */
    private Process startIdlePeer(IndexServer server) throws IOException {
        Path output = Files.createTempFile("idle-peer", ".out");
        Process peer = new ProcessBuilder(List.of("ip", "netns", "exec", namespace,
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp", System.getProperty("java.class.path"), IdlePeer.class.getName(),
                serverAddress, Integer.toString(server.port()), peerAddress))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        await().atMost(START_DEADLINE).until(() -> Files.readAllLines(output).contains("registered"));
        assertThat(server.store().listAll()).hasSize(2);
        // The peer's kernel may hold back its acknowledgement of the last answer for a moment; until it has come,
        // the server's side of the connection shows a retransmission timer instead of the keepalive one.
        await().atMost(START_DEADLINE).until(this::serverSideAwaitsNothing);
        return peer;
    }

    /** Whether the server's connection to the peer has nothing unacknowledged: its only timer is keepalive's. */
    private boolean serverSideAwaitsNothing() throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tno", "state", "established", "dst", peerAddress)
                .redirectErrorStream(true).start();
        String sockets = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        ss.waitFor();
        return sockets.contains("timer:(keepalive") && !sockets.contains("timer:(on");
    }

    private void createTestHosts() throws IOException, InterruptedException {
        removeTestHosts();
        run("ip", "netns", "add", namespace);
        run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", peerSide);
        run("ip", "link", "set", peerSide, "netns", namespace);
        run("ip", "addr", "add", serverAddress + "/30", "dev", hostSide);
        run("ip", "link", "set", hostSide, "up");
        run("ip", "netns", "exec", namespace, "ip", "addr", "add", peerAddress + "/30", "dev", peerSide);
        run("ip", "netns", "exec", namespace, "ip", "link", "set", peerSide, "up");
        run("ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up");
    }

    private void removeTestHosts() throws IOException, InterruptedException {
        runIgnoringFailure("ip", "link", "del", hostSide);
        runIgnoringFailure("ip", "netns", "del", namespace);
    }

    private static boolean canManageNamespaces() {
        try {
            return ProcessHandle.current().info().user().map("root"::equals).orElse(false)
                    && new ProcessBuilder("ip", "netns", "list").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        int status = runIgnoringFailure(command);
        if (status != 0) {
            throw new IOException(String.join(" ", command) + " failed with status " + status);
        }
    }

    private static int runIgnoringFailure(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        try {
            process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IOException(String.join(" ", command) + " did not finish");
            }
            return process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }

}
