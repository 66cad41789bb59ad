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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * A hundred peers for ten seconds (some 15,000 connections, half of them ended by a reset), each at random
 * connecting, ADDing, LOOKUPing, closing cleanly or resetting. At the end the index, read from the outside with
 * LIST, holds exactly the records of the peers still connected: none lost, none stale.
 */
class ChurnTest {
    private static final int PEERS = 100;
    private static final Duration CHURN = Duration.ofSeconds(10);
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(20);

    /** One simulated peer: its connection (if any) and the records the server has confirmed for it. */
    private static final class ChurningPeer {
        final String host;
        final int port;
        final Set<String> confirmed = new HashSet<>();
        RawClient connection;

        ChurningPeer(int index) {
            host = "churn-" + index + ".example";
            port = 20_000 + index;
        }
    }

    private final LongAdder connects = new LongAdder();
    private final LongAdder adds = new LongAdder();
    private final LongAdder lookups = new LongAdder();
    private final LongAdder cleanCloses = new LongAdder();
    private final LongAdder resets = new LongAdder();

    @Test
    void indexHoldsExactlyTheLivePeersRecordsAfterChurn() throws Exception {
        try (IndexServer server = IndexServer.start(ServerConfig.defaults()
                .withBindAddress(InetAddress.getLoopbackAddress()).withPort(0))) {
            List<ChurningPeer> peers = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                peers.add(new ChurningPeer(i));
            }
            long stopAt = System.nanoTime() + CHURN.toNanos();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> running = new ArrayList<>();
                for (ChurningPeer peer : peers) {
                    running.add(pool.submit(() -> churn(server.port(), peer, stopAt)));
                }
                for (Future<?> result : running) {
                    result.get();
                }
            }

            Set<String> expected = new HashSet<>();
            int live = 0;
            for (ChurningPeer peer : peers) {
                if (peer.connection != null) {
                    live++;
                    expected.addAll(peer.confirmed);
                }
            }
            try {
                await().atMost(SETTLE_DEADLINE).until(() -> listedRecords(server.port()).equals(expected));
                List<String> listed = listedRecordLines(server.port());
                assertThat(listed).doesNotHaveDuplicates();
                assertThat(new HashSet<>(listed)).isEqualTo(expected);
                System.out.printf("churn: %d s, %d peers: %d connects, %d ADDs, %d LOOKUPs, %d clean closes,"
                                + " %d resets; at the end %d live peers, %d records listed, 0 lost, 0 stale%n",
                        CHURN.toSeconds(), PEERS, connects.sum(), adds.sum(), lookups.sum(), cleanCloses.sum(),
                        resets.sum(), live, listed.size());
            } finally {
                for (ChurningPeer peer : peers) {
                    if (peer.connection != null) {
                        peer.connection.close();
                    }
                }
            }
        }
    }

    private Void churn(int serverPort, ChurningPeer peer, long stopAt) throws IOException {
        SplittableRandom random = new SplittableRandom(peer.port);
        while (System.nanoTime() < stopAt) {
            if (peer.connection == null) {
                peer.connection = new RawClient(serverPort);
                connects.increment();
                continue;
            }
            int dice = random.nextInt(100);
            if (dice < 55) {
                int rfc = 1 + random.nextInt(40);
                String title = "Churn title " + rfc;
                String answer = peer.connection.exchange(add(rfc, peer.host, peer.port, title));
                assertThat(answer).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\nRFC " + rfc + " " + title + " "
                        + peer.host + " " + peer.port + "\r\n\r\n");
                peer.confirmed.add("RFC " + rfc + " " + title + " " + peer.host + " " + peer.port);
                adds.increment();
            } else if (dice < 90) {
                int rfc = 1 + random.nextInt(40);
                String answer = peer.connection.exchange(lookup(rfc, peer.host, peer.port));
                String own = "RFC " + rfc + " Churn title " + rfc + " " + peer.host + " " + peer.port;
                if (peer.confirmed.contains(own)) {
                    assertThat(answer).contains(own + "\r\n");
                }
                lookups.increment();
            } else if (dice < 95) {
                peer.connection.close();
                forget(peer);
                cleanCloses.increment();
            } else {
                peer.connection.reset();
                forget(peer);
                resets.increment();
            }
        }
        return null;
    }

    private static void forget(ChurningPeer peer) {
        peer.connection = null;
        peer.confirmed.clear();
    }

    private static Set<String> listedRecords(int port) throws IOException {
        return new HashSet<>(listedRecordLines(port));
    }

    private static List<String> listedRecordLines(int port) throws IOException {
        try (RawClient observer = new RawClient(port)) {
            String listing = observer.exchange(list("observer.example", 1));
            return Arrays.stream(listing.split("\r\n")).filter(line -> line.startsWith("RFC ")).toList();
        }
    }
}
