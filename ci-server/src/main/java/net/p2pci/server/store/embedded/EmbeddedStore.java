package net.p2pci.server.store.embedded;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.CommitObserver;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerQueries;
import net.p2pci.server.store.PeerView;
import net.p2pci.server.store.RecordPage;
import net.p2pci.server.store.RecordQueries;
import net.p2pci.server.store.Schema;
import net.p2pci.server.store.SearchHits;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;

/**
 * The embedded store, the default: peers and the RFC records they hold, kept in H2 in this process through Jdbi,
 * for one server instance. Every change that touches more than one row runs in one transaction, so no reader ever
 * sees a peer half-removed. The same content is mirrored in memory ({@link HolderIndex}), so that LOOKUP, the most
 * frequent request, and the checks before each write need no database round trip.
 *
 * <p>Thread-safe: changes queue, and the thread holding {@link #writeLock} makes all that wait, committing each
 * batch of them in one transaction on one database handle kept for writes (group commit, see {@link #apply}).
 * Each change reaches the database and the mirror in an order that never lets the mirror show a record the
 * database lacks or one whose removal has begun; LOOKUP reads the mirror without locking; LIST takes a pooled
 * handle.
 */
public final class EmbeddedStore implements IndexStore {
    /** Enough connections to keep both cores busy while others wait on locks; H2 runs in this process. */
    private static final int MAX_DATABASE_CONNECTIONS = 16;
    /** The pooled connections left for reads: one is the write handle's for good. */
    private static final int READ_CONNECTIONS = MAX_DATABASE_CONNECTIONS - 1;

    /** The most changes committed in one transaction. */
    private static final int MAX_BATCH = 256;
    /**
     * How many batches a thread writes for others once its own change is made, before it leaves the rest to the
     * oldest waiting caller: enough to keep the lock from changing hands at every batch, few enough that its own
     * connection is not kept waiting long.
     */
    private static final int MAX_BATCHES_AFTER_OWN = 4;

    private static final RecordQueries RECORDS = new RecordQueries("seq");
    private static final PeerQueries PEERS = PeerQueries.embedded();

    private final JdbcConnectionPool pool;
    private final Jdbi jdbi;
    private final AddPolicy policy;
    /** Peers whose removal the database failed, for {@link #retryFailedRemovals}. */
    private final java.util.Set<Long> failedRemovals = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /**
     * Set as close() begins: from then on reads and changes fail as "closed" before they reach the database, so that
     * the database's own "closed" error means it failed by itself ({@link FatalErrors}).
     */
    private volatile boolean closing;
    /** Changes waiting to be made, oldest first; only the holder of {@link #writeLock} takes them out. */
    private final Queue<IndexChange<?>> waiting = new ConcurrentLinkedQueue<>();
    /** Held while changes are written, around their database statements and their updates of {@link #holders}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicLong commits = new AtomicLong();
    /** Told of each commit; read under the write lock. */
    private volatile CommitObserver commitObserver = CommitObserver.NONE;
    private final HolderIndex holders = new HolderIndex();
    /** The one handle changes use, under {@link #writeLock}; opened with the store, so no write waits for one. */
    private Handle writeHandle;
    /** The write statements, prepared on {@link #writeHandle}'s connection; open and closed with it. */
    private WriteStatements writes;
    /**
     * Taken, first come first served, before a read borrows a pooled connection. H2's pool makes a caller that
     * finds every connection busy sleep a millisecond and try again, which is unfair: under 64 concurrent LISTs
     * some waited past a client's 10 s timeout while others were served over and over. With at most as many
     * readers as connections, the pool never has to make anyone wait.
     */
    private final Semaphore readPermits = new Semaphore(READ_CONNECTIONS, true);

    private EmbeddedStore(JdbcConnectionPool pool, AddPolicy policy) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
        this.policy = policy;
    }

    /**
     * Opens the H2 database at {@code jdbcUrl} and empties it, as the protocol asks of a starting server; every ADD
     * is held to {@code policy}.
     */
    public static EmbeddedStore open(String jdbcUrl, AddPolicy policy) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
        pool.setMaxConnections(MAX_DATABASE_CONNECTIONS);
        EmbeddedStore store = new EmbeddedStore(pool, policy);
        try {
            Schema.migrate(pool, Schema.H2);
            // Empty at every start, as the protocol asks: a file database keeps what an earlier run left.
            store.jdbi.useTransaction(handle -> handle.createScript("DELETE FROM rfc_record; DELETE FROM peer")
                    .execute());
            store.writeHandle = store.jdbi.open();
            store.writes = new WriteStatements(store.writeHandle);
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return store;
    }

    @Override
    public Registration registerPeer(String host, int port, String sourceAddress) {
        return apply(new IndexChange.Register(host, port, sourceAddress));
    }

    @Override
    public AddOutcome addRecord(long peerId, int number, String title) {
        return apply(new IndexChange.AddRecord(peerId, number, title, policy));
    }

    /** LOOKUP's answer, from the in-memory mirror. */
    @Override
    public List<RfcRecord> lookup(int number) {
        return holders.lookup(number);
    }

    /** SEARCH's answer, from the in-memory mirror's word index. */
    @Override
    public SearchHits search(List<String> words, int limit) {
        requireOpen();
        return holders.search(words, limit);
    }

    @Override
    public Optional<RfcRecord> withdrawRecord(long peerId, int number) {
        return apply(new IndexChange.Withdraw(peerId, number));
    }

    /** What {@link #lookup} answers, asked of the database itself: for tests that hold the mirror to it. */
    List<RfcRecord> lookupInDatabase(int number) {
        return read(handle -> RECORDS.lookup(handle, number));
    }

    @Override
    public RecordPage listPage(RecordPage.Cursor after, int limit) {
        return read(handle -> RECORDS.page(handle, after, limit));
    }

    /**
     * {@inheritDoc} Should the database fail it, the peer is already gone from LOOKUP and the budget, and its rows
     * are deleted by a later {@link #retryFailedRemovals}.
     */
    @Override
    public Optional<Integer> removePeer(long peerId) {
        try {
            return apply(new IndexChange.RemovePeer(peerId));
        } catch (RuntimeException e) {
            failedRemovals.add(peerId);
            throw e;
        }
    }

    @Override
    public int retryFailedRemovals() {
        int completed = 0;
        for (Long peerId : failedRemovals) {
            try {
                apply(new IndexChange.RemovePeer(peerId));
                failedRemovals.remove(peerId);
                completed++;
            } catch (RuntimeException e) {
                // still failing: the next call tries again
            }
        }
        return completed;
    }

    /** How many transactions have committed changes: fewer than the changes when writers were grouped. */
    long commits() {
        return commits.get();
    }

    /**
     * Makes {@code change} and returns its answer, committing it in one transaction with whatever other changes
     * are waiting (group commit). The thread that gets the write lock makes every waiting change, its own among
     * them, batch after batch; the others sleep until their change is made, so a burst of writes costs one lock
     * hand-over and one commit per batch rather than per change. A thread that leaves the lock with changes still
     * waiting wakes the oldest one's caller to take over, so none is stranded: a caller that fails to get the lock
     * does so because another holds it, and every holder looks at the queue again after letting go.
     */
    private <T> T apply(IndexChange<T> change) {
        requireOpen();
        waiting.add(change);
        boolean interrupted = false;
        while (!change.isDone()) {
            if (writeLock.tryLock()) {
                try {
                    writeWaitingChanges(change);
                } finally {
                    releaseWriteLock();
                }
            } else {
                LockSupport.park(this);
                // The change may be in a batch right now, so the wait goes on; the interrupt is kept for later.
                interrupted |= Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return change.result();
    }

    /** Lets go of the write lock, and wakes the oldest waiting change's caller to write what is left. */
    private void releaseWriteLock() {
        writeLock.unlock();
        IndexChange<?> next = waiting.peek();
        if (next != null) {
            LockSupport.unpark(next.caller);
        }
    }

    /**
     * For tests: holds back every change until the returned pause is closed, so that a test can line changes up
     * and see how they are grouped.
     */
    WritePause pauseWrites() {
        writeLock.lock();
        return this::releaseWriteLock;
    }

    /** A hold on every change, from {@link #pauseWrites}. */
    interface WritePause extends AutoCloseable {
        @Override
        void close();
    }

    /** How many changes wait to be written. */
    int waitingChanges() {
        return waiting.size();
    }

    /**
     * Under the write lock: writes the waiting changes in batches until none is left, or until {@code own} is made
     * and {@link #MAX_BATCHES_AFTER_OWN} more batches were written for others.
     */
    private void writeWaitingChanges(IndexChange<?> own) {
        int batchesAfterOwn = 0;
        while (batchesAfterOwn < MAX_BATCHES_AFTER_OWN) {
            WriteBatch batch = new WriteBatch();
            try {
                fill(batch);
            } catch (Error e) {
                failAll(batch.changes(), 0, e);
                throw e;
            }
            if (batch.isEmpty()) {
                return;
            }
            commit(batch);
            if (own.isDone()) {
                batchesAfterOwn++;
            }
        }
    }

    /** Takes waiting changes into {@code batch}, oldest first, until one touches what the batch touches. */
    private void fill(WriteBatch batch) {
        for (IndexChange<?> change = waiting.peek(); change != null && batch.changes().size() < MAX_BATCH;
                change = waiting.peek()) {
            try {
                if (!batch.offer(change, holders)) {
                    return; // it heads the next batch
                }
            } catch (RuntimeException e) {
                // Deciding it failed (the mirror is not what it should be): this change fails alone.
                change.fail(e);
                change.finish();
            }
            waiting.poll();
        }
    }

    /**
     * Commits {@code batch} in one transaction, then updates the mirror and wakes the callers. Should the
     * transaction fail, each change is written again in a transaction of its own, so that one bad change fails
     * alone. Whatever else goes wrong, every caller is woken, and none is told of a change that was not made.
     */
    private void commit(WriteBatch batch) {
        List<IndexChange<?>> changes = batch.changes();
        int settled = 0;
        try {
            long started = System.nanoTime();
            try {
                writeHandle().useTransaction(handle -> batch.write(writes));
            } catch (RuntimeException batchFailure) {
                for (; settled < changes.size(); settled++) {
                    commitAlone(changes.get(settled));
                }
                return;
            }
            commits.incrementAndGet();
            commitObserver.committed(changes.size(), System.nanoTime() - started);
            for (; settled < changes.size(); settled++) {
                changes.get(settled).committed(holders);
            }
        } catch (RuntimeException e) {
            failAll(changes, settled, e);
        } catch (Error e) {
            failAll(changes, settled, e);
            throw e;
        } finally {
            for (IndexChange<?> change : changes) {
                change.finish();
            }
        }
    }

    private void commitAlone(IndexChange<?> change) {
        try {
            long started = System.nanoTime();
            writeHandle().useTransaction(handle -> WriteBatch.write(writes, change.statements));
            commits.incrementAndGet();
            commitObserver.committed(1, System.nanoTime() - started);
            change.committed(holders);
        } catch (RuntimeException e) {
            change.fail(e);
        }
    }

    /** Fails {@code changes} from index {@code from} on, with {@code error} as the reason. */
    private static void failAll(List<IndexChange<?>> changes, int from, Throwable error) {
        RuntimeException failure = error instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("index change not made: " + error, error);
        for (int i = from; i < changes.size(); i++) {
            changes.get(i).fail(failure);
            changes.get(i).finish();
        }
    }

    private void requireOpen() {
        if (closing) {
            throw new IllegalStateException("the index store is closed");
        }
    }

    private Handle writeHandle() {
        if (writeHandle == null) {
            throw new IllegalStateException("the index store is closed");
        }
        return writeHandle;
    }

    @Override
    public int peerCount() {
        return read(handle -> handle.createQuery("SELECT COUNT(*) FROM peer").mapTo(Integer.class).one());
    }

    @Override
    public int recordCount() {
        return read(PeerQueries::recordCount);
    }

    @Override
    public List<PeerView> peers(int limit) {
        return read(handle -> PEERS.peers(handle, limit));
    }

    @Override
    public void observeCommits(CommitObserver observer) {
        commitObserver = observer;
    }

    /** Runs a read on a pooled handle, waiting in line for a permit rather than in the pool's retry loop. */
    private <T> T read(HandleCallback<T, RuntimeException> callback) {
        requireOpen();
        readPermits.acquireUninterruptibly();
        try {
            return jdbi.withHandle(callback);
        } finally {
            readPermits.release();
        }
    }

    /** Closes the database; an in-memory index is gone afterwards. */
    @Override
    public void close() {
        closing = true;
        writeLock.lock();
        try {
            if (writeHandle == null) {
                return; // closed already
            }
            writes.close(); // never throws, so the handle and SHUTDOWN below always follow
            writeHandle.close();
            writeHandle = null;
            // Plain JDBC: after SHUTDOWN the connection is closed, so Jdbi could not read an update count.
            jdbi.useHandle(handle -> {
                try (Statement statement = handle.getConnection().createStatement()) {
                    statement.execute("SHUTDOWN");
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot shut the index database down", e);
        } finally {
            pool.dispose();
            // Wakes any change that queued meanwhile, to be told the store is closed rather than wait forever.
            releaseWriteLock();
        }
    }
}
