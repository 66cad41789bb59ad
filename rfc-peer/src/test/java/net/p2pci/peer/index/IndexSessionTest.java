package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A peer's registration across a restart of the real index server on the same loopback port. */
final class IndexSessionTest {
    /** A reconnect takes a quarter second at first; this is room for a loaded two-core machine. */
    private static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);
    private static final String PEER_HOST = "peer-a.example";
    private static final int PEER_PORT = 5678;

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
        IndexSession session = IndexSession.open(new HostAndPort("127.0.0.1", port), Optional.of(PEER_HOST),
                PEER_PORT, true, events, new ReconnectBackoff(Duration.ofMinutes(10), Duration.ofMinutes(10)));
        opened.add(session);
        server.close();
        assertThat(events.next()).startsWith("lost: ");

        assertTimeoutPreemptively(Duration.ofSeconds(10), session::close);

        assertThat(session.watchesConnection()).isFalse();
        assertThat(events.remaining()).isEmpty();
    }

    private IndexSession open(boolean reconnects) throws IOException {
        IndexSession session = IndexSession.open(new HostAndPort("127.0.0.1", port), Optional.of(PEER_HOST),
                PEER_PORT, reconnects, events);
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

    private static ServerConfig config(int port) {
        return ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(port);
    }

    /** The session's events as short strings, in order. */
    private static final class RecordedEvents implements IndexSession.Listener {
        private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

        @Override
        public void connectionLost(String reason, boolean reconnecting) {
            events.add("lost: " + reason + (reconnecting ? "; reconnecting" : ""));
        }

        @Override
        public void reconnected(HostAndPort server, int registered, int total) {
            events.add("reconnected to " + server + ": " + registered + " of " + total);
        }

        @Override
        public void registrationRefused(int rfcNumber, Status status) {
            events.add("refused RFC " + rfcNumber + ": " + status);
        }

        String next() throws InterruptedException {
            String event = events.poll(EVENT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(event).as("an event within " + EVENT_DEADLINE).isNotNull();
            return event;
        }

        List<String> remaining() {
            return List.copyOf(events);
        }
    }
}
