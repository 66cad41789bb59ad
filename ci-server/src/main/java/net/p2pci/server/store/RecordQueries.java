package net.p2pci.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import net.p2pci.protocol.RfcRecord;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.mapper.RowMapper;

/**
 * The queries both stores answer LOOKUP and LIST with: a record joined with its peer, in registration order, which
 * each store's schema keeps in a column of its own ({@code seq} in H2, {@code id} in PostgreSQL). Immutable.
 */
public final class RecordQueries {
    private static final String SELECT_RECORDS = """
            SELECT r.%1$s, r.rfc_number, r.title, p.host, p.port
            FROM rfc_record r JOIN peer p ON p.id = r.peer_id
            """;
    private static final RowMapper<RecordPage.Row> ROW_MAPPER = (row, context) -> new RecordPage.Row(row.getLong(1),
            new RfcRecord(row.getInt(2), row.getString(3), row.getString(4), row.getInt(5)));

    private final String lookup;
    private final String lookupJdbc;
    private final String page;

    /** The queries for a schema whose registration order is column {@code orderColumn} of {@code rfc_record}. */
    public RecordQueries(String orderColumn) {
        String select = SELECT_RECORDS.formatted(orderColumn);
        this.lookup = select + "WHERE r.rfc_number = :number ORDER BY r." + orderColumn;
        this.lookupJdbc = select + "WHERE r.rfc_number = ? ORDER BY r." + orderColumn;
        this.page = select + "WHERE r." + orderColumn + " > :after ORDER BY r." + orderColumn + " LIMIT :limit";
    }

    /** Every holder of RFC {@code number}, in registration order. */
    public List<RfcRecord> lookup(Handle handle, int number) {
        return handle.createQuery(lookup).bind("number", number).map(ROW_MAPPER).map(RecordPage.Row::record).list();
    }

    /**
     * {@link #lookup(Handle, int)} in plain JDBC, for the shared store's hottest path: without Jdbi's statement
     * context and named binding, and on the driver's cache of prepared statements.
     */
    public List<RfcRecord> lookup(Connection connection, int number) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(lookupJdbc)) {
            statement.setInt(1, number);
            try (ResultSet rows = statement.executeQuery()) {
                List<RfcRecord> records = new ArrayList<>();
                while (rows.next()) {
                    records.add(new RfcRecord(rows.getInt(2), rows.getString(3), rows.getString(4), rows.getInt(5)));
                }
                return records;
            }
        }
    }

    /** Up to {@code limit} records, in registration order, from the one after {@code after} on. */
    public RecordPage page(Handle handle, RecordPage.Cursor after, int limit) {
        List<RecordPage.Row> rows = handle.createQuery(page)
                .bind("after", after.seq())
                .bind("limit", limit + 1) // one more, to tell whether another page follows
                .map(ROW_MAPPER)
                .list();
        return RecordPage.of(rows, limit);
    }
}
