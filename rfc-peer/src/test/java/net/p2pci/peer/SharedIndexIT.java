package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static net.p2pci.peer.ProgramProcesses.listAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ci-server processes sharing one index in a real PostgreSQL, with rfc-peer processes on each: what one instance
 * registers the other answers at once; a killed instance's peers are removed by the survivor once its lease has
 * expired; an instance that stood still past its lease serves none of its old registrations again; and a database
 * stopped and started under load leaves no record lost and none stale.
 */
@RequiresPostgres
final class SharedIndexIT {
    /** Short, so that the tests take seconds: renewed every second, a lease lasts three. */
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final Duration RENEWAL = Duration.ofSeconds(1);
    private static final List<String> QUICK_LEASE = List.of("--lease-renewal", "1", "--lease", "3");
    /** Generous: the lease and a keeper round take 4 s; the rest is for a busy two-core machine. */
    private static final Duration PURGE_DEADLINE = Duration.ofSeconds(30);
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(60);
    private static final Pattern PURGED = Pattern.compile("^\\[Server\\] Instance (.+) \\(lease expired (\\d+) ms"
            + " ago\\): removed its (\\d+) peers? and (\\d+) records?$");
    private static final AtomicInteger databases = new AtomicInteger();

    private static PostgresCluster cluster;

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void removeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void killEveryProcess() throws InterruptedException {
        programs.close();
    }

    @Test
    void peersOnEitherInstanceAreSeenOnBothAndAKilledInstancesPeersGoOnceItsLeaseHasExpired() throws Exception {
        List<String> db = sharedDatabase(QUICK_LEASE);
        ChildProcess first = programs.startServer("first instance", 0, db);
        ChildProcess second = programs.startServer("second instance", 0, db);
        int firstPort = awaitListening(first);
        int secondPort = awaitListening(second);
        // One peer knows only the first instance; one moves to the second when it loses the first; one is on the
        // second from the start.
        int stayer = awaitRegistered(startPeer("stayer", List.of(firstPort), List.of(1149)));
        int mover = awaitRegistered(startPeer("mover", List.of(firstPort, secondPort), List.of(2324, 7540)));
        int settled = awaitRegistered(startPeer("settled", List.of(secondPort, firstPort), List.of(1149)));

        Set<String> everyone = Set.of(held(1149, stayer), held(2324, mover), held(7540, mover), held(1149, settled));
        assertThat(heldAt(firstPort)).isEqualTo(everyone);
        assertThat(heldAt(secondPort)).isEqualTo(everyone);
        assertThat(ProgramProcesses.lookup(secondPort, 2324)).extracting(RfcRecord::port).containsExactly(mover);
        assertThat(ProgramProcesses.lookup(firstPort, 1149)).extracting(RfcRecord::port).containsExactly(stayer, settled);

        long killed = System.nanoTime();
        first.kill();

        Matcher purge = second.awaitLine(PURGED, PURGE_DEADLINE);
        long purgedAfterMillis = Duration.ofNanos(System.nanoTime() - killed).toMillis();
        System.out.println("[SharedIndexIT] kill -9 to purge by the survivor: " + purgedAfterMillis + " ms (lease "
                + LEASE.toMillis() + " ms; " + purge.group(0) + ")");
        // The stayer's record and the mover's two (observers that had just left may count among the peers).
        assertThat(purge.group(4)).as("the records registered through the killed instance").isEqualTo("3");
        // The stayer's records went with its instance; the mover registered again through the survivor.
        Set<String> survivors = Set.of(held(2324, mover), held(7540, mover), held(1149, settled));
        await("the index without the stayer, the mover once").atMost(SETTLE_DEADLINE)
                .untilAsserted(() -> assertThat(heldAt(secondPort)).isEqualTo(survivors));
        assertThat(listAll(secondPort)).hasSize(survivors.size());
        // Never before the lease has run out: at the earliest a lease after the last renewal, a second before the kill.
        assertThat(purgedAfterMillis).isGreaterThanOrEqualTo(LEASE.minus(RENEWAL).toMillis());
    }

    @Test
    void anInstancePausedPastItsLeaseServesNoneOfItsOldRegistrationsAndItsPeersRegisterAgain() throws Exception {
        List<String> db = sharedDatabase(QUICK_LEASE);
        ChildProcess zombie = programs.startServer("paused instance", 0, db);
        ChildProcess survivor = programs.startServer("survivor", 0, db);
        int zombiePort = awaitListening(zombie);
        int survivorPort = awaitListening(survivor);
        ChildProcess peer = startPeer("peer", List.of(zombiePort), List.of(1149, 2324));
        int uploadPort = awaitRegistered(peer);
        Set<String> held = Set.of(held(1149, uploadPort), held(2324, uploadPort));
        assertThat(heldAt(survivorPort)).isEqualTo(held);

        signal(zombie, "STOP");
        try {
            survivor.awaitLine(PURGED, PURGE_DEADLINE);
            assertThat(heldAt(survivorPort)).isEmpty();
        } finally {
            signal(zombie, "CONT");
        }

        // Back, the paused instance finds its lease gone, closes the peer's connection and takes a new lease;
        // the peer reconnects and registers again, once.
        zombie.awaitLine(Pattern.compile("^\\[Server\\] This instance lost its lease on the shared index .*"),
                SETTLE_DEADLINE);
        zombie.awaitLine(Pattern.compile("^\\[Server\\] This instance holds a new lease .*"), SETTLE_DEADLINE);
        await("the peer's records back, once").atMost(SETTLE_DEADLINE)
                .untilAsserted(() -> assertThat(listAll(survivorPort)).hasSize(2));
        assertThat(heldAt(survivorPort)).isEqualTo(held);
        assertThat(heldAt(zombiePort)).isEqualTo(held);
    }

    @Test
    void aDatabaseStoppedAndStartedUnderLoadLeavesNoRecordLostAndNoneStale() throws Exception {
        // A lease that outlasts the outage, so that the peers' registrations live through it.
        List<String> db = sharedDatabase(List.of("--lease-renewal", "1", "--lease", "60", "--db-wait", "2"));
        ChildProcess first = programs.startServer("first instance", 0, db);
        ChildProcess second = programs.startServer("second instance", 0, db);
        int firstPort = awaitListening(first);
        int secondPort = awaitListening(second);
        int one = awaitRegistered(startPeer("one", List.of(firstPort, secondPort), List.of(1149, 2324)));
        int two = awaitRegistered(startPeer("two", List.of(secondPort, firstPort), List.of(7540)));

        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        try (ExecutorService load = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> clients = new ArrayList<>();
            for (int client = 0; client < 8; client++) {
                int port = client % 2 == 0 ? firstPort : secondPort;
                int id = client;
                clients.add(load.submit(() -> churn(port, id, loading, served)));
            }
            await().atMost(SETTLE_DEADLINE).until(() -> served.get() > 50);
            cluster.stop();
            int servedWhenStopped = served.get();
            try {
                // Long enough that requests outlast --db-wait and have their connections closed.
                Thread.sleep(3_000); // the outage itself, not a wait for a condition
            } finally {
                cluster.startAgain();
            }
            await("requests served again").atMost(SETTLE_DEADLINE).until(() -> served.get() > servedWhenStopped + 50);
            loading.set(false);
            for (Future<?> client : clients) {
                client.get();
            }
        }

        // Every load client has gone: only the two peers' records may remain, all of them, on both instances.
        Set<String> expected = Set.of(held(1149, one), held(2324, one), held(7540, two));
        await("the index settles to the live peers' records").atMost(SETTLE_DEADLINE).untilAsserted(() -> {
            assertThat(listAll(firstPort)).hasSize(expected.size());
            assertThat(heldAt(firstPort)).isEqualTo(expected);
            assertThat(heldAt(secondPort)).isEqualTo(expected);
        });
    }

    /**
     * A short-lived client after another on {@code port}: registers, adds three records, looks one up, and
     * closes, until {@code loading} is cleared. A connection closed by the server (the database is down) is the
     * expected answer to an outage: the client just starts the next one.
     */
    private static Void churn(int port, int id, AtomicBoolean loading, AtomicInteger served) {
        int round = 0;
        while (loading.get()) {
            round++;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                MessageReader reader = new MessageReader(socket.getInputStream());
                String host = "load-" + id + "-" + round;
                for (int number = 9001; number <= 9003; number++) {
                    out.write(("ADD RFC " + number + " P2P-CI/1.0\r\nHost: " + host + "\r\nPort: 1\r\nTitle: Load"
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    reader.readIndexResponse();
                }
                out.write(("LOOKUP RFC 9001 P2P-CI/1.0\r\nHost: " + host + "\r\nPort: 1\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                reader.readIndexResponse();
                served.incrementAndGet();
            } catch (IOException e) {
                // closed by the server while the database was down: the next client tries again
            }
        }
        return null;
    }

    /** The server options for a database of this test's own in the cluster, and {@code more}. */
    private static List<String> sharedDatabase(List<String> more) throws IOException {
        String name = "shared_it_" + databases.incrementAndGet();
        cluster.createDatabase(name);
        List<String> args = new ArrayList<>(List.of("--db", cluster.jdbcUrl(name) + "?user=" + cluster.user()
                + "&password=" + cluster.password()));
        args.addAll(more);
        return args;
    }

    private ChildProcess startPeer(String name, List<Integer> serverPorts, List<Integer> numbers) throws IOException {
        Path dir = Files.createDirectory(work.resolve(name));
        SampleRfcs.copy(dir, numbers);
        return programs.startPeer(name, serverPorts, dir, List.of(), List.of());
    }

    private static String held(int number, int uploadPort) {
        return number + "@" + uploadPort;
    }

    /** The index on {@code serverPort} as number@upload-port, for the peers' records (observers hold none). */
    private static Set<String> heldAt(int serverPort) throws IOException {
        Set<String> held = new HashSet<>();
        for (RfcRecord record : listAll(serverPort)) {
            held.add(held(record.number(), record.port()));
        }
        return held;
    }

    /** Sends {@code SIG<name>} to the process: STOP stands it still as a long pause would, CONT lets it go on. */
    private static void signal(ChildProcess process, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }
}
