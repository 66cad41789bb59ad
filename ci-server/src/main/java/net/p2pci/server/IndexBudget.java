package net.p2pci.server;

/**
 * How much memory the index's records may take, in all and per source address, so that no client, or group of
 * clients at one address, can fill the heap with records and leave the server unable to serve anyone. Memory, not a
 * record count, because a record with a 500-character title costs several times one with a short title.
 *
 * <p>The cost of a record is an estimate ({@link #recordBytes}) measured on the embedded store, which holds every
 * record twice: in the database and in the in-memory mirror.
 *
 * @param maxBytes           the most estimated bytes of records in the whole index
 * @param maxBytesPerAddress the most estimated bytes of records of the peers connected from one source address
 */
public record IndexBudget(long maxBytes, long maxBytesPerAddress) {
    /**
     * The share of the heap the records may take by default. The rest is for connections (a few KiB each), answers
     * being written, the database's caches and the garbage collector's headroom; with 40 %, ADD floods at -Xmx256m
     * and -Xmx512m are refused with the heap still a third free.
     */
    static final double DEFAULT_HEAP_SHARE = 0.40;
    /** One address (a lab behind one NAT, say) may hold a quarter of the index by default, never all of it. */
    static final int DEFAULT_ADDRESS_SHARE_DIVISOR = 4;
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

    public IndexBudget {
        if (maxBytes < 1 || maxBytesPerAddress < 1) {
            throw new IllegalArgumentException("an index memory budget must be positive");
        }
    }

    /** The default budget for a JVM whose heap may grow to {@code maxHeapBytes}. */
    public static IndexBudget forHeap(long maxHeapBytes) {
        long total = (long) (maxHeapBytes * DEFAULT_HEAP_SHARE);
        return new IndexBudget(total, total / DEFAULT_ADDRESS_SHARE_DIVISOR);
    }

    /** The default budget for this JVM's heap. */
    public static IndexBudget forThisHeap() {
        return forHeap(Runtime.getRuntime().maxMemory());
    }

    /** The estimated bytes a record with {@code title} costs the index. */
    static long recordBytes(String title) {
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
