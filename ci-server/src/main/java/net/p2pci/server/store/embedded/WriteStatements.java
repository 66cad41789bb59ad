package net.p2pci.server.store.embedded;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import org.jdbi.v3.core.Handle;

/**
 * The index's write statements, prepared once on the connection of the store's one write {@link Handle} and kept
 * for as long as it is open. Each {@link WriteBatch} queues its rows on them and runs them as JDBC batches, inside
 * the transaction the handle has begun.
 *
 * <p>Everything else goes through Jdbi; the writes use plain JDBC on Jdbi's own connection because they are the
 * one path that runs under the store's write lock, where every microsecond holds up every writing peer. Jdbi
 * builds a statement context, a copy of its configuration and a named binding per statement and per row; with
 * these statements instead, the server took 20 % more ADDs under 64 connections.
 *
 * <p>Not thread-safe: used by the holder of the store's write lock only.
 */
final class WriteStatements implements AutoCloseable {
    // Their order is the order in which run() executes them; see WriteBatch#write.
    private static final int DELETE_RECORD = 0;
    private static final int DELETE_PEER = 1;
    private static final int INSERT_PEER = 2;
    private static final int INSERT_RECORD = 3;
    private static final int UPDATE_TITLE = 4;
    private static final String[] SQL = {
        "DELETE FROM rfc_record WHERE seq = ?",
        "DELETE FROM peer WHERE id = ?",
        "INSERT INTO peer (id, host, port, source_address) VALUES (?, ?, ?, ?)",
        "INSERT INTO rfc_record (seq, rfc_number, title, peer_id) VALUES (?, ?, ?, ?)",
        "UPDATE rfc_record SET title = ? WHERE seq = ?",
    };

    private final Connection connection;
    private final PreparedStatement[] statements = new PreparedStatement[SQL.length];
    /** Which statements have rows queued. */
    private final boolean[] queued = new boolean[SQL.length];

    WriteStatements(Handle handle) {
        this.connection = handle.getConnection();
    }

    void deleteRecord(long seq) throws SQLException {
        PreparedStatement statement = queue(DELETE_RECORD);
        statement.setLong(1, seq);
        statement.addBatch();
    }

    void deletePeer(long peerId) throws SQLException {
        PreparedStatement statement = queue(DELETE_PEER);
        statement.setLong(1, peerId);
        statement.addBatch();
    }

    void insertPeer(long peerId, String host, int port, String sourceAddress) throws SQLException {
        PreparedStatement statement = queue(INSERT_PEER);
        statement.setLong(1, peerId);
        statement.setString(2, host);
        statement.setInt(3, port);
        statement.setString(4, sourceAddress);
        statement.addBatch();
    }

    void insertRecord(long seq, long peerId, int number, String title) throws SQLException {
        PreparedStatement statement = queue(INSERT_RECORD);
        statement.setLong(1, seq);
        statement.setInt(2, number);
        statement.setString(3, title);
        statement.setLong(4, peerId);
        statement.addBatch();
    }

    void updateTitle(long seq, String title) throws SQLException {
        PreparedStatement statement = queue(UPDATE_TITLE);
        statement.setString(1, title);
        statement.setLong(2, seq);
        statement.addBatch();
    }

    /**
     * Executes the queued rows, one JDBC batch per statement: record deletions, peer deletions, new peers, new
     * records, new titles.
     */
    void run() throws SQLException {
        for (int i = 0; i < statements.length; i++) {
            if (queued[i]) {
                statements[i].executeBatch();
                queued[i] = false; // only now: a statement that failed may still hold rows, for discard()
            }
        }
    }

    /**
     * Drops whatever is still queued, so that nothing of a failed batch is run with the next one. A statement that
     * cannot even be cleared is closed, to be prepared again when next needed.
     */
    void discard() {
        for (int i = 0; i < statements.length; i++) {
            if (queued[i]) {
                queued[i] = false;
                try {
                    statements[i].clearBatch();
                } catch (SQLException e) {
                    closeQuietly(i);
                }
            }
        }
    }

    private void closeQuietly(int kind) {
        try {
            statements[kind].close();
        } catch (SQLException e) {
            // Already broken; it is dropped either way.
        }
        statements[kind] = null;
    }

    private PreparedStatement queue(int kind) throws SQLException {
        if (statements[kind] == null) {
            statements[kind] = connection.prepareStatement(SQL[kind]);
        }
        queued[kind] = true;
        return statements[kind];
    }

    /**
     * Closes the statements, as well as it can: one that fails to close is dropped all the same, and the
     * connection, the handle's, closes with it.
     */
    @Override
    public void close() {
        for (int i = 0; i < statements.length; i++) {
            if (statements[i] != null) {
                closeQuietly(i);
            }
        }
    }

    /** A write the database refused or could not make; the transaction around it is rolled back. */
    static final class WriteFailedException extends RuntimeException {
        WriteFailedException(SQLException cause) {
            super("the index database refused a write: " + cause.getMessage(), cause);
        }
    }
}
