package net.p2pci.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest index events, in a ring of fixed size that the dashboards following them read by sequence number.
 *
 * <p>Thread-safe, and publishing costs a peer's connection thread the same whether no dashboard or many follow: it
 * numbers the event and writes it into the ring, and that is all: no lock, no JSON, no wakeup of a stream (each
 * stream sleeps {@link WebServer#FEED_BATCH_MILLIS} and reads what came meanwhile, so a flood of events costs it one
 * read of the ring per interval, not a wakeup per event). Each subscriber keeps its own place in the ring and
 * reads from there when its stream wakes; one that falls a whole ring behind (a browser that does not read) is
 * dropped rather than waited for. It reconnects and catches up from what the ring still holds.
 *
 * <p>An earlier feed gave each subscriber a queue that the publisher offered every event to; with a dashboard
 * following a flood of ADDs, 64 connection threads contending for that queue's lock cost ADD a tenth of its
 * throughput (BENCHMARKS.md, "The web side on and off").
 */
final class EventFeed {
    /**
     * Events the ring holds for the dashboards that follow it: over a quarter of a second of a flood of ADDs (30,000
     * a second), so that a stream that wakes every {@link WebServer#FEED_BATCH_MILLIS} keeps up with room to spare.
     */
    static final int RING_EVENTS = 8192;
    /** Events a new page is given to start from, and /api/events answers: a lab's burst of joins fits. */
    static final int SHOWN_EVENTS = 500;

    private final AtomicReferenceArray<FeedEvent> ring = new AtomicReferenceArray<>(RING_EVENTS);
    private final AtomicLong lastSeq = new AtomicLong();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    /** A dashboard following the feed, and its place in the ring; read by the one thread that streams to it. */
    final class Subscription implements AutoCloseable {
        /** The last event it was given. */
        private long cursor;
        /** A number taken but not yet written into the ring when last looked at; skipped if still so next time. */
        private long unwritten;
        private volatile boolean dropped;

        private Subscription(long cursor) {
            this.cursor = cursor;
        }

        /**
         * Moves the events published since the last call into {@code batch}, oldest first; never waits. Drops the
         * subscription, adding nothing, when the ring has moved on past events it had not read.
         */
        void drainTo(List<FeedEvent> batch) {
            long last = lastSeq.get();
            if (last - cursor > RING_EVENTS) {
                drop();
                return;
            }
            for (long seq = cursor + 1; seq <= last; seq++) {
                FeedEvent event = ring.get(slot(seq));
                if (event == null || event.seq() < seq) {
                    // Numbered, not yet written: the publisher is between the two steps. Wait for it once.
                    if (unwritten != seq) {
                        unwritten = seq;
                        return;
                    }
                } else if (event.seq() > seq) {
                    drop(); // written over before this subscriber read it
                    return;
                } else {
                    batch.add(event);
                }
                cursor = seq;
            }
        }

        boolean isDropped() {
            return dropped;
        }

        private void drop() {
            dropped = true;
            subscriptions.remove(this);
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    private static int slot(long seq) {
        return (int) (seq % RING_EVENTS);
    }

    /**
     * Records {@code event}'s details under the next number, where subscribers will read it. Written with release
     * semantics: a subscriber's read of the slot sees the whole event, and the publisher need not wait for its store
     * to be seen by every core as a volatile write would make it.
     */
    void publish(long epochMillis, FeedEvent.Kind kind, String host, int port, String source, int rfc, String title,
            int records, String reason) {
        long seq = lastSeq.incrementAndGet();
        ring.setRelease(slot(seq), new FeedEvent(seq, epochMillis, kind, host, port, source, rfc, title, records,
                reason));
    }

    /**
     * Starts following the feed from just after event {@code afterSeq}, or from the last {@link #SHOWN_EVENTS} when
     * that is further back (a new page, or one that was away long).
     */
    Subscription subscribe(long afterSeq) {
        long last = lastSeq.get();
        Subscription subscription = new Subscription(Math.max(Math.min(afterSeq, last), last - SHOWN_EVENTS));
        subscriptions.add(subscription);
        return subscription;
    }

    /**
     * The latest events, at most {@link #SHOWN_EVENTS}, oldest first: what a new page is given to start from, read
     * as a subscriber that is never followed reads them (up to an event still being written, if one is).
     */
    List<FeedEvent> latest() {
        List<FeedEvent> events = new ArrayList<>();
        new Subscription(Math.max(0, lastSeq.get() - SHOWN_EVENTS)).drainTo(events);
        return events;
    }

    /** Drops every subscription, so that their streams end: the server is closing. */
    void dropAll() {
        subscriptions.forEach(Subscription::drop);
    }

    int subscribers() {
        return subscriptions.size();
    }
}
