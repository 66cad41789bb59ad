package net.p2pci.server.index;

/**
 * How much memory the index's records may take, in all and per source address, so that no client, or group of
 * clients at one address, can fill the heap with records and leave the server unable to serve anyone. Memory, not a
 * record count, because a record with a 500-character title costs several times one with a short title.
 *
 * <p>The cost of a record is an estimate ({@link net.p2pci.server.store.RecordSize}).
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
    public static final double DEFAULT_HEAP_SHARE = 0.40;
    /** One address (a lab behind one NAT, say) may hold a quarter of the index by default, never all of it. */
    public static final int DEFAULT_ADDRESS_SHARE_DIVISOR = 4;

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
}
