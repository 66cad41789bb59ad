package net.p2pci.server.web;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The latest index events, in a ring of fixed size, and their fan-out to the dashboards that follow them.
 *
 * <p>Thread-safe and never blocking the publisher, which is a peer's connection thread: the ring is an atomic array
 * written by sequence number; each subscriber has a bounded queue, and one whose queue is full (a browser that does
 * not read) is dropped rather than waited for. It reconnects and catches up from the ring.
 */
final class EventFeed {
    /** Events a dashboard shows and a reconnecting browser can catch up on: a lab's burst of joins fits. */
    static final int RING_EVENTS = 500;
    /**
     * Events waiting for one subscriber before it counts as not reading and is dropped: over a tenth of a second of
     * a flood of ADDs (30,000 a second), so that a dashboard that is sent them in batches keeps up.
     */
    static final int SUBSCRIBER_QUEUE_EVENTS = 4096;

    /** What a subscriber's queue holds after it was dropped: its thread ends at it. */
    private static final FeedEvent DROPPED = new FeedEvent(-1, 0, "dropped", "", 0, "", 0, null, 0, null);

    private final AtomicReferenceArray<FeedEvent> ring = new AtomicReferenceArray<>(RING_EVENTS);
    private final AtomicLong lastSeq = new AtomicLong();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

    /** A dashboard following the feed; its queue is read by the thread that streams to it. */
    final class Subscription implements AutoCloseable {
        private final BlockingQueue<FeedEvent> queue = new ArrayBlockingQueue<>(SUBSCRIBER_QUEUE_EVENTS);
        private volatile boolean dropped;

        /** The next event, waiting up to {@code millis}; null when none came, or when the subscription was dropped. */
        FeedEvent next(long millis) throws InterruptedException {
            FeedEvent event = queue.poll(millis, TimeUnit.MILLISECONDS);
            return event == DROPPED ? null : event;
        }

        /** Moves the events already waiting, up to the queue's size, into {@code batch}; never waits. */
        void drainTo(List<FeedEvent> batch) {
            queue.drainTo(batch, SUBSCRIBER_QUEUE_EVENTS);
            batch.removeIf(event -> event == DROPPED);
        }

        boolean isDropped() {
            return dropped;
        }

        private void drop() {
            dropped = true;
            subscriptions.remove(this);
            queue.clear();
            queue.offer(DROPPED);
        }

        @Override
        public void close() {
            subscriptions.remove(this);
        }
    }

    /** Records {@code event}'s details under the next number and passes it to every subscriber. */
    void publish(long epochMillis, String kind, String host, int port, String source, int rfc, String title,
            int records, String reason) {
        long seq = lastSeq.incrementAndGet();
        FeedEvent event = new FeedEvent(seq, epochMillis, kind, host, port, source, rfc, title, records, reason);
        ring.set((int) (seq % RING_EVENTS), event);
        for (Subscription subscription : subscriptions) {
            if (!subscription.queue.offer(event)) {
                subscription.drop();
            }
        }
    }

    /** Starts following the feed; events published from now on reach the subscription. */
    Subscription subscribe() {
        Subscription subscription = new Subscription();
        subscriptions.add(subscription);
        return subscription;
    }

    /** Drops every subscription, so that their streams end: the server is closing. */
    void dropAll() {
        subscriptions.forEach(Subscription::drop);
    }

    int subscribers() {
        return subscriptions.size();
    }

    /** The events still in the ring numbered after {@code afterSeq}, oldest first. */
    List<FeedEvent> since(long afterSeq) {
        long last = lastSeq.get();
        long from = Math.max(afterSeq + 1, Math.max(1, last - RING_EVENTS + 1));
        List<FeedEvent> events = new ArrayList<>();
        for (long seq = from; seq <= last; seq++) {
            FeedEvent event = ring.get((int) (seq % RING_EVENTS));
            if (event != null && event.seq() == seq) { // else overwritten meanwhile, or not yet written
                events.add(event);
            }
        }
        return events;
    }
}
