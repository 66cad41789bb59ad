package net.p2pci.server.store;

import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The queries both stores answer the dashboard with: the registered peers, oldest first, each with its record count
 * and, in the shared store, the name of the instance it is connected to. Immutable.
 *
 * <p>The counts come from one grouped scan of the records rather than a join per peer: the embedded store keeps no
 * index on a record's peer (every index is another B-tree to write on each ADD), and one scan is linear in the index
 * whichever database runs it.
 */
public final class PeerQueries {
    private final String peers;

    /**
     * The queries for a schema where {@code instanceColumn} (an expression over {@code peer p}, joined to whatever
     * {@code join} adds) names a peer's instance, or is NULL.
     */
    public PeerQueries(String instanceColumn, String join) {
        this.peers = "SELECT p.id, p.host, p.port, p.source_address, p.registered_at, " + instanceColumn
                + " FROM peer p " + join + " ORDER BY p.id LIMIT :limit";
    }

    /** The embedded store's: one instance, no name. */
    public static PeerQueries embedded() {
        return new PeerQueries("CAST(NULL AS VARCHAR(255))", "");
    }

    /** The shared store's: each peer with its instance's name. */
    public static PeerQueries shared() {
        return new PeerQueries("i.name", "JOIN server_instance i ON i.id = p.instance_id");
    }

    /** Up to {@code limit} registered peers, oldest first. */
    public List<PeerView> peers(Handle handle, int limit) {
        Map<Long, Integer> counts = new HashMap<>();
        handle.createQuery("SELECT peer_id, COUNT(*) FROM rfc_record GROUP BY peer_id")
                .map((row, context) -> Map.entry(row.getLong(1), row.getInt(2)))
                .forEach(entry -> counts.put(entry.getKey(), entry.getValue()));
        return handle.createQuery(peers).bind("limit", limit)
                .map((row, context) -> new PeerView(row.getLong(1), row.getString(2), row.getInt(3),
                        row.getString(4), row.getObject(5, OffsetDateTime.class).toInstant(),
                        counts.getOrDefault(row.getLong(1), 0), Optional.ofNullable(row.getString(6))))
                .list();
    }

    /** How many records the index holds. */
    public static int recordCount(Handle handle) {
        return handle.createQuery("SELECT COUNT(*) FROM rfc_record").mapTo(Integer.class).one();
    }
}
