package net.p2pci.peer.download;

import java.util.ArrayDeque;
import java.util.Deque;
import net.p2pci.protocol.ByteRange;

/**
 * The byte ranges of a multi-source download still to fetch: handed out one at a time to the holders' workers, and
 * given back (what is left of them) by a worker whose holder failed, for the others to take.
 *
 * <p>Thread-safe: every method holds the plan's monitor; a worker with nothing to take waits on it while ranges
 * are in flight, since a failing holder may give one back.
 */
final class RangePlan {
    private final Deque<ByteRange> free = new ArrayDeque<>();
    private int inFlight;

    /** Bytes {@code start..size-1} in ranges of at most {@code rangeBytes}. */
    RangePlan(long start, long size, long rangeBytes) {
        for (long first = start; first < size; first += rangeBytes) {
            free.add(new ByteRange(first, Math.min(size, first + rangeBytes) - 1));
        }
    }

    /**
     * The next range to fetch; null when none is left to take: all are fetched, or the deadline has passed, or
     * nothing is free and nobody is fetching.
     */
    synchronized ByteRange take(long deadlineNanos) throws InterruptedException {
        while (free.isEmpty() && inFlight > 0) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        ByteRange range = free.poll();
        if (range != null) {
            inFlight++;
        }
        return range;
    }

    /** {@code range} is in the file. */
    synchronized void done() {
        inFlight--;
        notifyAll();
    }

    /** {@code range}, taken earlier, could not be had: the part not yet in the file goes back, first in line. */
    synchronized void giveBack(ByteRange rest) {
        inFlight--;
        if (rest != null) {
            free.addFirst(rest);
        }
        notifyAll();
    }

    /** Whether every range is in the file. */
    synchronized boolean isComplete() {
        return free.isEmpty() && inFlight == 0;
    }
}
