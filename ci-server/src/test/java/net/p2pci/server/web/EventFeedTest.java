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

    private void remove(String host) {
        feed.publish(System.currentTimeMillis(), FeedEvent.Kind.REMOVED, host, 5678, "127.0.0.1", 0, null, 1,
                "reset");
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
    void aBrowserBackAfterAFloodOfAdditionsIsToldEveryRemovalItMissedThenTheLatestEvents() {
        publish(1); // the last event the browser had: number 1
        remove("gone-1.example");
        for (int rfc = 2; rfc <= EventFeed.RING_EVENTS; rfc++) {
            publish(rfc);
            if (rfc % 1000 == 0) {
                remove("gone-" + rfc + ".example");
            }
        }
        try (EventFeed.Subscription back = feed.subscribe(1)) {
            List<FeedEvent> batch = new ArrayList<>();
            back.drainTo(batch);
            assertThat(batch).filteredOn(event -> event.kind() == FeedEvent.Kind.REMOVED)
                    .extracting(FeedEvent::host).containsExactly("gone-1.example", "gone-1000.example",
                            "gone-2000.example", "gone-3000.example", "gone-4000.example", "gone-5000.example",
                            "gone-6000.example", "gone-7000.example", "gone-8000.example");
            assertThat(batch).extracting(FeedEvent::seq).isSorted().doesNotHaveDuplicates();
            assertThat(batch).filteredOn(event -> event.kind() == FeedEvent.Kind.ADDED)
                    .hasSize(EventFeed.SHOWN_EVENTS - 1); // the last 500 events hold one removal
        }
        try (EventFeed.Subscription fresh = feed.subscribe(0)) {
            assertThat(drain(fresh)).as("a new page is given the latest only").hasSize(EventFeed.SHOWN_EVENTS);
        }
    }

    @Test
    void theRemovalsKeptForABrowserThatWasAwayAreTheLastOfThemUpToTheLimit() {
        publish(1);
        for (int removal = 1; removal <= EventFeed.PEER_EVENTS; removal++) {
            remove("gone-" + removal + ".example");
        }
        for (int rfc = 2; rfc <= EventFeed.SHOWN_EVENTS + 1; rfc++) {
            publish(rfc);
        }
        assertThat(removalsToldAfter(1)).as("at the limit").hasSize(EventFeed.PEER_EVENTS)
                .startsWith("gone-1.example").endsWith("gone-" + EventFeed.PEER_EVENTS + ".example");

        remove("one-more.example"); // over by one, and numbered after the others
        for (int rfc = 1; rfc <= EventFeed.SHOWN_EVENTS; rfc++) {
            publish(rfc);
        }
        assertThat(removalsToldAfter(1)).as("over by one").hasSize(EventFeed.PEER_EVENTS)
                .startsWith("gone-2.example").endsWith("one-more.example");
    }

    private List<String> removalsToldAfter(long lastEventId) {
        try (EventFeed.Subscription back = feed.subscribe(lastEventId)) {
            List<FeedEvent> batch = new ArrayList<>();
            back.drainTo(batch);
            return batch.stream().filter(event -> event.kind() == FeedEvent.Kind.REMOVED).map(FeedEvent::host)
                    .toList();
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
