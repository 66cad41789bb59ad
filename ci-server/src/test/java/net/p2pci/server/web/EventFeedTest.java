package net.p2pci.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The feed's ring and its fan-out: a browser that does not read is dropped, never waited for. */
class EventFeedTest {
    private final EventFeed feed = new EventFeed();

    private void publish(int rfc) {
        feed.publish(System.currentTimeMillis(), "added", "a.example", 5678, "127.0.0.1", rfc, "Title " + rfc, 0, null);
    }

    @Test
    void theRingKeepsTheLatestEventsInOrder() {
        for (int rfc = 1; rfc <= EventFeed.RING_EVENTS + 10; rfc++) {
            publish(rfc);
        }
        assertThat(feed.since(0)).hasSize(EventFeed.RING_EVENTS)
                .extracting(FeedEvent::rfc).startsWith(11, 12).endsWith(EventFeed.RING_EVENTS + 10);
        assertThat(feed.since(EventFeed.RING_EVENTS + 8)).extracting(FeedEvent::seq)
                .containsExactly(EventFeed.RING_EVENTS + 9L, EventFeed.RING_EVENTS + 10L);
        assertThat(feed.since(EventFeed.RING_EVENTS + 10)).isEmpty();
    }

    @Test
    void aSubscriberGetsEachEventPublishedAfterItSubscribed() throws InterruptedException {
        publish(1);
        try (EventFeed.Subscription subscription = feed.subscribe()) {
            publish(2);
            publish(3);
            assertThat(subscription.next(1000).rfc()).isEqualTo(2);
            assertThat(subscription.next(1000).rfc()).isEqualTo(3);
            assertThat(subscription.next(1)).isNull();
        }
        assertThat(feed.subscribers()).isZero();
    }

    @Test
    void aSubscriberThatDoesNotReadIsDroppedAtItsQueuesLimitAndThePublisherGoesOn() throws InterruptedException {
        EventFeed.Subscription reading = feed.subscribe();
        EventFeed.Subscription stalled = feed.subscribe();
        for (int rfc = 1; rfc <= EventFeed.SUBSCRIBER_QUEUE_EVENTS; rfc++) {
            publish(rfc);
            assertThat(reading.next(1000).rfc()).isEqualTo(rfc);
        }
        assertThat(stalled.isDropped()).as("at the limit").isFalse();

        publish(EventFeed.SUBSCRIBER_QUEUE_EVENTS + 1); // over by one

        assertThat(stalled.isDropped()).isTrue();
        assertThat(stalled.next(1000)).as("its queue ends").isNull();
        assertThat(reading.isDropped()).isFalse();
        assertThat(reading.next(1000).rfc()).isEqualTo(EventFeed.SUBSCRIBER_QUEUE_EVENTS + 1);
        assertThat(feed.subscribers()).isEqualTo(1);
    }

    @Test
    void dropAllEndsEveryStream() throws InterruptedException {
        EventFeed.Subscription one = feed.subscribe();
        EventFeed.Subscription two = feed.subscribe();
        feed.dropAll();
        assertThat(one.isDropped()).isTrue();
        assertThat(two.next(1000)).isNull();
        assertThat(feed.subscribers()).isZero();
    }
}
