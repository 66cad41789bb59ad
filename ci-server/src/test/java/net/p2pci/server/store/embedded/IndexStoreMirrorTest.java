package net.p2pci.server.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddPolicy;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The in-memory mirror that answers LOOKUP holds to the database: after any sequence of registrations, ADDs,
 * re-ADDs, takeovers and removals, and while they run concurrently, LOOKUP answers what the database answers,
 * and never shows a record of a peer whose removal has returned. The database keeps no constraint on its records
 * but their primary key (see {@code sql/h2/V1__index.sql}), so these tests also hold it to what the constraints would:
 * no record outlives its peer's row, and no peer has two records of one RFC.
 */
class IndexStoreMirrorTest {
    private static final int RFC_NUMBERS = 12;
    private static final int MAX_RECORDS = 6;

    private final String databaseUrl = ServerConfig.newInMemoryDatabaseUrl();
    private final EmbeddedStore store = EmbeddedStore.open(databaseUrl, AddPolicy.ADMIT_ALL);
    /** A connection of the test's own to the store's database, for what the store has no query for. */
    private final Handle database = Jdbi.create(databaseUrl, "sa", "").open();

    @AfterEach
    void closeStore() {
        database.close();
        store.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 42, 7734})
    void lookupAnswersWhatTheDatabaseAnswersAfterEveryChange(long seed) {
        Random random = new Random(seed);
        List<Long> live = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            int roll = random.nextInt(100);
            if (roll < 15 || live.isEmpty()) {
                // Few endpoints and two source addresses, so that several claims of one endpoint happen too.
                long id = store.registerPeer("host-" + random.nextInt(6), 5000 + random.nextInt(2),
                        "127.0.0." + (1 + random.nextInt(2))).peerId();
                live.add(id);
            } else if (roll < 85) {
                long peer = live.get(random.nextInt(live.size()));
                store.addRecord(peer, 1 + random.nextInt(RFC_NUMBERS), "Title " + random.nextInt(3));
            } else {
                long peer = live.remove(random.nextInt(live.size()));
                assertThat(store.removePeer(peer)).isPresent();
            }
            assertMirrorMatchesDatabase();
        }
    }

    @Test
    void concurrentChangesLeaveTheMirrorEqualToTheDatabaseAndNeverShowADepartedPeer() throws Exception {
        Set<String> departed = ConcurrentHashMap.newKeySet();
        AtomicBoolean writing = new AtomicBoolean(true);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> writers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                writers.add(threads.submit(() -> {
                    Random random = new Random(writer);
                    for (int round = 0; round < 30; round++) {
                        String host = "peer-" + writer + "-" + round;
                        long id = store.registerPeer(host, 6000 + writer, "127.0.0.1").peerId();
                        for (int r = 0; r < 5; r++) {
                            store.addRecord(id, 1 + random.nextInt(RFC_NUMBERS), "Title");
                        }
                        if (random.nextBoolean()) {
                            store.removePeer(id);
                            departed.add(host);
                        }
                    }
                    return null;
                }));
            }
            Future<List<RfcRecord>> reader = threads.submit(() -> {
                List<RfcRecord> violations = new ArrayList<>();
                Random random = new Random(99);
                while (writing.get()) {
                    Set<String> goneBefore = Set.copyOf(departed);
                    for (RfcRecord record : store.lookup(1 + random.nextInt(RFC_NUMBERS))) {
                        if (goneBefore.contains(record.host())) {
                            violations.add(record);
                        }
                    }
                }
                return violations;
            });
            for (Future<?> writer : writers) {
                writer.get();
            }
            writing.set(false);
            assertThat(reader.get()).isEmpty();
        }
        assertMirrorMatchesDatabase();
    }

    private void assertMirrorMatchesDatabase() {
        for (int number = 1; number <= RFC_NUMBERS; number++) {
            assertThat(store.lookup(number)).as("LOOKUP RFC %d", number).isEqualTo(store.lookupInDatabase(number));
        }
        assertThat(count("SELECT COUNT(*) FROM rfc_record r"
                + " WHERE NOT EXISTS (SELECT 1 FROM peer p WHERE p.id = r.peer_id)"))
                .as("records whose peer row is gone").isZero();
        assertThat(count("SELECT COUNT(*) FROM (SELECT peer_id, rfc_number FROM rfc_record"
                + " GROUP BY peer_id, rfc_number HAVING COUNT(*) > 1)"))
                .as("RFCs recorded twice for one peer").isZero();
    }

    private int count(String query) {
        return database.createQuery(query).mapTo(Integer.class).one();
    }
}
