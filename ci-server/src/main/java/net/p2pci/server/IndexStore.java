package net.p2pci.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import net.p2pci.protocol.RfcRecord;
import org.h2.jdbcx.JdbcConnectionPool;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/**
 * The index: peers and the RFC records they hold, kept in H2 through Jdbi. Every change that touches more than
 * one row runs in one transaction, so no reader ever sees a peer half-removed. The same content is mirrored in
 * memory ({@link HolderIndex}), so that LOOKUP, the most frequent request, and the checks before each write need
 * no database round trip.
 *
 * <p>Thread-safe: changes are made one at a time under {@link #writeLock}, on one database handle kept for them,
 * each to the database and to the mirror in an order that never lets the mirror show a record the database lacks
 * or one whose removal has begun; LOOKUP reads the mirror without locking; LIST takes a pooled handle.
 */
public final class IndexStore implements AutoCloseable {
    /** The schema's classpath location; its one source is {@code sql/schema.sql} at the top of the repository. */
    static final String SCHEMA_RESOURCE = "/sql/schema.sql";

    /** Enough connections to keep both cores busy while others wait on locks; H2 runs in this process. */
    private static final int MAX_DATABASE_CONNECTIONS = 16;
    /** The pooled connections left for reads: one is the write handle's for good. */
    private static final int READ_CONNECTIONS = MAX_DATABASE_CONNECTIONS - 1;

    private static final String SELECT_RECORDS = """
            SELECT r.rfc_number, r.title, p.host, p.port
            FROM rfc_record r JOIN peer p ON p.id = r.peer_id
            """;

    private static final RowMapper<RfcRecord> RECORD_MAPPER = (row, context) ->
            new RfcRecord(row.getInt(1), row.getString(2), row.getString(3), row.getInt(4));

    private final JdbcConnectionPool pool;
    private final Jdbi jdbi;
    /** Held by every change, around its database statements and its update of {@link #holders}. */
    private final ReentrantLock writeLock = new ReentrantLock();
    private final HolderIndex holders = new HolderIndex();
    /** The one handle changes use, under {@link #writeLock}; opened with the store, so no write waits for one. */
    private Handle writeHandle;
    /**
     * Taken, first come first served, before a read borrows a pooled connection. H2's pool makes a caller that
     * finds every connection busy sleep a millisecond and try again, which is unfair: under 64 concurrent LISTs
     * some waited past a client's 10 s timeout while others were served over and over. With at most as many
     * readers as connections, the pool never has to make anyone wait.
     */
    private final Semaphore readPermits = new Semaphore(READ_CONNECTIONS, true);

    private IndexStore(JdbcConnectionPool pool) {
        this.pool = pool;
        this.jdbi = Jdbi.create(pool);
    }

    /** Opens the database at {@code jdbcUrl} and empties it, as the protocol asks of a starting server. */
    public static IndexStore open(String jdbcUrl) {
        JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "sa", "");
        pool.setMaxConnections(MAX_DATABASE_CONNECTIONS);
        IndexStore store = new IndexStore(pool);
        try {
            store.jdbi.useHandle(handle -> handle.createScript(readSchema()).execute());
            store.writeHandle = store.jdbi.open();
        } catch (RuntimeException e) {
            pool.dispose();
            throw e;
        }
        return store;
    }

    /** What a registration attempt did. */
    public sealed interface Registration {
        /** Registered; {@code replacedPeerId} names the stale registration of the same host:port it replaced. */
        record Registered(Optional<Long> replacedPeerId, int replacedRecords) implements Registration {
        }

        /** Refused: the host:port is registered by a connection from another source address. */
        record Refused(String holderSourceAddress) implements Registration {
        }
    }

    /**
     * Registers the peer of connection {@code peerId} at {@code host:port}. A registration of the same host:port
     * by another connection from the same source address is stale (that peer restarted, or its connection is
     * half-dead) and is replaced, its records with it, so that a LOOKUP never shows the same holder twice. From
     * another address the takeover is refused, so no one can evict another peer's records.
     */
    public Registration registerPeer(long peerId, String host, int port, String sourceAddress) {
        writeLock.lock();
        try {
            Optional<HolderIndex.Registered> stale = holders.findPeer(host, port);
            if (stale.isPresent() && !stale.get().sourceAddress().equals(sourceAddress)) {
                return new Registration.Refused(stale.get().sourceAddress());
            }
            int staleRecords = 0;
            if (stale.isPresent()) {
                staleRecords = holders.removePeer(stale.get().peerId()).orElse(0);
            }
            writeHandle.useTransaction(handle -> {
                if (stale.isPresent()) {
                    deletePeer(handle, stale.get().peerId());
                }
                handle.createUpdate("INSERT INTO peer (id, host, port, source_address) VALUES (:id, :host, :port, :source)")
                        .bind("id", peerId).bind("host", host).bind("port", port).bind("source", sourceAddress)
                        .execute();
            });
            holders.putPeer(peerId, host, port, sourceAddress);
            return new Registration.Registered(stale.map(HolderIndex.Registered::peerId), staleRecords);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Records that peer {@code peerId} holds RFC {@code number}. A repeated ADD of the same RFC by the same peer
     * keeps one record and takes the newer title; a new RFC is refused once the peer holds {@code maxRecords}.
     *
     * @return false when the peer already holds {@code maxRecords} records and this RFC is not one of them
     * @throws PeerGoneException when the peer's registration was replaced by a newer connection
     */
    public boolean addRecord(long peerId, int number, String title, int maxRecords) {
        writeLock.lock();
        try {
            if (!holders.hasPeer(peerId)) {
                throw new PeerGoneException(peerId);
            }
            if (holders.holds(peerId, number)) {
                writeHandle.createUpdate(
                                "UPDATE rfc_record SET title = :title WHERE rfc_number = :number AND peer_id = :peer")
                        .bind("number", number).bind("title", title).bind("peer", peerId)
                        .execute();
            } else if (holders.recordCount(peerId) >= maxRecords) {
                return false;
            } else {
                writeHandle.createUpdate(
                                "INSERT INTO rfc_record (rfc_number, title, peer_id) VALUES (:number, :title, :peer)")
                        .bind("number", number).bind("title", title).bind("peer", peerId)
                        .execute();
            }
            holders.putRecord(peerId, number, title);
            return true;
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLIntegrityConstraintViolationException) {
                throw new PeerGoneException(peerId);
            }
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /** Every holder of RFC {@code number}, in the order they registered it, from the in-memory mirror. */
    public List<RfcRecord> lookup(int number) {
        return holders.lookup(number);
    }

    /** What {@link #lookup} answers, asked of the database itself: for tests that hold the mirror to it. */
    List<RfcRecord> lookupInDatabase(int number) {
        return read(handle -> handle.createQuery(SELECT_RECORDS + "WHERE r.rfc_number = :number ORDER BY r.seq")
                .bind("number", number)
                .map(RECORD_MAPPER)
                .list());
    }

    /** Every record in the index, in registration order. */
    public List<RfcRecord> listAll() {
        return read(handle -> handle.createQuery(SELECT_RECORDS + "ORDER BY r.seq")
                .map(RECORD_MAPPER)
                .list());
    }

    /**
     * Removes peer {@code peerId} and all its records in one transaction.
     *
     * @return how many records went, or empty when the peer was not registered (never, or already replaced)
     */
    public Optional<Integer> removePeer(long peerId) {
        writeLock.lock();
        try {
            // The mirror first: from now on no LOOKUP shows this peer, even before the database has deleted it.
            OptionalInt records = holders.removePeer(peerId);
            int deleted = deletePeer(writeHandle, peerId);
            return deleted == 0 || records.isEmpty() ? Optional.empty() : Optional.of(records.getAsInt());
        } finally {
            writeLock.unlock();
        }
    }

    /** How many peers are registered. */
    public int peerCount() {
        return read(handle -> handle.createQuery("SELECT COUNT(*) FROM peer").mapTo(Integer.class).one());
    }

    /** Runs a read on a pooled handle, waiting in line for a permit rather than in the pool's retry loop. */
    private <T> T read(HandleCallback<T, RuntimeException> callback) {
        readPermits.acquireUninterruptibly();
        try {
            return jdbi.withHandle(callback);
        } finally {
            readPermits.release();
        }
    }

    private static int deletePeer(Handle handle, long peerId) {
        return handle.createUpdate("DELETE FROM peer WHERE id = :peer").bind("peer", peerId).execute();
    }

    private static String readSchema() {
        try (InputStream schema = IndexStore.class.getResourceAsStream(SCHEMA_RESOURCE)) {
            if (schema == null) {
                throw new IllegalStateException("schema " + SCHEMA_RESOURCE + " is missing from the classpath");
            }
            return new String(schema.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read schema " + SCHEMA_RESOURCE, e);
        }
    }

    /** Closes the database; an in-memory index is gone afterwards. */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (writeHandle != null) {
                writeHandle.close();
                writeHandle = null;
            }
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
            writeLock.unlock();
        }
    }
}
