package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.peer.AddressBudgetHog;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.RefusingFront;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.index.IndexBudget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A peer's registration across a restart of the real index server on the same loopback port. */
final class IndexSessionTest {
    private static final String PEER_HOST = "peer-a.example";
    private static final int PEER_PORT = 5678;
    /** Waits of a few milliseconds, so that tests of retries take no longer than the retries themselves. */
    private static final ReconnectBackoff FAST_BACKOFF = new ReconnectBackoff(Duration.ofMillis(20),
            Duration.ofMillis(200));

    private IndexServer server;
    private int port;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final RecordedEvents events = new RecordedEvents();

    @BeforeEach
    void startServer() throws IOException {
        server = IndexServer.start(config(0));
        port = server.port();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        server.close();
    }

    @Test
    void afterTheServerRestartsEveryRfcIsRegisteredAgainUnderItsLatestTitle() throws Exception {
        IndexSession session = open(true);
        session.add(2616, "HTTP/1.1");
        session.add(1149, "Avian Carriers");
        session.add(2616, "Hypertext Transfer Protocol -- HTTP/1.1");

        server.close();
        assertThat(events.next()).startsWith("lost: connection lost: ").endsWith("; reconnecting");
        server = IndexServer.start(config(port));

        assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + port + ": 2 of 2");
        assertThat(recordsAtTheServer()).containsExactlyInAnyOrder(
                new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT),
                new RfcRecord(2616, "Hypertext Transfer Protocol -- HTTP/1.1", PEER_HOST, PEER_PORT));
        assertThat(session.isConnected()).isTrue();
        assertThat(session.lookup(1149, Optional.empty()).response().status()).isEqualTo(Status.OK_200);
    }

    @Test
    void withdrawingFromOurServerUsesItsWithdrawExtensionOnTheSameConnection() throws Exception {
        IndexSession session = open(true);
        session.add(768, "User Datagram Protocol");
        session.add(791, "Internet Protocol");
        session.add(1149, "Avian Carriers");

        IndexSession.Withdrawn withdrawn = session.withdraw(List.of(791));

        assertThat(withdrawn.withdrawn()).as("withdrawn by WITHDRAW RFC 791").containsExactly(791);
        assertThat(withdrawn.dropped()).isEmpty();
        assertThat(withdrawn.switchedTo()).as("no new connection").isEmpty();
        assertThat(session.registered()).containsExactlyInAnyOrder(768, 1149);
        assertThat(session.holdsStaleRecords()).isFalse();
        assertThat(recordsAtTheServer()).containsExactlyInAnyOrder(
                new RfcRecord(768, "User Datagram Protocol", PEER_HOST, PEER_PORT),
                new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
        assertThat(session.isConnected()).isTrue();
        session.add(2616, "HTTP/1.1");
        assertThat(events.isEmpty()).as("nothing was lost").isTrue();
    }

    @Test
    void whileDisconnectedRequestsFailAtOnceAndAnAddIsRegisteredOnceBack() throws Exception {
        IndexSession session = open(true);
        session.add(1149, "Avian Carriers");
        server.close();
        assertThat(events.next()).startsWith("lost: ");

        assertThatThrownBy(session::list).isInstanceOf(IOException.class)
                .hasMessageStartingWith("not connected to the index server (connection lost: ")
                .hasMessageEndingWith("); reconnecting");
        assertThatThrownBy(() -> session.add(2324, "Coffee Pot")).isInstanceOf(IOException.class)
                .hasMessageEndingWith("); reconnecting, and RFC 2324 will be registered then");
        server = IndexServer.start(config(port));

        assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + port + ": 2 of 2");
        assertThat(recordsAtTheServer()).containsExactlyInAnyOrder(
                new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT),
                new RfcRecord(2324, "Coffee Pot", PEER_HOST, PEER_PORT));
    }

    @Test
    void withoutReconnectingTheSessionSaysSoAndRequestsFailFromThenOn() throws Exception {
        IndexSession session = open(false);
        server.close();

        assertThat(events.next()).startsWith("lost: connection lost: ").doesNotContain("reconnecting");
        assertThatThrownBy(session::list).isInstanceOf(IOException.class)
                .hasMessageStartingWith("not connected to the index server (connection lost: ")
                .hasMessageNotContaining("reconnecting");
    }

    @Test
    void closeDuringTheBackoffWaitReturnsPromptlyAndEndsTheReconnecting() throws Exception {
        IndexSession session = IndexSession.open(List.of(new HostAndPort("127.0.0.1", port)),
                Optional.of(PEER_HOST), PEER_PORT, true, events,
                new ReconnectBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10)));
        opened.add(session);
        server.close();
        assertThat(events.next()).startsWith("lost: ");

        assertTimeoutPreemptively(Duration.ofSeconds(10), session::close);

        assertThat(session.watchesConnection()).isFalse();
        assertThat(events.remaining()).isEmpty();
    }

    @Test
    void anAddRefusedWhileAnotherConnectionSpendsThisAddressesBudgetIsRetriedUntilTheServerTakesIt() throws Exception {
        try (Socket hog = AddressBudgetHog.spend(port)) {
            IndexSession session = open(true);

            assertThat(session.add(1149, "Avian Carriers").response().status()).isEqualTo(Status.BAD_REQUEST_400);
            assertThat(session.refused()).containsExactly(1149);
            assertThat(session.isConnected()).isTrue(); // a refused ADD, not a refused connection
        }
        // The hog's connection closed: its records go, and the next retry is taken.

        assertThat(events.next()).isEqualTo("accepted on retry [1149], still refused 0");
        assertThat(recordsAtTheServer()).contains(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
    }

    @Test
    void afterARestartRfcsRefusedBecauseAnotherConnectionSpentTheBudgetAreRetriedUntilTaken() throws Exception {
        IndexSession session = open(true);
        session.add(1149, "Avian Carriers");
        session.add(2324, "Coffee Pot");
        server.close();
        assertThat(events.next()).startsWith("lost: connection lost: ");
        // The server comes back, and another connection from this address spends its budget before the peer is back.
        server = IndexServer.start(config(0));
        try (Socket hog = AddressBudgetHog.spend(server.port());
             RefusingFront backOnItsPort = new RefusingFront(port, server.port(), 0)) {
            assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + port + ": 0 of 2");
            assertThat(events.next()).isEqualTo("refused [1149, 2324]: 400 Bad Request");
            assertThat(session.refused()).containsExactly(1149, 2324);

            hog.close();

            // The server removes the hog's records a moment after its close, and a retry round may fall in between
            // and be taken in part; every RFC is taken in the end, none twice.
            List<String> accepted = new ArrayList<>();
            String event;
            do {
                event = events.next();
                java.util.regex.Matcher round = java.util.regex.Pattern
                        .compile("accepted on retry \\[(.*)\\], still refused (\\d+)").matcher(event);
                assertThat(round.matches()).as(event).isTrue();
                accepted.addAll(List.of(round.group(1).split(", ")));
            } while (!event.endsWith("still refused 0"));
            assertThat(accepted).containsExactlyInAnyOrder("1149", "2324");
            assertThat(recordsAtTheServer()).contains(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT),
                    new RfcRecord(2324, "Coffee Pot", PEER_HOST, PEER_PORT));
        }
    }

    @Test
    void withoutReconnectingARefusedAddIsForgottenNotRetried() throws Exception {
        try (Socket hog = AddressBudgetHog.spend(port)) {
            IndexSession session = open(false);

            assertThat(session.add(1149, "Avian Carriers").response().status()).isEqualTo(Status.BAD_REQUEST_400);

            assertThat(session.refused()).isEmpty();
        }
    }

    @Test
    void aServerRefusingConnectionsIsRetriedWithTheReconnectBackoffAndToldOnce() throws Exception {
        try (RefusingFront atItsLimit = new RefusingFront(port, 3)) {
            IndexSession session = IndexSession.open(List.of(new HostAndPort("127.0.0.1", atItsLimit.port())),
                    Optional.of(PEER_HOST), PEER_PORT, true, events, FAST_BACKOFF, FAST_BACKOFF);
            opened.add(session);

            assertThatThrownBy(() -> session.add(1149, "Avian Carriers")).isInstanceOf(IOException.class)
                    .hasMessage("index server 127.0.0.1:" + atItsLimit.port() + ": the index server refused the"
                            + " connection: 400 Bad Request; reconnecting, and RFC 1149 will be registered then");

            assertThat(events.next()).isEqualTo("lost: the index server refused the connection: 400 Bad Request;"
                    + " reconnecting");
            assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + atItsLimit.port() + ": 1 of 1");
            assertThat(atItsLimit.refused()).isEqualTo(3);
            assertThat(events.remaining()).isEmpty(); // the refusals of the second and third were not told again
            assertThat(recordsAtTheServer()).contains(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
        }
    }

    @Test
    void aServerRefusingTheReconnectsAfterALostConnectionIsToldOnce() throws Exception {
        IndexSession session = open(true);
        session.add(1149, "Avian Carriers");
        server.close();
        assertThat(events.next()).startsWith("lost: connection lost: ");
        // Back on its port, but full: its first two connections are refused.
        server = IndexServer.start(config(0));
        try (RefusingFront atItsLimit = new RefusingFront(port, server.port(), 2)) {
            assertThat(events.next()).isEqualTo("connection refused: the index server refused the connection:"
                    + " 400 Bad Request");
            assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + port + ": 1 of 1");
            assertThat(atItsLimit.refused()).isEqualTo(2);
            assertThat(events.remaining()).isEmpty();
        }
    }

    private static final long ADDRESS_BUDGET_BYTES = 1 << 20;

    private IndexSession open(boolean reconnects) throws IOException {
        IndexSession session = IndexSession.open(List.of(new HostAndPort("127.0.0.1", port)),
                Optional.of(PEER_HOST), PEER_PORT, reconnects, events, FAST_BACKOFF, FAST_BACKOFF);
        opened.add(session);
        return session;
    }

    /** Every record at the server, as another peer's LIST sees it. */
    private List<RfcRecord> recordsAtTheServer() throws IOException {
        try (IndexClient observer = IndexClient.connect(new HostAndPort("127.0.0.1", port),
                Optional.of("observer.example"), 1)) {
            return observer.list().response().records();
        }
    }

    /** A server on loopback whose peers at one address may hold 1 MiB of records, so a test can spend it. */
    private static ServerConfig config(int port) {
        return ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(port)
                .withIndexBudget(new IndexBudget(ServerConfig.defaults().indexBudget().maxBytes(), ADDRESS_BUDGET_BYTES));
    }
}
