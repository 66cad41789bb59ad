package net.p2pci.server.store.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.stream.IntStream;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.IndexStoreContract;
import net.p2pci.server.store.PeerGoneException;
import net.p2pci.server.store.SearchHits;
import net.p2pci.server.store.StoreUnavailableException;
import net.p2pci.server.store.embedded.EmbeddedStore;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shared store on a real PostgreSQL, a throwaway cluster for the class and a database of its own for each store
 * a test opens: the store contract, and what must hold across instances that share one database.
 */
@RequiresPostgres
class SharedStoreTest extends IndexStoreContract {
    /** Short, so that lease tests take a second or two; the defaults are 5 s and 15 s. */
    private static final SharedStoreSettings QUICK = SharedStoreSettings.DEFAULT
            .withLease(Duration.ofMillis(200), Duration.ofMillis(800))
            .withDatabaseWait(Duration.ofSeconds(1));
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final AtomicInteger databases = new AtomicInteger();
    private static final LongConsumer NO_PROBE = peer -> { };

    private static PostgresCluster cluster;

    @BeforeAll
    static void startCluster() throws IOException {
        cluster = PostgresCluster.start();
    }

    @AfterAll
    static void removeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String newDatabase() {
        String name = "store_" + databases.incrementAndGet();
        try {
            cluster.createDatabase(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return cluster.jdbcUrl(name);
    }

    private static SharedStoreSettings settings(SharedStoreSettings base) {
        return base.withCredentials(Optional.of(cluster.user()), Optional.of(cluster.password()));
    }

    @Override
    protected IndexStore openStore(AddPolicy policy) {
        return SharedStore.open(newDatabase(), settings(SharedStoreSettings.DEFAULT), policy, "contract", () -> {
        }, NO_PROBE);
    }

    @Override
    protected Optional<String> expectedInstance() {
        return Optional.of("contract");
    }

    private static SharedStore instance(String url, String name, Runnable leaseLost) {
        return instance(url, name, leaseLost, NO_PROBE);
    }

    private static SharedStore instance(String url, String name, Runnable leaseLost, LongConsumer probe) {
        return SharedStore.open(url, settings(QUICK), AddPolicy.ADMIT_ALL, name, leaseLost, probe);
    }

    private static Handle connect(String url) {
        return Jdbi.create(url, cluster.user(), cluster.password()).open();
    }

    @Test
    void searchCanBeAnsweredFromTheWordIndexOfSchemaVersion3() {
        String url = newDatabase();
        try (SharedStore store = instance(url, "search", () -> { }); Handle handle = connect(url)) {
            // With scans forbidden the planner takes the GIN index if, and only if, the query's expression is the
            // very one indexed; a mismatch would leave every SEARCH a scan of all titles.
            handle.execute("SET enable_seqscan = off");
            String search = SharedStore.SEARCH.replace("?::text[]", "ARRAY['protocol', 'internet']::text[]")
                    .replace("LIMIT ?", "LIMIT 1001");
            String plan = String.join("\n", handle.createQuery("EXPLAIN " + search).mapTo(String.class).list());

            assertThat(plan).contains("rfc_record_title_words");
        }
    }

    @Test
    void aBroadSearchWalksRecordsInOrderAndStopsAtItsLimitAnsweringAsTheEmbeddedStoreDoes() {
        String url = newDatabase();
        int limit = 50;
        int records = 1200; // past the broad mark of 4 * (limit + 1), and many times the limit
        try (SharedStore shared = instance(url, "broad", () -> { });
                IndexStore embedded = EmbeddedStore.open(ServerConfig.newInMemoryDatabaseUrl(), AddPolicy.ADMIT_ALL);
                Handle handle = connect(url)) {
            long[] sharedPeers = {shared.registerPeer("a.example", 5001, "127.0.0.1").peerId(),
                    shared.registerPeer("b.example", 5002, "127.0.0.2").peerId()};
            long[] embeddedPeers = {embedded.registerPeer("a.example", 5001, "127.0.0.1").peerId(),
                    embedded.registerPeer("b.example", 5002, "127.0.0.2").peerId()};
            // Registered from the highest number down, and over two peers, so that registration order, physical
            // order and the answer's order all differ; every title has "ordinary", one in seven has "seventh".
            for (int number = records; number >= 1; number--) {
                String title = "Ordinary title " + number + (number % 7 == 0 ? " seventh" : "");
                shared.addRecord(sharedPeers[number % 2], number, title);
                embedded.addRecord(embeddedPeers[number % 2], number, title);
            }
            handle.execute("ANALYZE rfc_record");

            // Both ways of answering, each the embedded store's answer: "ordinary" is walked in order, the 171
            // titles with "seventh" (under the broad mark of 204) and the one with "1111" are sorted.
            assertThat(shared.searchWalksInOrder(List.of("ordinary"), limit)).isTrue();
            assertThat(shared.searchWalksInOrder(List.of("seventh", "title"), limit)).isFalse();
            assertThat(shared.searchWalksInOrder(List.of("ordinary"), records / 4)).as("a cap near the matches")
                    .isFalse();
            for (List<String> words : List.of(List.of("ordinary"), List.of("seventh", "title"), List.of("1111"))) {
                SearchHits hits = shared.search(words, limit);
                assertThat(hits).as("%s", words).isEqualTo(embedded.search(words, limit));
            }
            assertThat(shared.search(List.of("seventh"), limit).records()).extracting(RfcRecord::number)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, limit).map(n -> n * 7).boxed().toList());
            SearchHits broad = shared.search(List.of("ordinary"), limit);
            assertThat(broad.records()).extracting(RfcRecord::number)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, limit).boxed().toList());
            assertThat(broad.truncated()).isTrue();
            assertThat(shared.search(List.of("1111", "ordinary"), limit).records()).hasSize(1);

            // The broad walk as the store plans it: in the answer's order through rfc_record_lookup, no sort, and
            // no more titles read than the limit and the one that says there are more, of 1200 that match.
            handle.begin();
            handle.execute(SharedStore.WALK_IN_ORDER);
            String plan = String.join("\n", handle.createQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
                            + SharedStore.SEARCH.replace("?::text[]", "ARRAY['ordinary']::text[]")
                                    .replace("LIMIT ?", "LIMIT " + (limit + 1)))
                    .mapTo(String.class).list());
            handle.rollback();
            assertThat(plan).contains("Limit (actual rows=" + (limit + 1))
                    .contains("Index Scan using rfc_record_lookup on rfc_record r (actual rows=" + (limit + 1))
                    .contains("Index Scan using peer_pkey")
                    .doesNotContain("Sort").doesNotContain("Bitmap").doesNotContain("Rows Removed by Filter");
            // Counting the matches to tell broad from narrow stops at the broad mark, however many match.
            int broadMark = 4 * (limit + 1);
            String count = String.join("\n", handle.createQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) "
                            + SharedStore.COUNT_MATCHES.replace("?::text[]", "ARRAY['ordinary']::text[]")
                                    .replace("LIMIT ?", "LIMIT " + broadMark))
                    .mapTo(String.class).list());
            assertThat(count).contains("Limit (actual rows=" + broadMark);
        }
    }

    @Test
    void searchesBeyondTheInstancesTurnsWaitForOneAndAnswerAllTheSame() throws Exception {
        String url = newDatabase();
        try (SharedStore store = instance(url, "turns", () -> { })) {
            long peer = store.registerPeer("a.example", 5001, "127.0.0.1").peerId();
            for (int number = 1; number <= 20; number++) {
                store.addRecord(peer, number, "Common words " + number);
            }
            int searchers = SharedStore.MAX_CONCURRENT_SEARCHES * 3;
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<SearchHits>> answers = new ArrayList<>();
                for (int i = 0; i < searchers; i++) {
                    answers.add(pool.submit(() -> store.search(List.of("common"), 5)));
                }
                for (Future<SearchHits> answer : answers) {
                    assertThat(answer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).records())
                            .extracting(RfcRecord::number).containsExactly(1, 2, 3, 4, 5);
                }
            }
        }
    }

    @Test
    void whatOneInstanceWritesAnotherReadsAtOnceAndARemovalIsSeenEverywhere() {
        String url = newDatabase();
        try (SharedStore a = instance(url, "a", () -> { }); SharedStore b = instance(url, "b", () -> { })) {
            long peer = a.registerPeer("peer-a.example", 5001, "127.0.0.1").peerId();
            a.addRecord(peer, 2616, "HTTP/1.1");

            assertThat(b.lookup(2616)).containsExactly(new RfcRecord(2616, "HTTP/1.1", "peer-a.example", 5001));
            assertThat(b.listAll()).hasSize(1);
            assertThat(b.peerCount()).isEqualTo(1);

            assertThat(a.removePeer(peer)).contains(1);

            assertThat(b.lookup(2616)).isEmpty();
            assertThat(b.listAll()).isEmpty();
        }
    }

    @Test
    void aClaimOfAnEndpointRegisteredThroughAnotherInstanceDisplacesNothingAndNamesIt() {
        String url = newDatabase();
        try (SharedStore a = instance(url, "a", () -> { }); SharedStore b = instance(url, "b", () -> { })) {
            long first = a.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            a.addRecord(first, 1, "One");

            IndexStore.Registration second = b.registerPeer("peer.example", 5001, "127.0.0.2");
            b.addRecord(second.peerId(), 1, "One");

            assertThat(second.otherClaims()).containsExactly(first);
            assertThat(a.lookup(1)).hasSize(2);
            b.removePeer(second.peerId());
            assertThat(a.lookup(1)).containsExactly(new RfcRecord(1, "One", "peer.example", 5001));
        }
    }

    @Test
    void aClaimMadeThroughAnotherInstanceHasTheInstanceHoldingTheOlderConnectionProbeIt() {
        String url = newDatabase();
        Set<Long> probedByA = ConcurrentHashMap.newKeySet();
        Set<Long> probedByB = ConcurrentHashMap.newKeySet();
        try (SharedStore a = instance(url, "a", () -> { }, probedByA::add);
                SharedStore b = instance(url, "b", () -> { }, probedByB::add)) {
            long older = a.registerPeer("peer.example", 5001, "127.0.0.1").peerId();

            b.registerPeer("peer.example", 5001, "127.0.0.2");

            await().atMost(PATIENCE).until(() -> probedByA.contains(older));
            assertThat(probedByB).as("the instance that asked probes its own connections itself").isEmpty();
        }
    }

    @Test
    void aSurvivorRemovesADeadInstancesPeersAndRecordsOnceItsLeaseHasExpired() {
        String url = newDatabase();
        try (SharedStore survivor = instance(url, "survivor", () -> { }); Handle database = connect(url)) {
            long mine = survivor.registerPeer("mine.example", 5001, "127.0.0.1").peerId();
            survivor.addRecord(mine, 1, "One");
            // An instance that renews no more: its lease runs out one second from now.
            long dead = insertDyingInstance(database, "dead", "gone.example");
            assertThat(survivor.lookup(1)).hasSize(2);

            await().atMost(PATIENCE).until(() -> survivor.lookup(1).size() == 1);

            assertThat(survivor.lookup(1)).containsExactly(new RfcRecord(1, "One", "mine.example", 5001));
            assertThat(count(database, "SELECT COUNT(*) FROM peer WHERE instance_id = " + dead)).isZero();
            assertThat(count(database, "SELECT COUNT(*) FROM server_instance WHERE name = 'survivor'")).isOne();
        }
    }

    @Test
    void aStartingInstanceRemovesWhatItsOwnEarlierRunLeftAndNothingOfAnotherLiveInstance() {
        String url = newDatabase();
        try (SharedStore other = instance(url, "other", () -> { }); Handle database = connect(url)) {
            long theirs = other.registerPeer("theirs.example", 5001, "127.0.0.1").peerId();
            other.addRecord(theirs, 1, "One");
            // An earlier run under the name, killed: its lease runs out one second from now.
            insertDyingInstance(database, "host/*:7734", "left.example");

            // The next run waits for that lease to expire, then takes the name over.
            try (SharedStore nextRun = instance(url, "host/*:7734", () -> { })) {
                assertThat(nextRun.lookup(1)).containsExactly(new RfcRecord(1, "One", "theirs.example", 5001));
                assertThat(count(database, "SELECT COUNT(*) FROM server_instance WHERE name = 'host/*:7734'"))
                        .isOne();
            }
        }
    }

    @Test
    void aNameThatALiveInstanceHoldsIsRefusedOnceItsLeaseIsSeenRenewed() {
        String url = newDatabase();
        SharedStoreSettings named = settings(QUICK).withInstanceName("lab-1");
        try (SharedStore first = SharedStore.open(url, named, AddPolicy.ADMIT_ALL, "unused", () -> { }, NO_PROBE)) {
            assertThatThrownBy(() -> SharedStore.open(url, named, AddPolicy.ADMIT_ALL, "unused", () -> { },
                    NO_PROBE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another live ci-server instance is named 'lab-1'");
            assertThat(first.instanceName()).isEqualTo("lab-1");
            long peer = first.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            assertThat(first.addRecord(peer, 1, "One")).isEqualTo(AddOutcome.ADDED);
        }
    }

    @Test
    void anInstanceThatFindsItsLeaseGoneClosesItsConnectionsAndServesAgainUnderANewLease() {
        String url = newDatabase();
        AtomicInteger lost = new AtomicInteger();
        try (SharedStore zombie = instance(url, "zombie", lost::incrementAndGet); Handle database = connect(url)) {
            long peer = zombie.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            zombie.addRecord(peer, 1, "One");
            // What a survivor does once the zombie's lease has expired while it stood still.
            database.execute("DELETE FROM server_instance WHERE name = 'zombie'");

            await().atMost(PATIENCE).until(() -> lost.get() == 1);

            assertThatThrownBy(() -> zombie.addRecord(peer, 2, "Two")).isInstanceOf(PeerGoneException.class);
            long again = zombie.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            zombie.addRecord(again, 2, "Two");
            assertThat(zombie.listAll()).containsExactly(new RfcRecord(2, "Two", "peer.example", 5001));
            assertThat(count(database, "SELECT COUNT(*) FROM server_instance WHERE name = 'zombie'")).isOne();
        }
    }

    @Test
    void whileTheDatabaseIsDownRequestsFailWithinTheWaitAndTheStoreRecoversByItself() throws IOException {
        String url = newDatabase();
        // A lease that outlasts the outage: the peer's registration survives it.
        SharedStoreSettings patient = settings(QUICK).withLease(Duration.ofMillis(200), Duration.ofSeconds(60));
        try (SharedStore store = SharedStore.open(url, patient, AddPolicy.ADMIT_ALL, "outage", () -> { },
                NO_PROBE)) {
            long peer = store.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            store.addRecord(peer, 1, "One");
            cluster.stop();
            try {
                long began = System.nanoTime();
                assertThatThrownBy(() -> store.lookup(1)).isInstanceOf(StoreUnavailableException.class);
                assertThatThrownBy(() -> store.addRecord(peer, 2, "Two"))
                        .isInstanceOf(StoreUnavailableException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(PATIENCE);
            } finally {
                cluster.startAgain();
            }

            // A refused ADD left nothing behind, and the next requests are served without any restart.
            await().atMost(PATIENCE).ignoreExceptions().until(() -> store.lookup(1).size() == 1);
            assertThat(store.lookup(2)).isEmpty();
            assertThat(store.addRecord(peer, 2, "Two")).isEqualTo(AddOutcome.ADDED);
            assertThat(store.lookup(2)).hasSize(1);
        }
    }

    @Test
    void anOutageLongerThanTheLeaseClosesTheConnectionsAndEndsInANewLeaseWithoutTheOldRecords() throws IOException {
        String url = newDatabase();
        AtomicInteger lost = new AtomicInteger();
        try (SharedStore store = instance(url, "outage", lost::incrementAndGet)) {
            long peer = store.registerPeer("peer.example", 5001, "127.0.0.1").peerId();
            store.addRecord(peer, 1, "One");
            cluster.stop();
            try {
                await().atMost(PATIENCE).until(() -> lost.get() == 1);
                assertThatThrownBy(() -> store.registerPeer("new.example", 5002, "127.0.0.1"))
                        .isInstanceOf(StoreUnavailableException.class);
            } finally {
                cluster.startAgain();
            }

            await().atMost(PATIENCE).ignoreExceptions().until(() -> {
                store.registerPeer("new.example", 5002, "127.0.0.1");
                return true;
            });
            assertThat(store.lookup(1)).isEmpty();
            assertThatThrownBy(() -> store.addRecord(peer, 2, "Two")).isInstanceOf(PeerGoneException.class);
        }
    }

    /**
     * An instance row whose lease runs out one second from now and that nobody renews (one that was killed), with
     * a peer at {@code host}:5002 holding RFC 1 "One".
     *
     * @return the instance row's id
     */
    private static long insertDyingInstance(Handle database, String name, String host) {
        long instance = database.createQuery("INSERT INTO server_instance (name, lease_until)"
                        + " VALUES (:name, now() + INTERVAL '1 second') RETURNING id")
                .bind("name", name).mapTo(Long.class).one();
        long peer = database.createQuery("INSERT INTO peer (instance_id, registration, host, port, source_address)"
                        + " VALUES (:instance, 1, :host, 5002, '127.0.0.2') RETURNING id")
                .bind("instance", instance).bind("host", host).mapTo(Long.class).one();
        database.createUpdate("INSERT INTO rfc_record (peer_id, rfc_number, title) VALUES (:peer, 1, 'One')")
                .bind("peer", peer).execute();
        return instance;
    }

    private static int count(Handle database, String query) {
        return database.createQuery(query).mapTo(Integer.class).one();
    }
}
