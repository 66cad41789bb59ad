package net.p2pci.server.store;

/**
 * The estimated memory a record costs the server, which the index's memory budget is counted in. Measured on the
 * embedded store, which holds every record twice: in the database and in its in-memory mirror.
 */
public final class RecordSize {
    /**
     * The bytes a record costs besides its title, measured: the mirror's record and list slot, the peer's arrays,
     * and the database row and its B-tree entry.
     */
    static final long RECORD_OVERHEAD_BYTES = 240;
    /**
     * Bytes per title character: one copy in the mirror and one in the database, one byte a character each; a title
     * with a character beyond Latin-1 is held in two bytes a character, so it counts twice as much.
     */
    static final long BYTES_PER_TITLE_CHAR = 2;

    private RecordSize() {
    }

    /** The estimated bytes a record with {@code title} costs the index. */
    public static long of(String title) {
        return RECORD_OVERHEAD_BYTES + BYTES_PER_TITLE_CHAR * title.length() * (isLatin1(title) ? 1 : 2);
    }

    private static boolean isLatin1(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                return false;
            }
        }
        return true;
    }
}
