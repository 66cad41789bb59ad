package net.p2pci.server.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerGoneException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Changes that wait for the store's write lock are committed together, in one transaction per batch, and each
 * caller still gets its own answer: changes to different peers share a batch, a change touching a peer already in
 * the batch waits for the next one, and a change the database refuses fails alone.
 */
class GroupCommitTest {
    private static final int MANY = 1000;
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private final EmbeddedStore store = EmbeddedStore.open(ServerConfig.newInMemoryDatabaseUrl(), AddPolicy.ADMIT_ALL);
    private final ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor();

    @AfterEach
    void closeStore() {
        callers.close();
        store.close();
    }

    @Test
    void changesOfDifferentPeersWaitingTogetherAreCommittedInOneTransaction() throws Exception {
        for (long peer = 1; peer <= 10; peer++) {
            store.registerPeer("peer-" + peer, 5000, "127.0.0.1");
        }
        long commitsBefore = store.commits();
        List<Future<AddOutcome>> adds = new ArrayList<>();
        try (EmbeddedStore.WritePause pause = store.pauseWrites()) {
            for (long peer = 1; peer <= 10; peer++) {
                long id = peer;
                adds.add(queue(() -> store.addRecord(id, 2616, "HTTP/1.1"), adds.size() + 1));
            }
        }

        for (Future<AddOutcome> add : adds) {
            assertThat(add.get()).isEqualTo(AddOutcome.ADDED);
        }
        assertThat(store.commits() - commitsBefore).isEqualTo(1);
        assertThat(store.lookup(2616)).extracting(RfcRecord::host)
                .containsExactly("peer-1", "peer-2", "peer-3", "peer-4", "peer-5", "peer-6", "peer-7", "peer-8",
                        "peer-9", "peer-10");
        assertThat(store.lookup(2616)).isEqualTo(store.lookupInDatabase(2616));
    }

    @Test
    void aChangeTouchingAPeerAlreadyInTheBatchWaitsForTheNextOneAndSeesItsEffect() throws Exception {
        store.registerPeer("a.example", 5678, "127.0.0.1");
        long commitsBefore = store.commits();
        Future<AddOutcome> add;
        Future<Optional<Integer>> remove;
        Future<IndexStore.Registration> newPeer;
        try (EmbeddedStore.WritePause pause = store.pauseWrites()) {
            add = queue(() -> store.addRecord(1, 791, "Internet Protocol"), 1);
            remove = queue(() -> store.removePeer(1), 2);
            newPeer = queue(() -> store.registerPeer("b.example", 6789, "127.0.0.1"), 3);
        }

        assertThat(add.get()).isEqualTo(AddOutcome.ADDED);
        assertThat(remove.get()).contains(1);
        assertThat(newPeer.get()).isEqualTo(new IndexStore.Registration(2, List.of()));
        // The ADD and the removal touch the same peer: two transactions; the new peer rides with the removal.
        assertThat(store.commits() - commitsBefore).isEqualTo(2);
        assertThat(store.lookup(791)).isEmpty();
        assertThat(store.lookupInDatabase(791)).isEmpty();
        assertThat(store.peerCount()).isEqualTo(1);
    }

    @Test
    void twoClaimsOfOneEndpointInOneBatchAreBothRegisteredAndNeitherDisplacesTheOther() throws Exception {
        Future<IndexStore.Registration> first;
        Future<IndexStore.Registration> second;
        try (EmbeddedStore.WritePause pause = store.pauseWrites()) {
            first = queue(() -> store.registerPeer("a.example", 5678, "127.0.0.1"), 1);
            second = queue(() -> store.registerPeer("a.example", 5678, "127.0.0.1"), 2);
        }
        first.get();
        second.get();

        assertThat(store.peerCount()).isEqualTo(2);
        assertThat(store.addRecord(1, 1, "One")).isEqualTo(AddOutcome.ADDED);
        assertThat(store.addRecord(2, 1, "One")).isEqualTo(AddOutcome.ADDED);
        assertThat(store.lookup(1)).hasSize(2).isEqualTo(store.lookupInDatabase(1));
    }

    @Test
    void aChangeTheDatabaseRefusesFailsAloneAndTheRestOfItsBatchIsMade() throws Exception {
        for (long peer = 1; peer <= 3; peer++) {
            store.registerPeer("peer-" + peer, 5000, "127.0.0.1");
        }
        // The schema holds titles of up to 512 characters; the store itself does not check (the codec does).
        String tooLong = "x".repeat(600);
        Future<AddOutcome> before;
        Future<AddOutcome> refused;
        Future<AddOutcome> after;
        try (EmbeddedStore.WritePause pause = store.pauseWrites()) {
            before = queue(() -> store.addRecord(1, 1, "One"), 1);
            refused = queue(() -> store.addRecord(2, 1, tooLong), 2);
            after = queue(() -> store.addRecord(3, 1, "One"), 3);
        }

        assertThat(before.get()).isEqualTo(AddOutcome.ADDED);
        assertThat(after.get()).isEqualTo(AddOutcome.ADDED);
        assertThat(catchCause(refused)).isInstanceOf(RuntimeException.class)
                .isNotInstanceOf(PeerGoneException.class);
        assertThat(store.lookup(1)).extracting(RfcRecord::host).containsExactly("peer-1", "peer-3");
        assertThat(store.lookup(1)).isEqualTo(store.lookupInDatabase(1));
        // The peer whose ADD failed is still registered and can ADD again.
        assertThat(store.addRecord(2, 1, "One")).isEqualTo(AddOutcome.ADDED);
    }

    @Test
    void theRowsOfAPeerWhoseRemovalFailedGoWhenItsRemovalIsTriedAgain() {
        String url = ServerConfig.newInMemoryDatabaseUrl();
        try (EmbeddedStore other = EmbeddedStore.open(url, AddPolicy.ADMIT_ALL);
                Handle database = Jdbi.create(url, "sa", "").open()) {
            other.registerPeer("a.example", 5000, "127.0.0.1");
            other.addRecord(1, 2616, "HTTP/1.1");
            other.addRecord(1, 793, "TCP");
            // A row that refers to peer 1 makes the deletion of its row fail, after the mirror let peer 1 go.
            database.execute("CREATE TABLE blocker (peer_id BIGINT REFERENCES peer (id))");
            database.execute("INSERT INTO blocker VALUES (1)");
            assertThatThrownBy(() -> other.removePeer(1)).isInstanceOf(RuntimeException.class);
            assertThat(count(database, "SELECT COUNT(*) FROM rfc_record")).isEqualTo(2);
            assertThat(other.lookup(2616)).isEmpty();

            assertThat(other.retryFailedRemovals()).as("while the database still fails it").isZero();
            database.execute("DROP TABLE blocker");
            // Tried again (the watchdog does so at each tick): its records go with its row, although the mirror no
            // longer lists them.
            assertThat(other.retryFailedRemovals()).isEqualTo(1);
            assertThat(other.retryFailedRemovals()).isZero();

            assertThat(count(database, "SELECT COUNT(*) FROM rfc_record")).isZero();
            assertThat(count(database, "SELECT COUNT(*) FROM peer WHERE id = 1")).isZero();
        }
    }

    private static int count(Handle database, String query) {
        return database.createQuery(query).mapTo(Integer.class).one();
    }

    @Test
    void aChangeAfterTheStoreClosedFailsWithAClearError() {
        store.registerPeer("a.example", 5678, "127.0.0.1");
        store.close();

        assertThatThrownBy(() -> store.addRecord(1, 1, "One")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void manyConcurrentWritersEachGetTheirAnswerWithFewerCommitsThanChanges() throws Exception {
        int writers = 32;
        int recordsEach = 50;
        long commitsBefore = store.commits();
        List<Future<Integer>> running = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            int index = w + 1;
            running.add(callers.submit(() -> {
                // Its own id, as answered: the writers register in whatever order they are scheduled.
                long peer = store.registerPeer("peer-" + index, 5000, "127.0.0.1").peerId();
                int added = 0;
                for (int number = 1; number <= recordsEach; number++) {
                    added += store.addRecord(peer, number, "Title " + number) == AddOutcome.ADDED ? 1 : 0;
                }
                return added;
            }));
        }
        for (Future<Integer> writer : running) {
            assertThat(writer.get()).isEqualTo(recordsEach);
        }

        assertThat(store.listAll()).hasSize(writers * recordsEach);
        for (int number = 1; number <= recordsEach; number++) {
            assertThat(store.lookup(number)).hasSize(writers).isEqualTo(store.lookupInDatabase(number));
        }
        assertThat(store.commits() - commitsBefore).isLessThan(writers * (recordsEach + 1L));
    }

    /** Starts {@code change} on a thread of its own and waits until it is the {@code position}th change waiting. */
    private <T> Future<T> queue(Callable<T> change, int position) {
        Future<T> future = callers.submit(change);
        await().atMost(PATIENCE).until(() -> store.waitingChanges() >= position);
        return future;
    }

    private static Throwable catchCause(Future<?> future) throws InterruptedException, TimeoutException {
        try {
            future.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected the change to fail");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }
}
