package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import net.p2pci.protocol.RfcRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The index store on a real H2 database, a fresh one for each test. */
class IndexStoreTest {
    private static final int MANY = 1000;

    private IndexStore store = IndexStore.open(ServerConfig.newInMemoryDatabaseUrl());

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void recordsAreListedWithTheirPeerInRegistrationOrder() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");
        store.registerPeer(2, "b.example", 6789, "127.0.0.2");
        store.addRecord(1, 2616, "HTTP/1.1", MANY);
        store.addRecord(2, 791, "Internet Protocol", MANY);
        store.addRecord(1, 791, "Internet Protocol", MANY);

        assertThat(store.listAll()).containsExactly(
                new RfcRecord(2616, "HTTP/1.1", "a.example", 5678),
                new RfcRecord(791, "Internet Protocol", "b.example", 6789),
                new RfcRecord(791, "Internet Protocol", "a.example", 5678));
        assertThat(store.lookup(791)).extracting(RfcRecord::host).containsExactly("b.example", "a.example");
        assertThat(store.lookup(1)).isEmpty();
    }

    @Test
    void removingAPeerRemovesAllItsRecordsAndSaysHowMany() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");
        store.registerPeer(2, "b.example", 6789, "127.0.0.1");
        store.addRecord(1, 1, "One", MANY);
        store.addRecord(1, 2, "Two", MANY);
        store.addRecord(2, 1, "One", MANY);

        assertThat(store.removePeer(1)).contains(2);
        assertThat(store.removePeer(1)).isEmpty();
        assertThat(store.listAll()).containsExactly(new RfcRecord(1, "One", "b.example", 6789));
        assertThat(store.peerCount()).isEqualTo(1);
    }

    @Test
    void aSecondClaimOfAHostAndPortFromTheSameAddressDisplacesNothingAndNamesTheFirst() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");
        store.addRecord(1, 1, "One", MANY);

        IndexStore.Registration registration = store.registerPeer(2, "a.example", 5678, "127.0.0.1");
        store.addRecord(2, 1, "Impostor", MANY);

        assertThat(registration).isEqualTo(new IndexStore.Registration(List.of(1L)));
        assertThat(store.lookup(1)).containsExactly(new RfcRecord(1, "One", "a.example", 5678),
                new RfcRecord(1, "Impostor", "a.example", 5678));
        assertThat(store.addRecord(1, 2, "Two", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
    }

    @Test
    void whenOneOfTwoClaimsOfAnEndpointGoesOnlyItsOwnRecordsGo() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");
        store.addRecord(1, 1, "One", MANY);
        store.registerPeer(2, "a.example", 5678, "127.0.0.2");
        store.addRecord(2, 1, "One", MANY);
        store.addRecord(2, 2, "Two", MANY);

        assertThat(store.removePeer(2)).contains(2);

        assertThat(store.listAll()).containsExactly(new RfcRecord(1, "One", "a.example", 5678));
        assertThat(store.lookup(1)).isEqualTo(store.lookupInDatabase(1)).hasSize(1);
        assertThat(store.registerPeer(3, "a.example", 5678, "127.0.0.2").otherClaims()).containsExactly(1L);
    }

    @Test
    void recordsPerPeerStopAtTheLimitWhileReAddsStillUpdate() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");

        assertThat(store.addRecord(1, 1, "One", 2)).isEqualTo(IndexStore.AddOutcome.ADDED);
        assertThat(store.addRecord(1, 2, "Two", 2)).isEqualTo(IndexStore.AddOutcome.ADDED);
        assertThat(store.addRecord(1, 3, "Three", 2)).isEqualTo(IndexStore.AddOutcome.PEER_FULL);
        assertThat(store.addRecord(1, 2, "Two, renamed", 2)).isEqualTo(IndexStore.AddOutcome.ADDED);

        assertThat(store.listAll()).containsExactly(new RfcRecord(1, "One", "a.example", 5678),
                new RfcRecord(2, "Two, renamed", "a.example", 5678));
    }

    @Test
    void addsPastTheMemoryBudgetAreRefusedPerAddressAndInAllAndAllowedAgainOnceMemoryIsFreed() {
        long record = IndexBudget.recordBytes("T");
        try (IndexStore small = IndexStore.open(ServerConfig.newInMemoryDatabaseUrl(),
                new IndexBudget(5 * record, 3 * record))) {
            small.registerPeer(1, "a.example", 1, "127.0.0.1");
            small.registerPeer(2, "b.example", 1, "127.0.0.1");
            small.registerPeer(3, "c.example", 1, "127.0.0.2");
            assertThat(small.addRecord(1, 1, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
            assertThat(small.addRecord(1, 2, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
            assertThat(small.addRecord(2, 1, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);

            // At the address's limit: one more from that address is refused, one from another address is not.
            assertThat(small.addRecord(2, 2, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDRESS_FULL);
            assertThat(small.addRecord(3, 1, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
            assertThat(small.addRecord(3, 2, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
            // At the index's limit: refused from every address; a longer title for a held RFC too.
            assertThat(small.addRecord(3, 3, "T", MANY)).isEqualTo(IndexStore.AddOutcome.INDEX_FULL);
            assertThat(small.addRecord(3, 2, "A longer title", MANY)).isEqualTo(IndexStore.AddOutcome.INDEX_FULL);
            assertThat(small.listAll()).hasSize(5);

            small.removePeer(1);

            assertThat(small.addRecord(2, 2, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
            assertThat(small.addRecord(3, 3, "T", MANY)).isEqualTo(IndexStore.AddOutcome.ADDED);
        }
    }

    @Test
    void titlesUseBoundParametersSoQuotesAreJustText() {
        store.registerPeer(1, "a.example", 5678, "127.0.0.1");
        String hostile = "x'); DROP TABLE peer; --";

        store.addRecord(1, 1, hostile, MANY);

        assertThat(store.lookup(1)).containsExactly(new RfcRecord(1, hostile, "a.example", 5678));
    }

    @Test
    void aFileDatabaseStartsEmptyAtEveryStart(@TempDir Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("index");
        try (IndexStore first = IndexStore.open(url)) {
            first.registerPeer(1, "a.example", 5678, "127.0.0.1");
            first.addRecord(1, 1, "One", MANY);
            assertThat(first.listAll()).hasSize(1);
        }

        try (IndexStore second = IndexStore.open(url)) {
            assertThat(second.listAll()).isEmpty();
            assertThat(second.peerCount()).isZero();
        }
    }
}
