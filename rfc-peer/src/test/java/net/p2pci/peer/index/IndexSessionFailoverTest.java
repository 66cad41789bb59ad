package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A session given several index servers, each a real server on loopback with an index of its own: which one it
 * connects to at start-up, and how it moves from one to another when it loses its connection.
 */
final class IndexSessionFailoverTest {
    private static final String PEER_HOST = "peer-a.example";
    private static final int PEER_PORT = 5678;
    /** Waits of a few milliseconds, so that a move takes no longer than the move itself. */
    private static final ReconnectBackoff FAST_BACKOFF = new ReconnectBackoff(Duration.ofMillis(20),
            Duration.ofMillis(200));

    private IndexServer first;
    private IndexServer second;
    private int firstPort;
    private int secondPort;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final RecordedEvents events = new RecordedEvents();

    @BeforeEach
    void startTwoServers() throws IOException {
        first = IndexServer.start(config(0));
        second = IndexServer.start(config(0));
        firstPort = first.port();
        secondPort = second.port();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable closeable : opened) {
            closeable.close();
        }
        first.close();
        second.close();
    }

    @Test
    void atStartTheFirstListedServerIsTheOneConnectedTo() throws Exception {
        IndexSession session = open(true, firstPort, secondPort);
        session.add(1149, "Avian Carriers");

        assertThat(session.server()).isEqualTo(address(firstPort));
        assertThat(session.unreachableAtStart()).isEmpty();
        assertThat(recordsAt(firstPort)).containsExactly(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
        assertThat(recordsAt(secondPort)).isEmpty();
    }

    @Test
    void aLostConnectionMovesToTheNextListedServerWhereEveryRfcIsRegisteredAgainToldInOneEvent() throws Exception {
        IndexSession session = open(true, firstPort, secondPort);
        session.add(1149, "Avian Carriers");
        session.add(2324, "Coffee Pot");

        first.close();

        assertThat(events.next()).matches("moved to 127\\.0\\.0\\.1:" + secondPort + " from 127\\.0\\.0\\.1:"
                + firstPort + " \\(connection lost: .+\\): 2 of 2");
        assertThat(events.remaining()).isEmpty();
        assertThat(session.server()).isEqualTo(address(secondPort));
        assertThat(recordsAt(secondPort)).containsExactlyInAnyOrder(
                new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT),
                new RfcRecord(2324, "Coffee Pot", PEER_HOST, PEER_PORT));
    }

    @Test
    void aPeerWithNoRfcIsRegisteredAtTheServerItMovesTo() throws Exception {
        IndexSession session = open(true, firstPort, secondPort);
        session.announce();

        first.close();

        assertThat(events.next()).startsWith("moved to 127.0.0.1:" + secondPort).endsWith(": 0 of 0");
        assertThat(second.store().peerCount()).isEqualTo(1);
    }

    @Test
    void theLastListedServerLostMovesBackToTheFirstRoundTheList() throws Exception {
        IndexSession session = open(true, firstPort, secondPort);
        session.add(1149, "Avian Carriers");
        first.close();
        assertThat(events.next()).startsWith("moved to 127.0.0.1:" + secondPort + " from 127.0.0.1:" + firstPort);
        first = IndexServer.start(config(firstPort));

        second.close();

        assertThat(events.next()).startsWith("moved to 127.0.0.1:" + firstPort + " from 127.0.0.1:" + secondPort)
                .endsWith(": 1 of 1");
        assertThat(recordsAt(firstPort)).containsExactly(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
    }

    @Test
    void whenNoListedServerCanBeReachedTheLossIsToldOnceAndTheFirstBackIsReconnectedTo() throws Exception {
        IndexSession session = open(true, firstPort, secondPort);
        session.add(1149, "Avian Carriers");
        second.close();

        first.close();

        assertThat(events.next()).matches("lost 127\\.0\\.0\\.1:" + firstPort + " \\(connection lost: .+\\), none of 2"
                + " reachable");
        assertThatThrownBy(session::list).isInstanceOf(IOException.class).hasMessageEndingWith("; reconnecting");
        second = IndexServer.start(config(secondPort));
        assertThat(events.next()).isEqualTo("reconnected to 127.0.0.1:" + secondPort + ": 1 of 1");
        assertThat(events.remaining()).isEmpty();
        assertThat(recordsAt(secondPort)).containsExactly(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
    }

    @Test
    void aServerThatCannotBeReachedAtStartIsPassedOverForTheNextAndKeptWithItsReason() throws Exception {
        int closedPort = closedPort();

        IndexSession session = open(true, closedPort, secondPort);
        session.add(1149, "Avian Carriers");

        assertThat(session.server()).isEqualTo(address(secondPort));
        assertThat(session.unreachableAtStart()).singleElement().hasToString("127.0.0.1:" + closedPort
                + " (Connection refused)");
        assertThat(recordsAt(secondPort)).containsExactly(new RfcRecord(1149, "Avian Carriers", PEER_HOST, PEER_PORT));
    }

    @Test
    void whenNoListedServerCanBeReachedAtStartTheErrorNamesEachWithWhyItFailed() throws Exception {
        int closedPort = closedPort();
        int unknownPort = closedPort();

        assertThatThrownBy(() -> IndexSession.open(List.of(address(closedPort),
                new HostAndPort("no-such-host.invalid", unknownPort)), Optional.of(PEER_HOST), PEER_PORT, true,
                events, FAST_BACKOFF, FAST_BACKOFF))
                .isInstanceOf(UnreachableIndexException.class)
                .hasMessage("cannot connect to any of the 2 index servers: 127.0.0.1:" + closedPort
                        + " (Connection refused), no-such-host.invalid:" + unknownPort + " (unknown host)");
    }

    @Test
    void oneServerThatCannotBeReachedAtStartIsTheErrorItAlwaysWas() throws Exception {
        int closedPort = closedPort();

        assertThatThrownBy(() -> open(true, closedPort))
                .isInstanceOf(UnreachableIndexException.class)
                .hasMessage("cannot connect to the index server 127.0.0.1:" + closedPort + ": Connection refused");
    }

    @Test
    void withoutReconnectingALostConnectionStaysLostThoughAnotherServerIsUp() throws Exception {
        IndexSession session = open(false, firstPort, secondPort);
        session.add(1149, "Avian Carriers");

        first.close();

        assertThat(events.next()).startsWith("lost: connection lost: ").doesNotContain("reconnecting");
        assertThat(session.watchesConnection()).isFalse();
        assertThat(session.isConnected()).isFalse();
        assertThat(recordsAt(secondPort)).isEmpty();
        assertThat(events.remaining()).isEmpty();
    }

    private IndexSession open(boolean reconnects, int... ports) throws IOException {
        List<HostAndPort> servers = new ArrayList<>();
        for (int port : ports) {
            servers.add(address(port));
        }
        IndexSession session = IndexSession.open(servers, Optional.of(PEER_HOST), PEER_PORT, reconnects, events,
                FAST_BACKOFF, FAST_BACKOFF);
        opened.add(session);
        return session;
    }

    private static HostAndPort address(int port) {
        return new HostAndPort("127.0.0.1", port);
    }

    /** Every record at the server on {@code port}, as another peer's LIST sees it. */
    private static List<RfcRecord> recordsAt(int port) throws IOException {
        try (IndexClient observer = IndexClient.connect(address(port), Optional.of("observer.example"), 1)) {
            return observer.list().response().records();
        }
    }

    /** A loopback port nothing listens on: one the system gave out and that was closed again at once. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static ServerConfig config(int port) {
        return ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(port);
    }
}
