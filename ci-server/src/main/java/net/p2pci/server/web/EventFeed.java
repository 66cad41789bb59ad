package net.p2pci.server.web;

import java.util.ArrayList;
import java.util.Comparator;
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
 * dropped rather than waited for. It reconnects and catches up from what the ring still holds, and is told every
 * registration and removal it missed besides: those are kept in a second, smaller ring too, which a flood of ADDs
 * does not overwrite.
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
    /**
     * Registrations and removals kept for a browser that reconnects after more events than it is given again: a
     * lab's worth of peers each joining and leaving a few times, whatever number of ADDs came between.
     */
    static final int PEER_EVENTS = 1024;

    private final AtomicReferenceArray<FeedEvent> ring = new AtomicReferenceArray<>(RING_EVENTS);
    private final AtomicLong lastSeq = new AtomicLong();
    /** Registrations and removals only, by a count of their own; each also in {@link #ring}. */
    private final AtomicReferenceArray<FeedEvent> peerEvents = new AtomicReferenceArray<>(PEER_EVENTS);
    private final AtomicLong lastPeerEvent = new AtomicLong();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    /** A dashboard following the feed, and its place in the ring; read by the one thread that streams to it. */
    final class Subscription implements AutoCloseable {
        /** The last event it was given. */
        private long cursor;
        /** A number taken but not yet written into the ring when last looked at; skipped if still so next time. */
        private long unwritten;
        /** Registrations and removals from before {@link #cursor} that it is to be given first. */
        private List<FeedEvent> missed;
        private volatile boolean dropped;

        private Subscription(long cursor, List<FeedEvent> missed) {
            this.cursor = cursor;
            this.missed = missed;
        }

        /**
         * Moves the events published since the last call into {@code batch}, oldest first; never waits. Drops the
         * subscription, adding nothing, when the ring has moved on past events it had not read.
         */
        void drainTo(List<FeedEvent> batch) {
            batch.addAll(missed);
            missed = List.of();
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
        FeedEvent event = new FeedEvent(seq, epochMillis, kind, host, port, source, rfc, title, records, reason);
        ring.setRelease(slot(seq), event);
        if (kind != FeedEvent.Kind.ADDED) {
            peerEvents.setRelease((int) (lastPeerEvent.incrementAndGet() % PEER_EVENTS), event);
        }
    }

    /**
     * Starts following the feed from just after event {@code afterSeq}, or from the last {@link #SHOWN_EVENTS} when
     * that is further back (a new page, or one that was away long); one that was away long is first given the
     * registrations and removals it missed before those, as far as the last {@link #PEER_EVENTS} of them go back.
     */
    Subscription subscribe(long afterSeq) {
        long last = lastSeq.get();
        long start = Math.max(Math.min(afterSeq, last), last - SHOWN_EVENTS);
        Subscription subscription = new Subscription(start, peerEventsBetween(afterSeq, start));
        subscriptions.add(subscription);
        return subscription;
    }

    /** The registrations and removals numbered after {@code afterSeq} up to {@code upToSeq} still kept, in order. */
    private List<FeedEvent> peerEventsBetween(long afterSeq, long upToSeq) {
        if (afterSeq <= 0 || afterSeq >= upToSeq) {
            return List.of(); // a new page, or nothing skipped
        }
        List<FeedEvent> events = new ArrayList<>();
        for (int slot = 0; slot < PEER_EVENTS; slot++) {
            FeedEvent event = peerEvents.get(slot);
            if (event != null && event.seq() > afterSeq && event.seq() <= upToSeq) {
                events.add(event);
            }
        }
        events.sort(Comparator.comparingLong(FeedEvent::seq));
        return events;
    }

    /**
     * The latest events, at most {@link #SHOWN_EVENTS}, oldest first: what a new page is given to start from, read
     * as a subscriber that is never followed reads them (up to an event still being written, if one is).
     */
    List<FeedEvent> latest() {
        List<FeedEvent> events = new ArrayList<>();
        new Subscription(Math.max(0, lastSeq.get() - SHOWN_EVENTS), List.of()).drainTo(events);
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
