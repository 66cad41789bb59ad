package net.p2pci.server.store.embedded;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The database statements of several index changes, committed together in one transaction (group commit), and
 * the changes to the in-memory mirror that must wait for that commit.
 *
 * <p>No two changes in one batch may touch the same peer or endpoint ({@link #touches}): then no change in it
 * depends on another's uncommitted row or deferred mirror entry, and the statements may run grouped by kind, each
 * kind as one JDBC batch, in a fixed order. Not thread-safe: {@link EmbeddedStore} fills and writes a batch while
 * holding its write lock.
 */
final class WriteBatch {
    /** One statement a change needs. */
    sealed interface Statement {
        record DeleteRecord(long seq) implements Statement {
        }

        record DeletePeer(long peerId) implements Statement {
        }

        record InsertPeer(long peerId, String host, int port, String sourceAddress) implements Statement {
        }

        record InsertRecord(long seq, long peerId, int number, String title) implements Statement {
        }

        record UpdateTitle(long seq, String title) implements Statement {
        }
    }

    private final List<IndexChange<?>> changes = new ArrayList<>();
    private final Set<Long> peers = new HashSet<>();
    private final Set<String> endpoints = new HashSet<>();

    /** Whether a change of this batch already touches peer {@code peerId}. */
    boolean touchesPeer(long peerId) {
        return peers.contains(peerId);
    }

    /** Whether a change of this batch already touches the endpoint {@code host:port}. */
    boolean touchesEndpoint(String host, int port) {
        return endpoints.contains(HolderIndex.endpoint(host, port));
    }

    /** Marks peer {@code peerId} as touched by a change of this batch. */
    void touch(long peerId) {
        peers.add(peerId);
    }

    /** Marks the endpoint {@code host:port} as touched by a change of this batch. */
    void touch(String host, int port) {
        endpoints.add(HolderIndex.endpoint(host, port));
    }

    /**
     * Takes {@code change} into the batch, deciding it against {@code mirror}, unless it conflicts with a change
     * already in it; then the batch must be committed first.
     *
     * @return false when the change conflicts and was not taken
     */
    boolean offer(IndexChange<?> change, HolderIndex mirror) {
        if (change.conflictsWith(this, mirror)) {
            return false;
        }
        change.prepare(this, mirror);
        changes.add(change);
        return true;
    }

    boolean isEmpty() {
        return changes.isEmpty();
    }

    /** The batch's changes, in the order they were taken. */
    List<IndexChange<?>> changes() {
        return changes;
    }

    /** Runs the statements of every change in the batch through {@code writes}, in the caller's transaction. */
    void write(WriteStatements writes) {
        List<Statement> statements = new ArrayList<>();
        for (IndexChange<?> change : changes) {
            statements.addAll(change.statements);
        }
        write(writes, statements);
    }

    /**
     * Runs {@code statements} grouped by kind, each kind one JDBC batch: deletions first (records, then peers),
     * then new peers, new records and new titles. Within one change that is also the order it needs (a stale peer
     * goes before its endpoint is registered again); across changes the order does not matter, as they touch
     * different peers.
     */
    static void write(WriteStatements writes, List<Statement> statements) {
        try {
            for (Statement statement : statements) {
                switch (statement) {
                    case Statement.DeleteRecord delete -> writes.deleteRecord(delete.seq());
                    case Statement.DeletePeer delete -> writes.deletePeer(delete.peerId());
                    case Statement.InsertPeer peer ->
                            writes.insertPeer(peer.peerId(), peer.host(), peer.port(), peer.sourceAddress());
                    case Statement.InsertRecord record ->
                            writes.insertRecord(record.seq(), record.peerId(), record.number(), record.title());
                    case Statement.UpdateTitle update -> writes.updateTitle(update.seq(), update.title());
                }
            }
            writes.run();
        } catch (SQLException e) {
            throw new WriteStatements.WriteFailedException(e);
        } finally {
            writes.discard();
        }
    }
}
