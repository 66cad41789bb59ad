package net.p2pci.bench.jmh;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.embedded.EmbeddedStore;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The index store on its real H2 database, holding 1,000 peers with 10 records each: LOOKUP (from the in-memory
 * mirror), a new ADD (one INSERT), a repeated ADD (one UPDATE), and a peer's whole life (register, 10 ADDs, remove).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IndexStoreBenchmark {
    private static final int PEERS = 1_000;
    private static final int RECORDS_EACH = 10;

    private IndexStore store;
    private int nextNewNumber;

    @Setup(Level.Trial)
    public void fill() {
        store = EmbeddedStore.open(ServerConfig.newInMemoryDatabaseUrl(), AddPolicy.ADMIT_ALL);
        for (int peer = 1; peer <= PEERS; peer++) {
            store.registerPeer("peer-" + peer, 5000, "127.0.0.1"); // ids 1 to PEERS, in order
            for (int r = 0; r < RECORDS_EACH; r++) {
                int number = (peer - 1) * RECORDS_EACH + r + 1;
                store.addRecord(peer, number, "Benchmark RFC " + number);
            }
        }
        nextNewNumber = PEERS * RECORDS_EACH + 1;
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public List<RfcRecord> lookup() {
        return store.lookup(1 + ThreadLocalRandom.current().nextInt(PEERS * RECORDS_EACH));
    }

    @Benchmark
    public AddOutcome addNewRecord() {
        int number = nextNewNumber++;
        return store.addRecord(1, number, "Benchmark RFC " + number);
    }

    @Benchmark
    public AddOutcome addExistingRecordAgain() {
        return store.addRecord(2, RECORDS_EACH + 1, "Benchmark RFC again");
    }

    @Benchmark
    public Object peerLife() {
        long id = store.registerPeer("churn", 6000, "127.0.0.1").peerId();
        for (int r = 1; r <= RECORDS_EACH; r++) {
            store.addRecord(id, r, "Benchmark RFC " + r);
        }
        return store.removePeer(id);
    }
}
