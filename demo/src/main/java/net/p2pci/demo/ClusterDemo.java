package net.p2pci.demo;

import static net.p2pci.demo.DemoRun.ANSWER_TIMEOUT;
import static net.p2pci.demo.DemoRun.LOG_LINE_TIMEOUT;
import static net.p2pci.demo.DemoRun.START_TIMEOUT;
import static net.p2pci.demo.DemoRun.join;
import static net.p2pci.demo.DemoRun.literalLine;
import static net.p2pci.demo.DemoRun.require;
import static net.p2pci.demo.DemoRun.requirePort;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.PostgresInstallation;

/**
 * The index shared by two ci-server instances over one PostgreSQL database, run for real: a throwaway PostgreSQL
 * cluster, two instances, and three peers as separate processes on loopback, peer A on instance 1 and peers B and C
 * on instance 2, each given both servers. It shows that either instance answers for every peer, then kills
 * instance 1 with SIGKILL: instance 2 removes its peer once its lease has expired, and peer A moves to instance 2
 * and registers again. Every step shows what the programs printed and checks what must happen; the exit status is 0
 * only if every check held.
 */
public final class ClusterDemo {
    private static final int STEPS = 9;

    /**
     * Short, so that the demo sees a dead instance purged within seconds; the defaults are 5 s and 15 s. A lease must
     * last at least twice its renewal interval.
     */
    private static final Duration LEASE_RENEWAL = Duration.ofSeconds(1);
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** The purge comes within the lease and a round of the survivor's lease keeper; the rest is for a busy machine. */
    private static final Duration PURGE_TIMEOUT = LEASE.plus(Duration.ofSeconds(15));

    /** The three peers, in the order they are shown. */
    private static final List<String> PEER_NAMES = List.of("A", "B", "C");
    /** The sample RFCs each peer starts with. */
    private static final Map<String, List<Integer>> PEER_RFCS = Map.of(
            "A", List.of(1, 768, 791, 2616),
            "B", List.of(793, 959, 1945, 9110),
            "C", List.of(1149, 2324, 2549, 7168));
    /** The instance each peer registers with first: A alone on instance 1. */
    private static final Map<String, Integer> HOME_INSTANCE = Map.of("A", 1, "B", 2, "C", 2);
    /** What peer B, on instance 2, looks up and downloads: one of peer A's, registered through instance 1. */
    private static final int SOUGHT_RFC = 2616;

    private final DemoRun run;
    private final Transcript transcript;
    private final Cleanup cleanup;
    private final Map<String, String> peerEnvironment;
    private final Map<Integer, Instance> instances = new LinkedHashMap<>();
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    /** The RFCs each peer holds: those it started with, and those it downloaded. */
    private final Map<String, List<Integer>> held = new LinkedHashMap<>();
    private PostgresCluster database;
    private int step;

    /** A running ci-server instance: its process, the name it holds its lease under, and its port. */
    private record Instance(int number, DemoProcess process, String name, int port) {
        String address() {
            return "127.0.0.1:" + port;
        }
    }

    /** A running peer: its process, the name it registers under, its directory and its upload port. */
    private record Peer(String name, DemoProcess process, String host, Path directory, int uploadPort) {
    }

    private ClusterDemo(DemoRun run) throws IOException {
        this.run = run;
        this.transcript = run.transcript();
        this.cleanup = run.cleanup();
        this.peerEnvironment = run.peerEnvironment(PEER_NAMES.stream().map(name -> "peer" + name).toList());
        PEER_NAMES.forEach(name -> held.put(name, new ArrayList<>(PEER_RFCS.get(name))));
    }

    public static void main(String[] args) {
        DemoRun.main("cluster-demo", "bin/cluster-demo   (or: java -cp demo/target/demo.jar"
                + " net.p2pci.demo.ClusterDemo --root REPOSITORY)", args, false,
                run -> new ClusterDemo(run).runSteps());
    }

    /** Runs every step in order and returns the exit status: 0 if every check held. */
    private int runSteps() {
        transcript.note("P2P-CI cluster demo: two index server instances sharing one index in PostgreSQL, and peers A,"
                + " B and C, as");
        transcript.note("real processes on 127.0.0.1. Peer A registers with instance 1, peers B and C with instance 2;"
                + " each is given");
        transcript.note("both. Lines are labelled by the process that printed them; ✔ and ✘ mark what the demo"
                + " checked.");
        return run.runSteps(() -> {
            if (!startDatabase()) {
                return; // said why, and what is needed
            }
            startInstances();
            startPeers();
            listThroughInstanceOne();
            lookUpAcrossInstances();
            downloadAcrossInstances();
            killInstanceOne();
            peerAMovesToInstanceTwo();
            stopEverything();
        }, this::showEverything);
    }

    private void heading(String title) {
        step++;
        transcript.heading("step " + step + " of " + STEPS + ": " + title);
    }

    // ── the steps ────────────────────────────────────────────────────────────────────────────────────────────────

    /** Starts PostgreSQL; false, having said what the demo needs, when it is not installed here. */
    private boolean startDatabase() throws IOException {
        heading("start a throwaway PostgreSQL");
        switch (PostgresCluster.availability()) {
            case PostgresCluster.Availability.Unavailable unavailable -> {
                transcript.check(false, "PostgreSQL cannot be run here: " + unavailable.reason());
                transcript.note("This demo needs the PostgreSQL server programs, version "
                        + PostgresInstallation.MINIMUM_MAJOR_VERSION + " or newer (initdb, pg_ctl, postgres,");
                transcript.note("createdb); it makes a database of its own with them, so no server need be running"
                        + " or set up.");
                transcript.note("Install them (on Debian or Ubuntu: sudo apt-get install postgresql), or set "
                        + PostgresInstallation.BIN_DIRECTORY_VARIABLE + " to the directory");
                transcript.note("that holds initdb.");
                return false;
            }
            case PostgresCluster.Availability.Available available -> {
                transcript.note("With " + available.installation() + ":");
                transcript.note("a new cluster made by initdb in a temporary directory, listening on 127.0.0.1 only,"
                        + " and deleted");
                transcript.note("with everything in it at the end.");
            }
        }
        database = cleanup.registerResource(PostgresCluster.start());
        // On Ctrl-C the cleanup stops the instances first, then PostgreSQL, so that they can leave cleanly.
        database.leaveExitToOwner();
        transcript.check(true, "PostgreSQL listens on " + database.host() + ":" + database.port() + ": database "
                + database.database() + ", user " + database.user() + ", at " + database.jdbcUrl());
        return true;
    }

    private void startInstances() throws IOException, InterruptedException, StepFailure {
        heading("start instances 1 and 2 of the index server, sharing the index in that database");
        transcript.note("Both get the database's password in CI_SERVER_DB_PASSWORD. Each holds a lease in the database,"
                + " and once");
        transcript.note("one's lease has expired another removes its peers and their records. The lease is short here,"
                + " so that");
        transcript.note("the demo is quick: renewed every " + LEASE_RENEWAL.toSeconds() + " s and lasting "
                + LEASE.toSeconds() + " s (the defaults are 5 s and 15 s).");
        Map<String, String> environment = Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "CI_SERVER_DB_PASSWORD", database.password());
        Map<Integer, DemoProcess> started = new LinkedHashMap<>();
        for (int number = 1; number <= 2; number++) {
            started.put(number, run.start("server " + number, "bin/ci-server", List.of("--port", "0",
                    "--bind", "127.0.0.1", "--db", database.jdbcUrl(), "--db-user", database.user(),
                    "--instance-name", instanceName(number), "--lease-renewal",
                    Long.toString(LEASE_RENEWAL.toSeconds()), "--lease", Long.toString(LEASE.toSeconds())),
                    environment));
        }
        for (Map.Entry<Integer, DemoProcess> entry : started.entrySet()) {
            DemoProcess process = entry.getValue();
            int port = requirePort(process);
            String name = instanceName(entry.getKey());
            boolean sharing = process.awaitLine(literalLine("[Server] Sharing the index in PostgreSQL as instance "
                    + name + " (lease " + LEASE.toSeconds() + " s, renewed every " + LEASE_RENEWAL.toSeconds()
                    + " s)"), 0, ANSWER_TIMEOUT).isPresent();
            boolean listening = process.awaitLine(literalLine("[Server] Listening on 127.0.0.1:" + port), 0,
                    ANSWER_TIMEOUT).isPresent();
            instances.put(entry.getKey(), new Instance(entry.getKey(), process, name, port));
            transcript.show(process);
            transcript.check(sharing && listening, "instance " + entry.getKey() + " listens on 127.0.0.1:" + port
                    + " and holds a lease in PostgreSQL as " + name);
        }
    }

    private void startPeers() throws IOException, InterruptedException, StepFailure {
        heading("start peers A (on instance 1), B and C (on instance 2), each sharing some of sample-rfcs/");
        transcript.note("Each peer is given both instances, its own first (--server own,other), and a directory of its"
                + " own with a");
        transcript.note("copy of its RFCs. The peers run with JAVA_OPTS=\"" + peerEnvironment.get("JAVA_OPTS") + "\":");
        transcript.note("the hosts file makes the names peerA, peerB and peerC mean 127.0.0.1, and the info level shows"
                + " each upload.");
        Map<Integer, Integer> instanceMarks = new LinkedHashMap<>();
        instances.forEach((number, instance) -> instanceMarks.put(number, instance.process().mark()));
        Map<String, DemoProcess> started = new LinkedHashMap<>();
        Map<String, Path> directories = new LinkedHashMap<>();
        // Started together, since each JVM takes a while to start, then waited for in turn.
        for (String name : PEER_NAMES) {
            Path directory = run.peerDirectory("peer" + name, PEER_RFCS.get(name));
            directories.put(name, directory);
            Instance own = home(name);
            Instance other = instances.get(3 - own.number());
            started.put(name, run.start("peer " + name, "bin/rfc-peer", List.of("--server", own.address() + ","
                    + other.address(), "--dir", directory.toString(), "--host", "peer" + name), peerEnvironment));
        }
        Pattern registered = Pattern.compile("^\\[Peer\\] Registered (\\d+) RFCs? from ");
        Map<String, Boolean> connectedHome = new LinkedHashMap<>();
        for (Map.Entry<String, DemoProcess> entry : started.entrySet()) {
            DemoProcess process = entry.getValue();
            int port = requirePort(process);
            require(process, registered, 0, START_TIMEOUT);
            connectedHome.put(entry.getKey(), process.linesFrom(0).contains("[Peer] Connected to index "
                    + home(entry.getKey()).address() + " as peer" + entry.getKey() + ":" + port));
            peers.put(entry.getKey(), new Peer(entry.getKey(), process, "peer" + entry.getKey(),
                    directories.get(entry.getKey()), port));
        }
        Map<String, Boolean> logged = new LinkedHashMap<>();
        for (Peer peer : peers.values()) {
            Instance own = home(peer.name());
            logged.put(peer.name(), loggedRegistration(own, peer, PEER_RFCS.get(peer.name()),
                    instanceMarks.get(own.number())));
        }
        peers.values().forEach(peer -> transcript.show(peer.process()));
        instances.values().forEach(instance -> transcript.show(instance.process()));
        for (Peer peer : peers.values()) {
            List<Integer> numbers = PEER_RFCS.get(peer.name());
            long oks = peer.process().linesFrom(0).stream().filter("P2P-CI/1.0 200 OK"::equals).count();
            int own = HOME_INSTANCE.get(peer.name());
            transcript.check(connectedHome.get(peer.name()) && oks == numbers.size() && logged.get(peer.name()),
                    "peer " + peer.name() + " (upload port " + peer.uploadPort() + ") registered RFCs "
                            + join(numbers) + " through instance " + own + ": " + oks + " × 200 OK, and instance "
                            + own + " logged the peer and each ADD");
        }
    }

    private void listThroughInstanceOne() throws IOException, InterruptedException, StepFailure {
        heading("peer A lists the index through instance 1 (LIST ALL)");
        transcript.note("Peers B and C registered through instance 2; instance 1 finds their records in the database.");
        List<String> output = run.runCommand(peers.get("A").process(), "LIST", "LIST: \\d+ records?");
        show("A");
        run.checkRecords(output, records(Set.of()), "LIST ALL through instance 1");
    }

    private void lookUpAcrossInstances() throws IOException, InterruptedException, StepFailure {
        heading("peer B looks up RFC " + SOUGHT_RFC + " through instance 2; only peer A, on instance 1, holds it");
        List<String> output = run.runCommand(peers.get("B").process(), "LOOKUP " + SOUGHT_RFC,
                "LOOKUP RFC " + SOUGHT_RFC + ": .*");
        show("B");
        run.checkRecords(output, Set.of(holding(SOUGHT_RFC, peers.get("A"))),
                "LOOKUP RFC " + SOUGHT_RFC + " through instance 2");
    }

    private void downloadAcrossInstances() throws IOException, InterruptedException, StepFailure {
        heading("peer B downloads RFC " + SOUGHT_RFC + " from peer A (GET), then registers its copy through"
                + " instance 2");
        Peer a = peers.get("A");
        Peer b = peers.get("B");
        Instance two = instances.get(2);
        int twoMark = two.process().mark();
        int aMark = a.process().mark();
        int bMark = b.process().mark();
        List<String> output = run.runCommand(b.process(), "GET " + SOUGHT_RFC, "GET RFC " + SOUGHT_RFC + ": .*");
        require(b.process(), Pattern.compile("^\\[Peer\\] Registering RFC " + SOUGHT_RFC + ": "), bMark,
                ANSWER_TIMEOUT);
        b.process().awaitLine(Pattern.compile("^RFC " + SOUGHT_RFC + " .* peerB " + b.uploadPort() + "$"), bMark,
                ANSWER_TIMEOUT);
        boolean registered = two.process().awaitLine(literalLine("[Server] Added RFC " + SOUGHT_RFC + " from peerB"),
                twoMark, ANSWER_TIMEOUT).isPresent();
        a.process().awaitLine(Pattern.compile("UploadHandler: Sent RFC " + SOUGHT_RFC), aMark, LOG_LINE_TIMEOUT);
        show("B", "A");
        instances.values().forEach(instance -> transcript.show(instance.process()));

        if (run.checkDownload(output, SOUGHT_RFC, b.directory(), "peerA:" + a.uploadPort(), "B")) {
            held.get("B").add(SOUGHT_RFC);
        }
        transcript.check(registered, "peer B registered its copy through instance 2: it logged Added RFC "
                + SOUGHT_RFC + " from peerB");
    }

    private void killInstanceOne() throws IOException, InterruptedException, StepFailure {
        Instance one = instances.get(1);
        Instance two = instances.get(2);
        Peer a = peers.get("A");
        heading("instance 1 is killed (SIGKILL); instance 2 removes its peer once its lease has expired");
        transcript.note("Left alone, peer A would move to instance 2 within a second of the kill, before the purge, and"
                + " be listed");
        transcript.note("twice until then: under its registration through instance 1 and under its new one, at the"
                + " same host and");
        transcript.note("port. So that the purge shows on its own, peer A is frozen first (SIGSTOP), and thawed in the"
                + " next step.");
        transcript.command("kill -STOP " + a.process().pid() + "    # peer A");
        a.process().freeze();
        transcript.command("kill -KILL " + one.process().pid() + "    # instance 1");
        int twoMark = two.process().mark();
        long killedNanos = System.nanoTime();
        OptionalInt status = one.process().kill();
        Pattern purge = Pattern.compile("^\\[Server\\] Instance " + Pattern.quote(one.name())
                + " \\(lease expired (\\d+) ms ago\\): removed its (\\d+) peers? and (\\d+) records?$");
        Matcher purged = require(two.process(), purge, twoMark, PURGE_TIMEOUT);
        Duration killToPurge = Duration.ofNanos(System.nanoTime() - killedNanos);
        transcript.show(one.process());
        transcript.show(two.process());
        transcript.check(status.isPresent() && status.getAsInt() == 137, "instance 1 was killed: exit status "
                + (status.isPresent() ? status.getAsInt() : "(none: still running)"));
        int records = PEER_RFCS.get("A").size();
        transcript.check(purged.group(2).equals("1") && purged.group(3).equals(Integer.toString(records)),
                String.format("instance 2 removed what instance 1 had registered, peer A and its %d records, %.2f s"
                        + " after the kill (%s ms after instance 1's lease expired)", records,
                        killToPurge.toMillis() / 1000.0, purged.group(1)));
        transcript.note(String.format("Kill to purge: %.2f s. The lease (%d s) was last renewed 0 to %d s before the"
                        + " kill, so it ran out", killToPurge.toMillis() / 1000.0, LEASE.toSeconds(),
                LEASE_RENEWAL.toSeconds()));
        transcript.note(LEASE.minus(LEASE_RENEWAL).toSeconds() + " to " + LEASE.toSeconds() + " s after it;"
                + " instance 2 looks for expired leases every half second.");

        List<String> output = run.runCommand(peers.get("C").process(), "LIST", "LIST: \\d+ records?");
        show("C");
        run.checkRecords(output, records(Set.of("A")), "LIST ALL through instance 2");
        transcript.check(RecordLine.parseAll(output).stream().noneMatch(record -> record.host().equals("peerA")),
                "no record names peerA: what it registered through instance 1 is gone; RFC " + SOUGHT_RFC
                        + " is held by peer B alone");
    }

    private void peerAMovesToInstanceTwo() throws IOException, InterruptedException, StepFailure {
        Instance one = instances.get(1);
        Instance two = instances.get(2);
        Peer a = peers.get("A");
        heading("peer A, thawed, moves to instance 2 and registers its RFCs again");
        int aMark = a.process().mark();
        int twoMark = two.process().mark();
        transcript.command("kill -CONT " + a.process().pid() + "    # peer A");
        a.process().thaw();
        List<Integer> numbers = PEER_RFCS.get("A");
        require(a.process(), Pattern.compile("^\\[Peer\\] Lost the index server " + Pattern.quote(one.address())
                + " \\(.+\\); connected to " + Pattern.quote(two.address()) + " and registered " + numbers.size()
                + " RFCs again$"), aMark, ANSWER_TIMEOUT);
        boolean logged = loggedRegistration(two, a, numbers, twoMark);
        show("A");
        transcript.show(two.process());
        transcript.check(true, "peer A lost instance 1, connected to instance 2 (" + two.address()
                + ") and registered its " + numbers.size() + " RFCs again");
        transcript.check(logged, "instance 2 logged peer A (peerA:" + a.uploadPort() + ") and each ADD");

        List<String> lookup = run.runCommand(a.process(), "LOOKUP " + SOUGHT_RFC,
                "LOOKUP RFC " + SOUGHT_RFC + ": .*");
        show("A");
        run.checkRecords(lookup, Set.of(holding(SOUGHT_RFC, peers.get("B")), holding(SOUGHT_RFC, a)),
                "LOOKUP RFC " + SOUGHT_RFC + " through instance 2");
        List<String> list = run.runCommand(peers.get("C").process(), "LIST", "LIST: \\d+ records?");
        show("C");
        run.checkRecords(list, records(Set.of()), "LIST ALL through instance 2, peer A's RFCs back at peerA:"
                + a.uploadPort());
    }

    private void stopEverything() throws IOException, InterruptedException {
        Instance two = instances.get(2);
        heading("the peers quit; instance 2 stops on SIGTERM; PostgreSQL is removed");
        int twoMark = two.process().mark();
        for (Peer peer : peers.values()) {
            run.send(peer.process(), "QUIT");
            peer.process().closeInput();
        }
        boolean peersLeft = true;
        for (Peer peer : peers.values()) {
            OptionalInt status = peer.process().awaitExit(ANSWER_TIMEOUT);
            peersLeft &= status.isPresent() && status.getAsInt() == 0;
            peersLeft &= two.process().awaitLine(Pattern.compile("^\\[Server\\] Removed " + peer.host() + ":"
                    + peer.uploadPort() + " \\(\\d+ records?\\)$"), twoMark, ANSWER_TIMEOUT).isPresent();
        }
        transcript.command("kill -TERM " + two.process().pid() + "    # instance 2");
        int stopMark = two.process().mark();
        OptionalInt serverStatus = two.process().terminate();
        boolean stopped = two.process().awaitLine(literalLine("[Server] Stopped"), stopMark, ANSWER_TIMEOUT)
                .isPresent();
        peers.values().forEach(peer -> transcript.show(peer.process()));
        transcript.show(two.process());
        transcript.check(peersLeft, "peers A, B and C exited with status 0, and instance 2 removed their records");
        transcript.check(stopped && serverStatus.isPresent() && serverStatus.getAsInt() == 0,
                "instance 2 logged that it stopped, and exited with status "
                        + (serverStatus.isPresent() ? serverStatus.getAsInt() : "(none: still running)"));
        database.close();
        transcript.check(!Files.exists(database.directory()), "PostgreSQL stopped, and its directory "
                + database.directory() + " is deleted");
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

    private Instance home(String peerName) {
        return instances.get(HOME_INSTANCE.get(peerName));
    }

    private static String instanceName(int number) {
        return "instance-" + number;
    }

    /**
     * Whether {@code instance} logged, from {@code mark} on, the registration of {@code peer} and an ADD of each of
     * {@code numbers}.
     */
    private static boolean loggedRegistration(Instance instance, Peer peer, List<Integer> numbers, int mark)
            throws InterruptedException {
        DemoProcess log = instance.process();
        boolean all = log.awaitLine(literalLine("[Server] Added " + peer.host() + ":" + peer.uploadPort()), mark,
                ANSWER_TIMEOUT).isPresent();
        for (int number : numbers) {
            all &= log.awaitLine(literalLine("[Server] Added RFC " + number + " from " + peer.host()), mark,
                    ANSWER_TIMEOUT).isPresent();
        }
        return all;
    }

    /** Every record the index should hold, each peer's at its host and port, but for the peers {@code left}. */
    private Set<String> records(Set<String> left) {
        Set<String> expected = new TreeSet<>();
        for (Peer peer : peers.values()) {
            if (!left.contains(peer.name())) {
                held.get(peer.name()).forEach(number -> expected.add(holding(number, peer)));
            }
        }
        return expected;
    }

    private static String holding(int number, Peer peer) {
        return number + " at " + peer.host() + ":" + peer.uploadPort();
    }

    /** Shows the output of the named peers since they were last shown. */
    private void show(String... peerNames) {
        for (String name : peerNames) {
            transcript.show(peers.get(name).process());
        }
    }

    private void showEverything() {
        peers.values().forEach(peer -> transcript.show(peer.process()));
        instances.values().forEach(instance -> transcript.show(instance.process()));
    }
}
