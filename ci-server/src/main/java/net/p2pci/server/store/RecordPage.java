package net.p2pci.server.store;

import java.util.List;
import net.p2pci.protocol.RfcRecord;

/**
 * One page of the index's records in registration order, for a LIST written a page at a time: the records, where
 * the next page starts, and whether there is one.
 */
public record RecordPage(List<RfcRecord> records, Cursor next, boolean hasMore) {
    /** A position in registration order: the seq of the last record read; {@link #START} before the first. */
    public record Cursor(long seq) {
        public static final Cursor START = new Cursor(0);
    }

    /** A record with its row's seq. */
    public record Row(long seq, RfcRecord record) {
    }

    /** The page of the first {@code limit} of {@code rows}, which were read with one more to tell if more follow. */
    public static RecordPage of(List<Row> rows, int limit) {
        boolean hasMore = rows.size() > limit;
        List<Row> page = hasMore ? rows.subList(0, limit) : rows;
        Cursor next = page.isEmpty() ? Cursor.START : new Cursor(page.get(page.size() - 1).seq());
        return new RecordPage(page.stream().map(Row::record).toList(), next, hasMore);
    }
}
