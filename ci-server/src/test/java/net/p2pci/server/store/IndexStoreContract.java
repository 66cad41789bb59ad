package net.p2pci.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.index.IndexBudget;
import net.p2pci.server.index.IndexRules;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link IndexStore} must do, whichever database holds the index: each implementation's test extends
 * this with a fresh, real database per test.
 */
public abstract class IndexStoreContract {
    private static final int MANY = 1000;

    protected IndexStore store;

    /** A new store over an empty database of its own, holding ADDs to {@code policy}. */
    protected abstract IndexStore openStore(AddPolicy policy);

    /** The instance the store's peers are shown under: its name in a shared store, none in the embedded one. */
    protected Optional<String> expectedInstance() {
        return Optional.empty();
    }

    @BeforeEach
    void openDefaultStore() {
        store = openStore(new IndexRules(MANY, new IndexBudget(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4)));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private long register(String host, int port, String sourceAddress) {
        return store.registerPeer(host, port, sourceAddress).peerId();
    }

    @Test
    void peersAreShownOldestFirstWithTheirRecordCountsAndInstance() {
        Instant before = Instant.now().minusSeconds(60); // the database's clock may differ a little from this one's
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.2");
        long c = register("c.example", 7890, "127.0.0.3");
        store.addRecord(a, 2616, "HTTP/1.1");
        store.addRecord(a, 791, "Internet Protocol");
        store.addRecord(c, 791, "Internet Protocol");
        store.addRecord(a, 791, "Internet Protocol, again"); // a new title, not a new record

        List<PeerView> peers = store.peers(10);

        assertThat(peers).extracting(PeerView::id, PeerView::host, PeerView::port, PeerView::sourceAddress,
                PeerView::records, PeerView::instance).containsExactly(
                tuple(a, "a.example", 5678, "127.0.0.1", 2, expectedInstance()),
                tuple(b, "b.example", 6789, "127.0.0.2", 0, expectedInstance()),
                tuple(c, "c.example", 7890, "127.0.0.3", 1, expectedInstance()));
        assertThat(peers).allSatisfy(peer -> assertThat(peer.since()).isBetween(before, Instant.now().plusSeconds(60)));
        assertThat(store.recordCount()).isEqualTo(3);
        assertThat(store.peers(2)).extracting(PeerView::id).containsExactly(a, b);

        store.removePeer(a);
        assertThat(store.peers(10)).extracting(PeerView::id).containsExactly(b, c);
        assertThat(store.recordCount()).isEqualTo(1);
    }

    @Test
    void searchFindsTitlesWithEveryWordInAnyCaseByNumberThenRegistration() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.2");
        store.addRecord(a, 793, "Transmission Control Protocol");
        store.addRecord(a, 791, "Internet Protocol");
        store.addRecord(b, 793, "TRANSMISSION control protocol (TCP)");
        store.addRecord(b, 9293, "Transmission Control Protocol (TCP)");
        store.addRecord(b, 2616, "Hypertext Transfer Protocol -- HTTP/1.1");

        assertThat(store.search(List.of("control", "transmission"), 10).records()).containsExactly(
                new RfcRecord(793, "Transmission Control Protocol", "a.example", 5678),
                new RfcRecord(793, "TRANSMISSION control protocol (TCP)", "b.example", 6789),
                new RfcRecord(9293, "Transmission Control Protocol (TCP)", "b.example", 6789));
        assertThat(store.search(List.of("tcp"), 10).records()).extracting(RfcRecord::number)
                .containsExactly(793, 9293);
        assertThat(store.search(List.of("http", "1"), 10).records()).extracting(RfcRecord::number)
                .containsExactly(2616);
        assertThat(store.search(List.of("protocol", "nowhere"), 10).records()).isEmpty();
        assertThat(store.search(List.of("contr"), 10).records()).as("whole words only").isEmpty();
    }

    @Test
    void searchStopsAtItsLimitAndSaysSo() {
        long a = register("a.example", 5678, "127.0.0.1");
        for (int number = 1; number <= 5; number++) {
            store.addRecord(a, number, "Request for Comments " + number);
        }

        SearchHits cut = store.search(List.of("comments"), 3);
        SearchHits whole = store.search(List.of("comments"), 5);

        assertThat(cut.records()).extracting(RfcRecord::number).containsExactly(1, 2, 3);
        assertThat(cut.truncated()).isTrue();
        assertThat(whole.records()).hasSize(5);
        assertThat(whole.truncated()).isFalse();
    }

    @Test
    void searchFollowsNewTitlesWithdrawalsAndDepartures() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.2");
        store.addRecord(a, 791, "Internet Protocol");
        store.addRecord(b, 791, "Internet Protocol");
        store.addRecord(a, 791, "Darpa Internet Program");

        assertThat(store.search(List.of("protocol"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("b.example");
        assertThat(store.search(List.of("darpa"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("a.example");
        store.withdrawRecord(b, 791);
        assertThat(store.search(List.of("protocol"), 10).records()).isEmpty();
        store.removePeer(a);
        assertThat(store.search(List.of("darpa"), 10).records()).isEmpty();
    }

    @Test
    void searchKeepsAWordWhileAnotherHolderOfTheRfcHasItInItsTitle() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.2");
        long c = register("c.example", 7890, "127.0.0.3");
        store.addRecord(a, 791, "Internet Protocol");
        store.addRecord(b, 791, "Internet Protocol");
        store.addRecord(c, 791, "Darpa Internet Program");

        store.removePeer(a);
        assertThat(store.search(List.of("protocol"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("b.example");
        store.addRecord(b, 791, "Internet Protocol Specification"); // a new title sharing two words
        assertThat(store.search(List.of("internet", "protocol"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("b.example");
        store.withdrawRecord(b, 791);
        assertThat(store.search(List.of("protocol"), 10).records()).isEmpty();
        assertThat(store.search(List.of("specification"), 10).records()).isEmpty();
        assertThat(store.search(List.of("internet"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("c.example");
        long again = register("a.example", 5678, "127.0.0.1");
        store.addRecord(again, 791, "Darpa Internet Program");
        store.removePeer(c);
        assertThat(store.search(List.of("darpa", "program"), 10).records()).extracting(RfcRecord::host)
                .containsExactly("a.example");
    }

    @Test
    void withdrawRemovesOnlyThePeersOwnRecord() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("a.example", 5678, "127.0.0.1"); // the same claim on another connection
        store.addRecord(a, 2616, "HTTP/1.1");
        store.addRecord(b, 2616, "HTTP/1.1");
        store.addRecord(a, 791, "Internet Protocol");

        assertThat(store.withdrawRecord(a, 2616)).contains(new RfcRecord(2616, "HTTP/1.1", "a.example", 5678));
        assertThat(store.withdrawRecord(a, 2616)).isEmpty();
        assertThat(store.withdrawRecord(a, 1)).isEmpty();

        assertThat(store.lookup(2616)).hasSize(1);
        assertThat(store.listAll()).extracting(RfcRecord::number).containsExactly(2616, 791);
        assertThat(store.peers(10)).extracting(PeerView::records).containsExactly(1, 1);
        assertThat(store.removePeer(a)).contains(1);
        assertThat(store.listAll()).extracting(RfcRecord::number).containsExactly(2616);
        assertThatThrownBy(() -> store.withdrawRecord(a, 791)).isInstanceOf(PeerGoneException.class);
    }

    @Test
    void recordsAreListedWithTheirPeerInRegistrationOrder() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.2");
        store.addRecord(a, 2616, "HTTP/1.1");
        store.addRecord(b, 791, "Internet Protocol");
        store.addRecord(a, 791, "Internet Protocol");

        assertThat(store.listAll()).containsExactly(
                new RfcRecord(2616, "HTTP/1.1", "a.example", 5678),
                new RfcRecord(791, "Internet Protocol", "b.example", 6789),
                new RfcRecord(791, "Internet Protocol", "a.example", 5678));
        assertThat(store.lookup(791)).extracting(RfcRecord::host).containsExactly("b.example", "a.example");
        assertThat(store.lookup(1)).isEmpty();
    }

    @Test
    void eachRegistrationGetsAnIdOfItsOwn() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("a.example", 5678, "127.0.0.1");

        assertThat(a).isNotEqualTo(b);
        assertThat(store.peerCount()).isEqualTo(2);
    }

    @Test
    void removingAPeerRemovesAllItsRecordsAndSaysHowMany() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 6789, "127.0.0.1");
        store.addRecord(a, 1, "One");
        store.addRecord(a, 2, "Two");
        store.addRecord(b, 1, "One");

        assertThat(store.removePeer(a)).contains(2);
        assertThat(store.removePeer(a)).isEmpty();
        assertThat(store.listAll()).containsExactly(new RfcRecord(1, "One", "b.example", 6789));
        assertThat(store.lookup(2)).isEmpty();
        assertThat(store.peerCount()).isEqualTo(1);
    }

    @Test
    void anAddForAPeerThatIsGoneFailsAndAddsNothing() {
        long a = register("a.example", 5678, "127.0.0.1");
        store.removePeer(a);

        assertThatThrownBy(() -> store.addRecord(a, 1, "One")).isInstanceOf(PeerGoneException.class);
        assertThat(store.listAll()).isEmpty();
    }

    @Test
    void aSecondClaimOfAHostAndPortDisplacesNothingAndNamesTheFirst() {
        long first = register("a.example", 5678, "127.0.0.1");
        store.addRecord(first, 1, "One");

        IndexStore.Registration second = store.registerPeer("a.example", 5678, "127.0.0.1");
        store.addRecord(second.peerId(), 1, "Impostor");

        assertThat(second.otherClaims()).containsExactly(first);
        assertThat(store.lookup(1)).containsExactly(new RfcRecord(1, "One", "a.example", 5678),
                new RfcRecord(1, "Impostor", "a.example", 5678));
        assertThat(store.addRecord(first, 2, "Two")).isEqualTo(AddOutcome.ADDED);
    }

    @Test
    void whenOneOfTwoClaimsOfAnEndpointGoesOnlyItsOwnRecordsGo() {
        long first = register("a.example", 5678, "127.0.0.1");
        store.addRecord(first, 1, "One");
        long second = register("a.example", 5678, "127.0.0.2");
        store.addRecord(second, 1, "One");
        store.addRecord(second, 2, "Two");

        assertThat(store.removePeer(second)).contains(2);

        assertThat(store.listAll()).containsExactly(new RfcRecord(1, "One", "a.example", 5678));
        assertThat(store.lookup(1)).hasSize(1);
        assertThat(store.registerPeer("a.example", 5678, "127.0.0.2").otherClaims()).containsExactly(first);
    }

    @Test
    void aRepeatedAddKeepsOneRecordInItsPlaceWithTheNewerTitle() {
        long a = register("a.example", 5678, "127.0.0.1");
        long b = register("b.example", 5678, "127.0.0.1");
        store.addRecord(a, 1, "One");
        store.addRecord(b, 1, "One");

        store.addRecord(a, 1, "One, renamed");

        assertThat(store.lookup(1)).containsExactly(new RfcRecord(1, "One, renamed", "a.example", 5678),
                new RfcRecord(1, "One", "b.example", 5678));
        assertThat(store.listAll()).hasSize(2);
    }

    @Test
    void recordsPerPeerStopAtTheLimitWhileReAddsStillUpdate() {
        try (IndexStore limited = openStore(new IndexRules(2, new IndexBudget(1 << 30, 1 << 30)))) {
            long a = limited.registerPeer("a.example", 5678, "127.0.0.1").peerId();

            assertThat(limited.addRecord(a, 1, "One")).isEqualTo(AddOutcome.ADDED);
            assertThat(limited.addRecord(a, 2, "Two")).isEqualTo(AddOutcome.ADDED);
            assertThat(limited.addRecord(a, 3, "Three")).isEqualTo(AddOutcome.PEER_FULL);
            assertThat(limited.addRecord(a, 2, "Two, renamed")).isEqualTo(AddOutcome.ADDED);

            assertThat(limited.listAll()).containsExactly(new RfcRecord(1, "One", "a.example", 5678),
                    new RfcRecord(2, "Two, renamed", "a.example", 5678));
        }
    }

    @Test
    void addsPastTheMemoryBudgetAreRefusedPerAddressAndInAllAndAllowedAgainOnceMemoryIsFreed() {
        long record = RecordSize.of("T");
        try (IndexStore small = openStore(new IndexRules(MANY, new IndexBudget(5 * record, 3 * record)))) {
            long a = small.registerPeer("a.example", 1, "127.0.0.1").peerId();
            long b = small.registerPeer("b.example", 1, "127.0.0.1").peerId();
            long c = small.registerPeer("c.example", 1, "127.0.0.2").peerId();
            assertThat(small.addRecord(a, 1, "T")).isEqualTo(AddOutcome.ADDED);
            assertThat(small.addRecord(a, 2, "T")).isEqualTo(AddOutcome.ADDED);
            assertThat(small.addRecord(b, 1, "T")).isEqualTo(AddOutcome.ADDED);

            // At the address's limit: one more from that address is refused, one from another address is not.
            assertThat(small.addRecord(b, 2, "T")).isEqualTo(AddOutcome.ADDRESS_FULL);
            assertThat(small.addRecord(c, 1, "T")).isEqualTo(AddOutcome.ADDED);
            assertThat(small.addRecord(c, 2, "T")).isEqualTo(AddOutcome.ADDED);
            // At the index's limit: refused from every address; a longer title for a held RFC too.
            assertThat(small.addRecord(c, 3, "T")).isEqualTo(AddOutcome.INDEX_FULL);
            assertThat(small.addRecord(c, 2, "A longer title")).isEqualTo(AddOutcome.INDEX_FULL);
            assertThat(small.listAll()).hasSize(5);

            small.removePeer(a);

            assertThat(small.addRecord(b, 2, "T")).isEqualTo(AddOutcome.ADDED);
            assertThat(small.addRecord(c, 3, "T")).isEqualTo(AddOutcome.ADDED);
        }
    }

    @Test
    void titlesUseBoundParametersSoQuotesAreJustText() {
        long a = register("a.example", 5678, "127.0.0.1");
        String hostile = "x'); DROP TABLE peer; --";

        store.addRecord(a, 1, hostile);

        assertThat(store.lookup(1)).containsExactly(new RfcRecord(1, hostile, "a.example", 5678));
    }

    @Test
    void aListIsReadInPagesThatJoinUpWithoutGapsOrRepeats() {
        long a = register("a.example", 5678, "127.0.0.1");
        List<RfcRecord> added = new ArrayList<>();
        for (int number = 1; number <= 25; number++) {
            store.addRecord(a, number, "RFC " + number);
            added.add(new RfcRecord(number, "RFC " + number, "a.example", 5678));
        }

        List<RfcRecord> paged = new ArrayList<>();
        RecordPage page = store.listPage(RecordPage.Cursor.START, 10);
        paged.addAll(page.records());
        while (page.hasMore()) {
            page = store.listPage(page.next(), 10);
            paged.addAll(page.records());
        }

        assertThat(paged).isEqualTo(added);
    }
}
