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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.p2pci.protocol.Limits;
import net.p2pci.server.index.ClientLog;
import net.p2pci.server.network.ConnectionHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** Every server limit over real sockets: a client exactly at the limit is served, one past it is refused. */
@Isolated // CapturedLog reads the whole JVM's log: no other class's server may write into its counts
class ServerLimitsTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String OK = "P2P-CI/1.0 200 OK\r\n";
    private static final String BAD = "P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n";

    private IndexServer server;
    private final List<AutoCloseable> opened = new ArrayList<>();

    private void start(ServerConfig config) throws IOException {
        server = IndexServer.start(config.withBindAddress(InetAddress.getLoopbackAddress()).withPort(0));
    }

    private static ServerConfig defaults() {
        return ServerConfig.defaults();
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(server.port());
        opened.add(client);
        return client;
    }

    /** A client whose connection comes from another loopback address, as a second host would. */
    private RawClient connectFrom(String localAddress) throws IOException {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
        RawClient client = new RawClient(socket);
        opened.add(client);
        return client;
    }

    private String listAll() throws IOException {
        try (RawClient observer = new RawClient(server.port())) {
            return observer.exchange(list("observer.example", 1));
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void requestLineAtTheConfiguredLimitIsServedAndOneByteOverIsRefused() throws IOException {
        start(defaults().withLimits(new Limits(128, Limits.DEFAULT_MAX_HEADER_COUNT, Limits.DEFAULT_MAX_RECORDS)));
        RawClient peer = connect();
        String titleAtLimit = "t".repeat(128 - "Title: ".length());

        assertThat(peer.exchange(add(1, "a.example", 1, titleAtLimit))).startsWith(OK);
        assertThat(peer.exchange(add(2, "a.example", 1, titleAtLimit + "t"))).isEqualTo(BAD);
        assertThat(peer.exchange(lookup(1, "a.example", 1))).startsWith(OK);
        assertThat(listAll()).doesNotContain("RFC 2 ");
    }

    @Test
    void headerCountAtTheConfiguredLimitIsServedAndOneOverIsRefused() throws IOException {
        start(defaults().withLimits(new Limits(Limits.DEFAULT_MAX_LINE_BYTES, 5, Limits.DEFAULT_MAX_RECORDS)));
        RawClient peer = connect();
        String twoExtra = "X-One: 1\r\nX-Two: 2\r\n";

        assertThat(peer.exchange("ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: T\r\n" + twoExtra + "\r\n"))
                .startsWith(OK);
        assertThat(peer.exchange("ADD RFC 2 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: T\r\n" + twoExtra
                + "X-Three: 3\r\n\r\n")).isEqualTo(BAD);
        assertThat(listAll()).contains("RFC 1 T a 1").doesNotContain("RFC 2 ");
    }

    @Test
    void slowDripRequestIsCutOffAtTheRequestTimeout() throws IOException {
        start(defaults().withRequestTimeout(Duration.ofMillis(500)));
        RawClient dripper = connect();
        // Registered first: until then the first-request timeout (10 s by default) is the deadline that applies.
        dripper.exchange(add(1, "dripper.example", 1, "Drip"));

        dripper.send("LIST ALL P2P-CI/1.0\r\nHo");

        await().atMost(DEADLINE).until(dripper::isClosedByServer);
    }

    @Test
    void requestCompletedWithinTheTimeoutIsServedWhenItsBytesComeSlowly() throws Exception {
        start(defaults().withRequestTimeout(Duration.ofSeconds(5)));
        RawClient slow = connect();

        slow.send("ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\n");
        Thread.sleep(300); // pacing the client's bytes, not waiting for a condition
        slow.send("Port: 1\r\nTitle: Slow but in time\r\n\r\n");

        assertThat(slow.readResponse()).startsWith(OK);
    }

    @Test
    void idleRegisteredConnectionOutlivesTheRequestTimeout() throws IOException {
        start(defaults().withRequestTimeout(Duration.ofMillis(300)));
        RawClient idle = connect();
        idle.exchange(add(1, "idle.example", 1, "Idle"));

        // Idle for five request timeouts: the registration must hold throughout.
        await().during(Duration.ofMillis(1500)).atMost(DEADLINE)
                .until(() -> server.store().lookup(1).size() == 1);

        assertThat(idle.exchange(lookup(1, "idle.example", 1))).startsWith(OK);
    }

    @Test
    void connectionsAtTheLimitAreServedAndOneMoreIsRefusedAndLoggedOnce() throws IOException {
        start(defaults().withMaxConnections(3, 3));
        try (CapturedLog log = new CapturedLog()) {
            List<RawClient> peers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                RawClient peer = connect();
                peers.add(peer);
                assertThat(peer.exchange(add(i + 1, "p" + i + ".example", 1, "T"))).startsWith(OK);
            }

            assertThat(connect().exchange(list("refused.example", 1))).isEqualTo(BAD);
            // So does a request without its empty line (docs/INTEROP.md row 3), once its sender falls silent.
            assertThat(connect().exchange("LIST ALL P2P-CI/1.0\nHost: refused.example\nPort: 1")).isEqualTo(BAD);
            // The answer waits for the request, as every answer does; one that never comes gets a close.
            RawClient silentRefused = connect();
            assertThat(silentRefused.isClosedByServer()).isTrue();
            assertThat(log.count("Refusing connections")).isEqualTo(1);

            peers.get(0).close();
            await().atMost(DEADLINE).until(this::canExchange);
            assertThat(log.count("Accepting connections again")).isEqualTo(1);
            assertThat(log.count("Refusing connections")).isEqualTo(1);
        }
    }

    private boolean canExchange() {
        try (RawClient probe = new RawClient(server.port())) {
            return probe.exchange(list("probe.example", 1)).startsWith(OK);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void connectionsPerAddressAtTheLimitAreServedAndOneMoreIsRefusedWhileOtherAddressesAreServed()
            throws IOException {
        start(defaults().withMaxConnections(100, 2));

        assertThat(connectFrom("127.0.0.1").exchange(add(1, "a.example", 1, "T"))).startsWith(OK);
        assertThat(connectFrom("127.0.0.1").exchange(add(1, "b.example", 1, "T"))).startsWith(OK);
        RawClient refused = connectFrom("127.0.0.1");
        assertThat(refused.exchange(add(1, "x.example", 1, "T"))).isEqualTo(BAD);
        assertThat(refused.isClosedByServer()).isTrue();
        assertThat(connectFrom("127.0.0.2").exchange(add(1, "c.example", 1, "T"))).startsWith(OK);
    }

    @Test
    void recordsPerPeerAtTheLimitAreKeptAndOneMoreIsRefusedWithoutChange() throws IOException {
        start(defaults().withMaxRecordsPerPeer(3));
        RawClient peer = connect();
        for (int rfc = 1; rfc <= 3; rfc++) {
            assertThat(peer.exchange(add(rfc, "a.example", 1, "T" + rfc))).startsWith(OK);
        }
        String before = listAll();

        assertThat(peer.exchange(add(4, "a.example", 1, "T4"))).isEqualTo(BAD);
        assertThat(peer.exchange(add(3, "a.example", 1, "T3"))).startsWith(OK);
        assertThat(listAll()).isEqualTo(before);
    }

    @Test
    void aSquatterWhoClaimedAPeersHostAndPortFirstCannotLockThatPeerOut() throws IOException {
        start(defaults());
        // After a restart of the server, the squatter is quicker than the peer to claim the peer's endpoint.
        RawClient squatter = connectFrom("127.0.0.3");
        assertThat(squatter.exchange(add(2, "127.0.0.1", 7804, "Evil"))).startsWith(OK);

        RawClient peer = connectFrom("127.0.0.1");

        assertThat(peer.exchange(add(1, "127.0.0.1", 7804, "One"))).isEqualTo(
                "P2P-CI/1.0 200 OK\r\n\r\nRFC 1 One 127.0.0.1 7804\r\n\r\n");
        assertThat(peer.exchange(add(3, "127.0.0.1", 7804, "Three"))).startsWith(OK);
        assertThat(listAll()).contains("RFC 1 One 127.0.0.1 7804", "RFC 3 Three 127.0.0.1 7804");
    }

    @Test
    void aClaimOfALivePeersHostAndPortNeverEvictsItFromAnyAddress() throws IOException {
        start(defaults());
        RawClient peer = connectFrom("127.0.0.1");
        peer.exchange(add(1, "a.example", 5678, "One"));

        for (String attacker : List.of("127.0.0.1", "127.0.0.3")) {
            for (int i = 0; i < 20; i++) {
                try (RawClient intruder = connectFrom(attacker)) {
                    assertThat(intruder.exchange(add(1, "a.example", 5678, "Evil"))).startsWith(OK);
                }
            }
        }

        // The peer is still connected, registered and alone in the index once the intruders have gone.
        assertThat(peer.exchange(add(2, "a.example", 5678, "Two"))).startsWith(OK);
        await().atMost(DEADLINE).until(() -> listAll().equals(
                "P2P-CI/1.0 200 OK\r\n\r\nRFC 1 One a.example 5678\r\nRFC 2 Two a.example 5678\r\n\r\n"));
    }

    @Test
    void recordSourceOptionRecordsTheConnectionsAddressInsteadOfTheClaimedHost() throws IOException {
        start(defaults().withRecordSourceAddress(true));
        RawClient peer = connectFrom("127.0.0.4");

        assertThat(peer.exchange(add(1, "spoofed.example", 5678, "One")))
                .isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC 1 One 127.0.0.4 5678\r\n\r\n");
    }

    @Test
    void logLinesNeverCarryControlCharactersFromClients() throws IOException {
        start(defaults());
        try (CapturedLog log = new CapturedLog()) {
            RawClient peer = connect();
            peer.exchange("ADD RFC 1 P2P-CI/1.0\r\nHost: a\u001b[2Jb\r\nPort: 1\r\nTitle: x\r\n\r\n");
            peer.exchange("\u001b]0;owned\u0007 RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n");
            peer.exchange("ADD RFC 1 P2P-CI/1.0\r\nHost: " + "h".repeat(3000) + "\r\nPort: 1\r\nTitle: x\r\n\r\n");

            await().atMost(DEADLINE).until(() -> log.count("400 Bad Request") >= 2);
            assertThat(log.lines()).allSatisfy(line -> {
                assertThat(line).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
                assertThat(line.length()).isLessThan(400);
            });
        }
    }

    @Test
    void aConnectionThatNeverRegistersIsClosedAtTheFirstRequestTimeoutHoweverItSpendsTheTime() throws IOException {
        start(defaults().withFirstRequestTimeout(Duration.ofMillis(500)));
        RawClient silent = connect();
        RawClient badRequestsOnly = connect();
        RawClient peer = connect();
        peer.exchange(add(1, "a.example", 1, "T"));

        for (int i = 0; i < 3; i++) {
            assertThat(badRequestsOnly.exchange("X\r\n\r\n")).isEqualTo(BAD);
        }

        await().atMost(DEADLINE).until(silent::isClosedByServer);
        await().atMost(DEADLINE).until(() -> closedAfterAnswers(badRequestsOnly));
        // A registered connection has no such deadline: idle, it stays.
        assertThat(peer.exchange(lookup(1, "a.example", 1))).startsWith(OK);
    }

    /** Reads what the server still sends (answers to bad requests) until it closes. */
    private static boolean closedAfterAnswers(RawClient client) throws IOException {
        try {
            while (true) {
                client.readResponse();
            }
        } catch (java.io.EOFException e) {
            return true;
        }
    }

    @Test
    void silentConnectionsAtTheAddressLimitMakeWayForAPeerBehindTheSameAddress() throws IOException {
        start(defaults().withMaxConnections(100, 10));
        List<RawClient> silent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            silent.add(connectFrom("127.0.0.1"));
        }

        RawClient peer = connectFrom("127.0.0.1");

        assertThat(peer.exchange(add(1, "a.example", 1, "T"))).startsWith(OK);
        assertThat(silent.get(0).isClosedByServer()).as("the oldest silent connection").isTrue();
    }

    @Test
    void silentConnectionsFromManyAddressesAtTheTotalLimitMakeWayForANewPeer() throws IOException {
        start(defaults().withMaxConnections(10, 100));
        List<RawClient> silent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            silent.add(connectFrom("127.0.1." + (i + 1)));
        }

        RawClient peer = connectFrom("127.0.0.1");

        assertThat(peer.exchange(add(1, "a.example", 1, "T"))).startsWith(OK);
        assertThat(silent.get(0).isClosedByServer()).as("the oldest silent connection").isTrue();
    }

    @Test
    void aClientThatDoesNotReadItsAnswersIsDroppedAtTheWriteTimeoutAndOthersAreServedMeanwhile() throws Exception {
        start(defaults().withWriteTimeout(Duration.ofMillis(500)));
        fillIndex(3 * ConnectionHandler.LIST_PAGE_RECORDS);
        try (CapturedLog log = new CapturedLog()) {
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            RawClient reader = new RawClient(socket);
            opened.add(reader);
            reader.exchange(add(99_999, "non-reader.example", 1, "Never reads"));
            StringBuilder lists = new StringBuilder();
            for (int i = 0; i < 200; i++) {
                lists.append(list("non-reader.example", 1));
            }
            reader.send(lists.toString()); // and never reads the answers

            assertThat(listAll()).contains("RFC 1 ");
            await().atMost(DEADLINE).until(() -> server.store().lookup(99_999).isEmpty());
            assertThat(log.count("[Server] Dropped")).isEqualTo(1);
        }
    }

    @Test
    void aListOfManyPagesIsTheSameBytesAsTheWholeAnswer() throws IOException {
        start(defaults());
        fillIndex(2 * ConnectionHandler.LIST_PAGE_RECORDS + 7);

        String expected = new String(net.p2pci.protocol.MessageWriter.encode(
                net.p2pci.protocol.IndexResponse.ok(server.store().listAll())), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(listAll()).isEqualTo(expected).contains("RFC " + (2 * ConnectionHandler.LIST_PAGE_RECORDS + 7) + " ");
    }

    /** Registers {@code records} records, RFCs 1 to {@code records}, on a connection kept open. */
    private void fillIndex(int records) throws IOException {
        RawClient filler = connect();
        StringBuilder adds = new StringBuilder();
        for (int rfc = 1; rfc <= records; rfc++) {
            adds.append(add(rfc, "filler.example", 1, "A title of some length for RFC " + rfc));
        }
        filler.send(adds.toString());
        for (int rfc = 1; rfc <= records; rfc++) {
            assertThat(filler.readResponse()).startsWith(OK);
        }
    }

    @Test
    void aConnectionRepeatingABadRequestCausesAFewLogLinesNotOnePerRequest() throws IOException {
        start(defaults());
        try (CapturedLog log = new CapturedLog()) {
            RawClient flooder = connect();
            flooder.exchange(add(1, "a.example", 1, "T"));
            int requests = 5_000;
            flooder.send("X\r\n\r\n".repeat(requests));
            for (int i = 0; i < requests; i++) {
                assertThat(flooder.readResponse()).isEqualTo(BAD);
            }

            assertThat(log.count("400 Bad Request to")).isEqualTo(ClientLog.ERROR_LINES_PER_INTERVAL);
            assertThat(flooder.exchange(lookup(1, "a.example", 1))).startsWith(OK);
        }
    }

    @Test
    void anOverlongTitleIsLoggedWithItsTrueLength() throws IOException {
        start(defaults());
        try (CapturedLog log = new CapturedLog()) {
            RawClient peer = connect();
            assertThat(peer.exchange(add(1, "a.example", 1, "t".repeat(600)))).isEqualTo(BAD);

            await().atMost(DEADLINE).until(() -> log.count("(600 chars)") == 1);
            assertThat(log.lines()).noneMatch(line -> line.contains("(149 chars)"));
        }
    }

    @Test
    void lineEndsAfterARequestDoNotStartTheRequestClockOnAnIdleConnection() throws IOException {
        start(defaults().withRequestTimeout(Duration.ofMillis(300)));
        RawClient peer = connect();
        peer.exchange(add(1, "a.example", 1, "T"));

        peer.send("\r\n\r\n");

        // Idle for several request timeouts after the stray line ends: the registration holds.
        await().during(Duration.ofMillis(1200)).atMost(DEADLINE).until(() -> server.store().lookup(1).size() == 1);
        assertThat(peer.exchange(lookup(1, "a.example", 1))).startsWith(OK);
    }

    @Test
    void aClientAlternatingRefusalsAndAdmissionsCausesAFewLogLinesNotTwoPerCycle() throws IOException {
        start(defaults().withMaxConnections(100, 1));
        try (CapturedLog log = new CapturedLog()) {
            long began = System.nanoTime();
            RawClient held = connect();
            held.exchange(add(1, "a.example", 1, "T"));
            int cycles = 30;
            for (int i = 0; i < cycles; i++) {
                // The refusal answers the first request, as every answer does.
                RawClient refused = connect();
                assertThat(refused.exchange(add(2, "b.example", 2, "T"))).isEqualTo(BAD);
                held.close();
                held = await().atMost(DEADLINE).until(this::registeredOrNull, java.util.Objects::nonNull);
            }

            // Each kind of line is throttled per interval: at most its allowance in each interval the test spanned.
            long intervals = 1 + Duration.ofNanos(System.nanoTime() - began).toMillis() / ClientLog.INTERVAL.toMillis();
            long allowed = intervals * ClientLog.ERROR_LINES_PER_INTERVAL;
            assertThat(log.count("Refusing connections")).isBetween(1L, allowed);
            assertThat(log.count("Accepting connections again")).isBetween(1L, allowed);
            assertThat(allowed).isLessThan(cycles);
        }
    }

    /** A new connection that has registered, or null when the server refused it. */
    private RawClient registeredOrNull() throws IOException {
        RawClient client = connect();
        if (client.exchange(add(1, "a.example", 1, "T")).startsWith(OK)) {
            return client;
        }
        client.close();
        return null;
    }
}
