package net.p2pci.server.web;

import java.util.function.IntSupplier;

/**
 * The index's peer and record counts as the web side shows them, read from the store at most once per
 * {@link #MAX_AGE_NANOS}: however many dashboards and scrapers ask, the database counts once a second (a count of a
 * large shared index is a scan). Thread-safe: one immutable reading, replaced whole.
 */
final class IndexCounts {
    /** How old a reading may be: the dashboard reads its figures once a second. */
    static final long MAX_AGE_NANOS = 1_000_000_000L;

    /** One reading of both counts, and when it was taken. */
    private record Reading(int peers, int records, long readAtNanos) {
    }

    private final IntSupplier peerCount;
    private final IntSupplier recordCount;
    private volatile Reading reading;

    IndexCounts(IntSupplier peerCount, IntSupplier recordCount) {
        this.peerCount = peerCount;
        this.recordCount = recordCount;
    }

    int peers() {
        return current().peers();
    }

    int records() {
        return current().records();
    }

    /** The reading, read again when it is too old; two threads may both read, which costs one count more. */
    private Reading current() {
        Reading last = reading;
        long now = System.nanoTime();
        if (last == null || now - last.readAtNanos() > MAX_AGE_NANOS) {
            last = new Reading(peerCount.getAsInt(), recordCount.getAsInt(), now);
            reading = last;
        }
        return last;
    }
}
