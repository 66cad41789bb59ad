package net.p2pci.server;

import static net.p2pci.server.Requests.add;
import static net.p2pci.server.Requests.list;
import static net.p2pci.server.Requests.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The index server over real loopback sockets, checked byte for byte against PROTOCOL.md. */
class IndexServerSocketTest {
    private static final String HTTP_11 = "Hypertext Transfer Protocol -- HTTP/1.1";
    private static final Duration DEPARTURE_DEADLINE = Duration.ofSeconds(10);

    private IndexServer server;
    private final List<RawClient> clients = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0));
    }

    @AfterEach
    void stopServer() throws IOException {
        for (RawClient client : clients) {
            client.close();
        }
        server.close();
    }

    private RawClient connect() throws IOException {
        RawClient client = new RawClient(server.port());
        clients.add(client);
        return client;
    }

    private String listAll() throws IOException {
        try (RawClient observer = new RawClient(server.port())) {
            return observer.exchange(list("observer.example", 1));
        }
    }

    @Test
    void addEchoesTheRecordExactly() throws IOException {
        RawClient peerA = connect();

        assertThat(peerA.exchange(add(2616, "peer-a.example", 5678, HTTP_11))).isEqualTo(
                "P2P-CI/1.0 200 OK\r\n\r\nRFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678\r\n\r\n");
    }

    @Test
    void lookupAnswersEveryHolderExactly() throws IOException {
        connect().exchange(add(2616, "peer-a.example", 5678, HTTP_11));
        connect().exchange(add(2616, "peer-c.example", 7000, HTTP_11));
        RawClient peerB = connect();

        String answer = peerB.exchange("LOOKUP RFC 2616 P2P-CI/1.0\r\nHost: peer-b.example\r\nPort: 6789\r\n"
                + "Title: " + HTTP_11 + "\r\n\r\n");

        assertThat(answer).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\n"
                + "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678\r\n"
                + "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-c.example 7000\r\n\r\n");
    }

    @Test
    void lookupOfAnRfcNobodyHoldsIsNotFoundWithTheFinalEmptyLine() throws IOException {
        assertThat(connect().exchange(lookup(9999, "peer-b.example", 6789)))
                .isEqualTo("P2P-CI/1.0 404 Not Found\r\n\r\n\r\n");
    }

    @Test
    void listAnswersEveryRecordInRegistrationOrderExactly() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(2616, "peer-a.example", 5678, HTTP_11));
        peerA.exchange(add(791, "peer-a.example", 5678, "Internet Protocol"));
        RawClient peerB = connect();
        peerB.exchange(add(9110, "peer-b.example", 6789, "HTTP Semantics — ünïcødé"));

        assertThat(peerB.exchange(list("peer-b.example", 6789))).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\n"
                + "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678\r\n"
                + "RFC 791 Internet Protocol peer-a.example 5678\r\n"
                + "RFC 9110 HTTP Semantics — ünïcødé peer-b.example 6789\r\n\r\n");
    }

    @Test
    void listOfAnEmptyIndexIsOkWithNoRecords() throws IOException {
        assertThat(connect().exchange(list("peer-b.example", 6789))).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\n\r\n");
    }

    @Test
    void repeatedAddOfTheSameRfcLeavesOneRecordWithTheNewerTitle() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(1, "peer-a.example", 5678, "Host Software"));
        peerA.exchange(add(1, "peer-a.example", 5678, "Host Software, revised"));

        assertThat(peerA.exchange(lookup(1, "peer-a.example", 5678)))
                .isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC 1 Host Software, revised peer-a.example 5678\r\n\r\n");
    }

    @Test
    void badRequestAndWrongVersionLeaveTheConnectionUsableAndTheIndexUnchanged() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(2616, "peer-a.example", 5678, HTTP_11));
        String before = listAll();

        assertThat(peerA.exchange("ADD RFC two P2P-CI/1.0\r\nHost: peer-a.example\r\nPort: 5678\r\nTitle: x\r\n\r\n"))
                .isEqualTo("P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n");
        assertThat(peerA.exchange("ADD RFC 3 P2P-CI/2.0\r\nHost: peer-a.example\r\nPort: 5678\r\nTitle: x\r\n\r\n"))
                .isEqualTo("P2P-CI/1.0 505 P2P-CI Version Not Supported\r\n\r\n\r\n");
        assertThat(peerA.exchange("ADD RFC 4 P2P-CI/1.0\r\nHost: peer-a.example\r\nPort: 5678\r\n\r\n"))
                .isEqualTo("P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n");

        assertThat(listAll()).isEqualTo(before);
        assertThat(peerA.exchange(lookup(2616, "peer-a.example", 5678))).startsWith("P2P-CI/1.0 200 OK\r\n");
    }

    @Test
    void getSentToTheIndexIsABadRequest() throws IOException {
        assertThat(connect().exchange("GET RFC 1 P2P-CI/1.0\r\nHost: x\r\nOS: Linux\r\n\r\n"))
                .isEqualTo("P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n");
    }

    @Test
    void pipelinedRequestsInOneWriteAreAnsweredInOrder() throws IOException {
        RawClient peerA = connect();

        peerA.send(add(2616, "peer-a.example", 5678, HTTP_11) + lookup(2616, "peer-a.example", 5678)
                + lookup(1, "peer-a.example", 5678));

        String echo = "P2P-CI/1.0 200 OK\r\n\r\nRFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678\r\n\r\n";
        assertThat(peerA.readResponse()).isEqualTo(echo);
        assertThat(peerA.readResponse()).isEqualTo(echo);
        assertThat(peerA.readResponse()).isEqualTo("P2P-CI/1.0 404 Not Found\r\n\r\n\r\n");
    }

    @Test
    void bareLineFeedsAreAccepted() throws IOException {
        assertThat(connect().exchange("ADD RFC 1 P2P-CI/1.0\nHost: lf.example\nPort: 1\nTitle: Host Software\n\n"))
                .isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC 1 Host Software lf.example 1\r\n\r\n");
    }

    @Test
    void listBeforeAnyAddRegistersThePeer() throws IOException {
        RawClient peer = connect();
        peer.exchange(list("early.example", 4242));
        peer.exchange(add(5, "early.example", 4242, "Five"));

        assertThat(listAll()).contains("RFC 5 Five early.example 4242\r\n");
        // The observer behind listAll() registered too; once it has gone, only the early peer remains.
        await().atMost(DEPARTURE_DEADLINE).until(() -> server.store().peerCount() == 1);
    }

    @Test
    void twoHundredConcurrentPeersAddingTwentyEachGiveFourThousandRecords() throws Exception {
        int peers = 200;
        int rfcsEach = 20;
        CountDownLatch allConnected = new CountDownLatch(peers);
        CountDownLatch listed = new CountDownLatch(1);
        List<Future<?>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int p = 0; p < peers; p++) {
                int peerPort = 10_000 + p;
                results.add(pool.submit(() -> {
                    try (RawClient peer = new RawClient(server.port())) {
                        allConnected.countDown();
                        allConnected.await();
                        for (int rfc = 1; rfc <= rfcsEach; rfc++) {
                            String echo = peer.exchange(add(rfc, "127.0.0.1", peerPort, "RFC number " + rfc));
                            assertThat(echo).startsWith("P2P-CI/1.0 200 OK\r\n");
                        }
                        listed.await(); // stay registered until the LIST below has been answered
                    }
                    return null;
                }));
            }
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> server.store().listAll().size() == peers * rfcsEach);
                String listing = listAll();
                assertThat(listing.split("\r\n")).hasSize(2 + peers * rfcsEach)
                        .filteredOn(line -> line.startsWith("RFC ")).hasSize(peers * rfcsEach).doesNotHaveDuplicates();
            } finally {
                listed.countDown();
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
    }

    @Test
    void peerThatClosesCleanlyLosesEveryRecord() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(1, "peer-a.example", 5678, "Host Software"));
        peerA.exchange(add(2, "peer-a.example", 5678, "Two"));
        RawClient peerB = connect();
        peerB.exchange(add(3, "peer-b.example", 6789, "Three"));

        peerA.close();

        await().atMost(DEPARTURE_DEADLINE).until(() -> !listAll().contains("peer-a.example"));
        assertThat(listAll()).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC 3 Three peer-b.example 6789\r\n\r\n");
    }

    @Test
    void peerWhoseConnectionIsResetLosesEveryRecord() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(1, "peer-a.example", 5678, "Host Software"));
        peerA.exchange(add(2, "peer-a.example", 5678, "Two"));

        peerA.reset();

        await().atMost(DEPARTURE_DEADLINE).until(() -> listAll().equals("P2P-CI/1.0 200 OK\r\n\r\n\r\n"));
        await().atMost(DEPARTURE_DEADLINE).until(() -> server.store().peerCount() == 0);
    }

    @Test
    void peerThatLeavesMidRequestLosesEveryRecord() throws IOException {
        RawClient peerA = connect();
        peerA.exchange(add(1, "peer-a.example", 5678, "Host Software"));

        peerA.send("ADD RFC 2 P2P-CI/1.0\r\nHost: peer-a.exa");
        peerA.close();

        await().atMost(DEPARTURE_DEADLINE).until(() -> listAll().equals("P2P-CI/1.0 200 OK\r\n\r\n\r\n"));
    }

    @Test
    void aSecondConnectionClaimingTheSameHostAndPortDisplacesNothingAndTheFirstsRecordsGoWhenItCloses()
            throws IOException {
        RawClient first = connect();
        first.exchange(add(1, "peer-a.example", 5678, "Host Software"));
        first.exchange(add(2, "peer-a.example", 5678, "Two"));

        RawClient second = connect();
        second.exchange(add(1, "peer-a.example", 5678, "Host Software"));

        // Neither claim displaces the other: the first keeps its records and its connection.
        assertThat(second.exchange(lookup(1, "peer-a.example", 5678))).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\n"
                + "RFC 1 Host Software peer-a.example 5678\r\nRFC 1 Host Software peer-a.example 5678\r\n\r\n");
        assertThat(first.exchange(lookup(2, "peer-a.example", 5678))).startsWith("P2P-CI/1.0 200 OK");

        first.close();

        await().atMost(DEPARTURE_DEADLINE).until(() -> listAll().equals(
                "P2P-CI/1.0 200 OK\r\n\r\nRFC 1 Host Software peer-a.example 5678\r\n\r\n"));
        // The observers that listed the index leave too, a moment after their connections close.
        await().atMost(DEPARTURE_DEADLINE).until(() -> server.store().peerCount() == 1);
    }

    @Test
    void unicodeTitlesAreStoredAndReturnedUnchanged() throws IOException {
        String title = "Ωμέγα — 日本語 😀 test";
        RawClient peer = connect();

        assertThat(peer.exchange(add(42, "u.example", 1, title)))
                .isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC 42 " + title + " u.example 1\r\n\r\n");
    }
}
