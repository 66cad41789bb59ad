package net.p2pci.demo;

import static net.p2pci.demo.DemoRun.ANSWER_TIMEOUT;
import static net.p2pci.demo.DemoRun.LOG_LINE_TIMEOUT;
import static net.p2pci.demo.DemoRun.START_TIMEOUT;
import static net.p2pci.demo.DemoRun.join;
import static net.p2pci.demo.DemoRun.literalLine;
import static net.p2pci.demo.DemoRun.require;
import static net.p2pci.demo.DemoRun.requirePort;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The protocol's classic demo, run for real: an index server and three peers as separate processes on loopback,
 * driven through the peers' stdin and, for the requests no peer would send, a raw socket. Every step shows what the
 * programs printed and checks what the protocol says must happen; the exit status is 0 only if every check held.
 */
public final class Demo {
    /** The index server's well-known port; the demo takes any free one when it is in use. */
    static final int WELL_KNOWN_PORT = 7734;
    private static final int STEPS = 9;

    /** The three peers, in the order they are shown. */
    private static final List<String> PEER_NAMES = List.of("A", "B", "C");
    /** The sample RFCs each peer starts with. */
    private static final Map<String, List<Integer>> PEER_RFCS = Map.of(
            "A", List.of(1, 768, 791, 2616),
            "B", List.of(793, 959, 1945, 9110),
            "C", List.of(1149, 2324, 2549, 7168));
    /** What peer A looks up and downloads: one of peer B's. */
    private static final int SOUGHT_RFC = 1945;
    /** What peer B is asked for though it does not hold it: one of peer A's. */
    private static final int NOT_AT_B_RFC = 2616;
    /** The line the index server logs once its dashboard listens (ci-server --http-port). */
    private static final Pattern DASHBOARD_LINE =
            Pattern.compile("\\[Web\\] Dashboard and metrics on (http://\\S+/)$");
    /** The line a peer prints once its page listens (rfc-peer --http-port). */
    private static final Pattern WEB_PAGE_LINE = Pattern.compile("^\\[Peer\\] Web page on (http://\\S+/)$");

    private final DemoRun run;
    private final Transcript transcript;
    private final Cleanup cleanup;
    private final Map<String, String> peerEnvironment;
    private final Map<String, Peer> peers = new LinkedHashMap<>();
    private DemoProcess server;
    private int serverPort;
    private int step;

    /** A running peer: its process, the name it registers under, its directory and its upload port. */
    private record Peer(DemoProcess process, String host, Path directory, int uploadPort) {
    }

    private Demo(DemoRun run) throws IOException {
        this.run = run;
        this.transcript = run.transcript();
        this.cleanup = run.cleanup();
        this.peerEnvironment = run.peerEnvironment(PEER_NAMES.stream().map(name -> "peer" + name).toList());
    }

    public static void main(String[] args) {
        DemoRun.main("demo", "bin/demo [--web] [--pace DURATION]   (or: java -jar demo/target/demo.jar --root"
                + " REPOSITORY [--web] [--pace DURATION])", args, true,
                run -> new Demo(run).runSteps());
    }

    /** Runs every step in order and returns the exit status: 0 if every check held. */
    private int runSteps() {
        transcript.note("P2P-CI demo: an index server and peers A, B and C as real processes on 127.0.0.1.");
        transcript.note("Lines are labelled by the process that printed them; ✔ and ✘ mark what the demo checked.");
        return run.runSteps(() -> {
            startServer();
            startPeers();
            listAll("A", PEER_NAMES);
            lookUpAtAnotherPeer();
            download();
            sendBadRequestsToPeerB();
            quitPeer("B");
            listAllAfterBLeft();
            stopEverything();
        }, this::showEverything);
    }

    private void heading(String title) throws InterruptedException {
        if (step > 0) {
            run.pause();
        }
        step++;
        transcript.heading("step " + step + " of " + STEPS + ": " + title);
    }

    // ── the steps ────────────────────────────────────────────────────────────────────────────────────────────────

    private void startServer() throws IOException, InterruptedException, StepFailure {
        heading("start the index server");
        Optional<Integer> port = tryStartServer(WELL_KNOWN_PORT);
        if (port.isEmpty()) {
            transcript.note("Port " + WELL_KNOWN_PORT + " is in use on this machine, so the server takes a free one.");
            port = tryStartServer(0);
        }
        serverPort = port.orElseThrow(() -> new StepFailure("the index server did not start"));
        transcript.check(true, "the server listens on 127.0.0.1:" + serverPort);
        if (run.web()) {
            String dashboard = require(server, DASHBOARD_LINE, 0, ANSWER_TIMEOUT).group(1);
            transcript.show(server);
            transcript.note("The index server's dashboard (open it to watch peers join, add and leave): " + dashboard);
            transcript.check(WebCheck.get(dashboard + "api/stats", ANSWER_TIMEOUT).isPresent(),
                    "the dashboard answers at " + dashboard);
        }
    }

    /** Starts the server on {@code port}; empty if the port was in use (exit status 2), which the caller handles. */
    private Optional<Integer> tryStartServer(int port) throws IOException, InterruptedException, StepFailure {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
        if (run.web()) {
            args.addAll(List.of("--http-port", "0", "--http-bind", "127.0.0.1")); // the live dashboard
        }
        server = run.start("server", "bin/ci-server", args, Map.of("JAVA_HOME", System.getProperty("java.home")));
        try {
            int listening = server.awaitPort(START_TIMEOUT);
            transcript.show(server);
            return Optional.of(listening);
        } catch (IOException e) {
            transcript.show(server);
            OptionalInt status = server.awaitExit(ANSWER_TIMEOUT);
            if (port != 0 && status.isPresent() && status.getAsInt() == 2) {
                return Optional.empty();
            }
            throw new StepFailure("the index server did not start: " + e.getMessage());
        }
    }

    private void startPeers() throws IOException, InterruptedException, StepFailure {
        heading("start peers A, B and C, each sharing some of sample-rfcs/");
        transcript.note("Each peer gets a directory of its own with a copy of its RFCs. The peers run with");
        transcript.note("JAVA_OPTS=\"" + peerEnvironment.get("JAVA_OPTS") + "\":");
        transcript.note("the hosts file makes the names peerA, peerB and peerC mean 127.0.0.1, and the info level");
        transcript.note("shows each upload the peer serves or refuses.");
        int serverMark = server.mark();
        Map<String, DemoProcess> started = new LinkedHashMap<>();
        Map<String, Path> directories = new LinkedHashMap<>();
        // Started together, since each JVM takes a while to start, then waited for in turn.
        for (String name : PEER_NAMES) {
            Path directory = run.peerDirectory("peer" + name, PEER_RFCS.get(name));
            directories.put(name, directory);
            List<String> args = new ArrayList<>(List.of("--server", "127.0.0.1:" + serverPort,
                    "--dir", directory.toString(), "--host", "peer" + name));
            if (run.web()) {
                args.addAll(List.of("--http-port", "0")); // on 127.0.0.1, the peer's default
            }
            started.put(name, run.start("peer " + name, "bin/rfc-peer", args, peerEnvironment));
        }
        Pattern registered = Pattern.compile("^\\[Peer\\] Registered (\\d+) RFCs? from ");
        for (Map.Entry<String, DemoProcess> entry : started.entrySet()) {
            DemoProcess process = entry.getValue();
            int port = requirePort(process);
            require(process, registered, 0, START_TIMEOUT);
            peers.put(entry.getKey(), new Peer(process, "peer" + entry.getKey(), directories.get(entry.getKey()),
                    port));
        }
        Map<String, Boolean> serverLogged = new LinkedHashMap<>();
        for (Peer peer : peers.values()) {
            boolean all = server.awaitLine(literalLine("[Server] Added " + peer.host() + ":" + peer.uploadPort()),
                    serverMark, ANSWER_TIMEOUT).isPresent();
            for (int number : PEER_RFCS.get(nameOf(peer))) {
                all &= server.awaitLine(literalLine("[Server] Added RFC " + number + " from " + peer.host()),
                        serverMark, ANSWER_TIMEOUT).isPresent();
            }
            serverLogged.put(nameOf(peer), all);
        }
        peers.values().forEach(peer -> transcript.show(peer.process()));
        transcript.show(server);
        if (run.web()) {
            showPages();
        }
        for (Peer peer : peers.values()) {
            List<Integer> numbers = PEER_RFCS.get(nameOf(peer));
            long oks = peer.process().linesFrom(0).stream().filter("P2P-CI/1.0 200 OK"::equals).count();
            transcript.check(oks == numbers.size() && serverLogged.get(nameOf(peer)), "peer " + nameOf(peer)
                    + " (upload port " + peer.uploadPort() + ") registered RFCs " + join(numbers) + ": "
                    + oks + " × 200 OK, and the server logged the peer and each ADD");
        }
    }

    /**
     * With --web: the address of each peer's page, for the class to open, and a check that each answers with the
     * peer's own RFCs.
     */
    private void showPages() throws InterruptedException, StepFailure {
        Map<String, String> pages = new LinkedHashMap<>();
        for (Peer peer : peers.values()) {
            pages.put(nameOf(peer), require(peer.process(), WEB_PAGE_LINE, 0, ANSWER_TIMEOUT).group(1));
        }
        transcript.note("The peers' pages (open them to watch each peer's index, downloads and transcript live):");
        pages.forEach((name, url) -> transcript.note("  peer " + name + ": " + url));
        for (Map.Entry<String, String> page : pages.entrySet()) {
            List<Integer> numbers = PEER_RFCS.get(page.getKey());
            Optional<String> own = WebCheck.get(page.getValue() + "api/own", ANSWER_TIMEOUT);
            transcript.check(own.isPresent() && numbers.stream().allMatch(number -> own.get().contains(
                    "\"rfc\":" + number + ",")), "peer " + page.getKey() + "'s page answers with its RFCs "
                    + join(numbers));
        }
    }

    /** {@code name} lists the index and finds exactly the RFCs of {@code holders}, each at its holder. */
    private void listAll(String name, List<String> holders) throws IOException, InterruptedException, StepFailure {
        heading("peer " + name + " lists the whole index (LIST ALL)");
        List<String> output = runCommand(name, "LIST", "LIST: \\d+ records?");
        showStep(name);
        Set<String> expected = new TreeSet<>();
        for (String holder : holders) {
            Peer peer = peers.get(holder);
            PEER_RFCS.get(holder).forEach(number -> expected.add(holding(number, peer)));
        }
        run.checkRecords(output, expected, "LIST ALL");
    }

    private void lookUpAtAnotherPeer() throws IOException, InterruptedException, StepFailure {
        heading("peer A looks up RFC " + SOUGHT_RFC + ", which peer B holds (LOOKUP)");
        List<String> output = runCommand("A", "LOOKUP " + SOUGHT_RFC, "LOOKUP RFC " + SOUGHT_RFC + ": .*");
        showStep("A");
        run.checkRecords(output, Set.of(holding(SOUGHT_RFC, peers.get("B"))), "LOOKUP RFC " + SOUGHT_RFC);
    }

    private void download() throws IOException, InterruptedException, StepFailure {
        heading("peer A downloads RFC " + SOUGHT_RFC + " from peer B (GET), then registers its copy");
        Peer a = peers.get("A");
        Peer b = peers.get("B");
        int serverMark = server.mark();
        int bMark = b.process().mark();
        int aMark = a.process().mark();
        List<String> output = runCommand("A", "GET " + SOUGHT_RFC, "GET RFC " + SOUGHT_RFC + ": .*");
        require(a.process(), Pattern.compile("^\\[Peer\\] Registering RFC " + SOUGHT_RFC + ": "), aMark,
                ANSWER_TIMEOUT);
        a.process().awaitLine(Pattern.compile("^RFC " + SOUGHT_RFC + " .* peerA " + a.uploadPort() + "$"), aMark,
                ANSWER_TIMEOUT);
        boolean registered = server.awaitLine(literalLine("[Server] Added RFC " + SOUGHT_RFC + " from peerA"),
                serverMark, ANSWER_TIMEOUT).isPresent();
        b.process().awaitLine(Pattern.compile("UploadHandler: Sent RFC " + SOUGHT_RFC), bMark, LOG_LINE_TIMEOUT);
        showStep("A", "B");

        run.checkDownload(output, SOUGHT_RFC, a.directory(), "peerB:" + b.uploadPort(), "A");
        transcript.check(registered, "peer A registered its copy: the server logged Added RFC " + SOUGHT_RFC
                + " from peerA");
    }

    private void sendBadRequestsToPeerB() throws IOException, InterruptedException {
        Peer b = peers.get("B");
        heading("bad requests, sent raw to peer B's upload server (127.0.0.1:" + b.uploadPort() + ")");
        badRequest(b, "a bad format (the RFC number is not a number)",
                "GET RFC abc P2P-CI/1.0\r\nHost: peerB\r\nOS: Demo\r\n\r\n", "P2P-CI/1.0 400 Bad Request",
                "Refused a request");
        badRequest(b, "an RFC that peer B does not hold (RFC " + NOT_AT_B_RFC + " is peer A's)",
                "GET RFC " + NOT_AT_B_RFC + " P2P-CI/1.0\r\nHost: peerB\r\nOS: Demo\r\n\r\n",
                "P2P-CI/1.0 404 Not Found", "RFC " + NOT_AT_B_RFC + " requested by");
        badRequest(b, "another protocol version (P2P-CI/2.0), for an RFC peer B does hold",
                "GET RFC " + SOUGHT_RFC + " P2P-CI/2.0\r\nHost: peerB\r\nOS: Demo\r\n\r\n",
                "P2P-CI/1.0 505 P2P-CI Version Not Supported", "Refused a request");
    }

    private void badRequest(Peer peer, String what, String request, String expectedStatusLine, String logged)
            throws IOException, InterruptedException {
        transcript.note("GET with " + what + ":");
        int mark = peer.process().mark();
        RawExchange exchange;
        try {
            exchange = RawExchange.send(peer.uploadPort(), request, ANSWER_TIMEOUT);
        } catch (IOException e) {
            transcript.show("raw >", new RawExchange(request, "").requestLines());
            transcript.check(false, "expected " + expectedStatusLine + ", but the exchange failed: " + e);
            return;
        }
        peer.process().awaitLine(Pattern.compile(Pattern.quote(logged)), mark, LOG_LINE_TIMEOUT);
        transcript.show("raw >", exchange.requestLines());
        transcript.show("raw <", exchange.responseLines());
        transcript.show(peer.process());
        boolean held = exchange.isBodylessErrorResponse(expectedStatusLine);
        transcript.check(held, expectedStatusLine.substring("P2P-CI/1.0 ".length())
                + ", with Date, OS and Content-Length: 0, and the connection closed"
                + (held ? "" : "; the response began: " + exchange.statusLine()));
    }

    private void quitPeer(String name) throws IOException, InterruptedException, StepFailure {
        Peer peer = peers.get(name);
        heading("peer " + name + " quits (QUIT)");
        int serverMark = server.mark();
        send(name, "QUIT");
        peer.process().closeInput();
        OptionalInt status = peer.process().awaitExit(ANSWER_TIMEOUT);
        int records = PEER_RFCS.get(name).size();
        boolean removed = server.awaitLine(literalLine("[Server] Removed " + peer.host() + ":" + peer.uploadPort()
                + " (" + records + " records)"), serverMark, ANSWER_TIMEOUT).isPresent();
        showStep(name);
        transcript.check(status.isPresent() && status.getAsInt() == 0, "peer " + name + " exited with status "
                + (status.isPresent() ? status.getAsInt() : "(none: still running)"));
        transcript.check(removed, "the server removed peer " + name + "'s " + records + " records as its"
                + " connection closed");
    }

    private void listAllAfterBLeft() throws IOException, InterruptedException, StepFailure {
        heading("peer C lists the index again: peer B's records are gone");
        List<String> output = runCommand("C", "LIST", "LIST: \\d+ records?");
        showStep("C");
        Set<String> expected = new TreeSet<>();
        PEER_RFCS.get("A").forEach(number -> expected.add(holding(number, peers.get("A"))));
        expected.add(holding(SOUGHT_RFC, peers.get("A")));
        PEER_RFCS.get("C").forEach(number -> expected.add(holding(number, peers.get("C"))));
        run.checkRecords(output, expected, "LIST ALL");
        transcript.check(RecordLine.parseAll(output).stream().noneMatch(record -> record.host().equals("peerB")),
                "no record names peerB; RFC " + SOUGHT_RFC + " is now held by peer A alone");
    }

    private void stopEverything() throws IOException, InterruptedException {
        heading("peers A and C quit; the server stops on SIGTERM");
        int serverMark = server.mark();
        List<String> remaining = List.of("A", "C");
        for (String name : remaining) {
            send(name, "QUIT");
            peers.get(name).process().closeInput();
        }
        boolean peersLeft = true;
        for (String name : remaining) {
            Peer peer = peers.get(name);
            OptionalInt status = peer.process().awaitExit(ANSWER_TIMEOUT);
            peersLeft &= status.isPresent() && status.getAsInt() == 0;
            peersLeft &= server.awaitLine(Pattern.compile("^\\[Server\\] Removed " + peer.host() + ":"
                    + peer.uploadPort() + " \\(\\d+ records?\\)$"), serverMark, ANSWER_TIMEOUT).isPresent();
        }
        transcript.command("kill -TERM " + server.pid() + "    # the server");
        int stopMark = server.mark();
        OptionalInt serverStatus = server.terminate();
        boolean stopped = server.awaitLine(literalLine("[Server] Stopped"), stopMark, ANSWER_TIMEOUT).isPresent();
        remaining.forEach(name -> transcript.show(peers.get(name).process()));
        transcript.show(server);
        transcript.check(peersLeft, "peers A and C exited with status 0, and the server removed their records");
        transcript.check(stopped && serverStatus.isPresent() && serverStatus.getAsInt() == 0,
                "the server logged that it stopped, and exited with status "
                        + (serverStatus.isPresent() ? serverStatus.getAsInt() : "(none: still running)"));
    }

    // ── helpers ──────────────────────────────────────────────────────────────────────────────────────────────────

    private void send(String peerName, String command) throws IOException {
        run.send(peers.get(peerName).process(), command);
    }

    private List<String> runCommand(String peerName, String command, String summary)
            throws IOException, InterruptedException, StepFailure {
        return run.runCommand(peers.get(peerName).process(), command, summary);
    }

    /** Shows the output of the named peers, then the server's, since the last time each was shown. */
    private void showStep(String... peerNames) {
        Stream.of(peerNames).forEach(name -> transcript.show(peers.get(name).process()));
        transcript.show(server);
    }

    private void showEverything() {
        peers.values().forEach(peer -> transcript.show(peer.process()));
        if (server != null) {
            transcript.show(server);
        }
    }

    private static String nameOf(Peer peer) {
        return peer.host().substring("peer".length());
    }

    private static String holding(int number, Peer peer) {
        return number + " at " + peer.host() + ":" + peer.uploadPort();
    }
}
