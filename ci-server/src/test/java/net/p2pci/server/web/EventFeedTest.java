package net.p2pci.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The feed's ring and the subscribers reading it: a browser that falls a ring behind is dropped, never waited for. */
class EventFeedTest {
    private final EventFeed feed = new EventFeed();

    private void publish(int rfc) {
        feed.publish(System.currentTimeMillis(), FeedEvent.Kind.ADDED, "a.example", 5678, "127.0.0.1", rfc,
                "Title " + rfc, 0, null);
    }

    private static List<Integer> drain(EventFeed.Subscription subscription) {
        List<FeedEvent> batch = new ArrayList<>();
        subscription.drainTo(batch);
        return batch.stream().map(FeedEvent::rfc).toList();
    }

    @Test
    void aNewPageIsShownTheLatestEventsInOrder() {
        for (int rfc = 1; rfc <= EventFeed.SHOWN_EVENTS + 10; rfc++) {
            publish(rfc);
        }
        assertThat(feed.latest()).hasSize(EventFeed.SHOWN_EVENTS)
                .extracting(FeedEvent::rfc).startsWith(11, 12).endsWith(EventFeed.SHOWN_EVENTS + 10);
        try (EventFeed.Subscription page = feed.subscribe(0)) {
            assertThat(drain(page)).hasSize(EventFeed.SHOWN_EVENTS).startsWith(11).endsWith(
                    EventFeed.SHOWN_EVENTS + 10);
        }
    }

    @Test
    void aReconnectingBrowserGetsWhatCameAfterItsLastEventId() {
        for (int rfc = 1; rfc <= 10; rfc++) {
            publish(rfc);
        }
        try (EventFeed.Subscription back = feed.subscribe(8)) {
            assertThat(drain(back)).containsExactly(9, 10);
            assertThat(drain(back)).isEmpty();
        }
        try (EventFeed.Subscription ahead = feed.subscribe(99)) { // a number from a server since restarted
            publish(11);
            assertThat(drain(ahead)).containsExactly(11);
        }
    }

    @Test
    void aSubscriberGetsEachEventPublishedAfterItSubscribedOnceAndInOrder() {
        publish(1);
        try (EventFeed.Subscription subscription = feed.subscribe(1)) {
            publish(2);
            publish(3);
            assertThat(drain(subscription)).containsExactly(2, 3);
            publish(4);
            assertThat(drain(subscription)).containsExactly(4);
            assertThat(drain(subscription)).isEmpty();
        }
        assertThat(feed.subscribers()).isZero();
    }

    @Test
    void aSubscriberThatFallsAWholeRingBehindIsDroppedAndThePublisherGoesOn() {
        EventFeed.Subscription reading = feed.subscribe(0);
        EventFeed.Subscription stalled = feed.subscribe(0);
        for (int rfc = 1; rfc <= EventFeed.RING_EVENTS; rfc++) {
            publish(rfc);
        }
        assertThat(drain(reading)).hasSize(EventFeed.RING_EVENTS);
        assertThat(stalled.isDropped()).as("at the limit").isFalse();

        publish(EventFeed.RING_EVENTS + 1); // over by one

        assertThat(drain(stalled)).isEmpty();
        assertThat(stalled.isDropped()).isTrue();
        assertThat(drain(reading)).containsExactly(EventFeed.RING_EVENTS + 1);
        assertThat(reading.isDropped()).isFalse();
        assertThat(feed.subscribers()).isEqualTo(1);
    }

    @Test
    void dropAllEndsEveryStream() {
        EventFeed.Subscription one = feed.subscribe(0);
        EventFeed.Subscription two = feed.subscribe(0);
        feed.dropAll();
        assertThat(one.isDropped()).isTrue();
        assertThat(two.isDropped()).isTrue();
        assertThat(feed.subscribers()).isZero();
    }
}
