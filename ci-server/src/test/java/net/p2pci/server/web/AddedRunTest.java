package net.p2pci.server.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.p2pci.server.web.FeedEvent.Kind;
import org.junit.jupiter.api.Test;

/**
 * A batch of the feed told as entries: each peer's additions in a row become one entry, and every registration and
 * removal is still told, in its place.
 */
class AddedRunTest {
    private final EventFeed feed = new EventFeed();

    private void registered(String host) {
        feed.publish(1000, Kind.REGISTERED, host, 5678, "127.0.0.1", 0, null, 0, null);
    }

    private void added(String host, int rfc) {
        feed.publish(1000 + rfc, Kind.ADDED, host, 5678, "127.0.0.1", rfc, "Title " + rfc, 0, null);
    }

    private void removed(String host, int records) {
        feed.publish(9000, Kind.REMOVED, host, 5678, "127.0.0.1", 0, null, records, "reset");
    }

    private List<String> entries() {
        return AddedRun.coalesce(feed.latest()).stream().map(AddedRunTest::describe).toList();
    }

    private static String describe(FeedEntry entry) {
        return switch (entry) {
            case AddedRun run -> run.first().host() + " added " + run.count() + ": " + run.first().rfc() + ".."
                    + run.last().rfc() + " #" + run.seq();
            case FeedEvent event -> event.host() + " " + event.kind().wireName()
                    + (event.kind() == Kind.ADDED ? " " + event.rfc() : "") + " #" + event.seq();
        };
    }

    @Test
    void aPeersAdditionsInARowAreOneEntryInThePlaceOfTheLast() {
        registered("a.example");
        for (int rfc = 1; rfc <= 300; rfc++) {
            added("a.example", rfc);
        }
        assertThat(entries()).containsExactly("a.example registered #1", "a.example added 300: 1..300 #301");
    }

    @Test
    void aSingleAdditionIsToldAsItselfAsBefore() {
        added("a.example", 791);
        assertThat(entries()).containsExactly("a.example added 791 #1");
        assertThat(AddedRun.coalesce(feed.latest()).getFirst().toJson()).contains("\"kind\":\"added\"")
                .contains("\"rfc\":791").doesNotContain("count");
    }

    @Test
    void peersAddingAtOnceAreEachToldAsOneEntryAndTheNumbersStillRise() {
        for (int rfc = 1; rfc <= 6; rfc++) {
            added(rfc % 2 == 0 ? "a.example" : "b.example", rfc);
        }
        assertThat(entries()).containsExactly("b.example added 3: 1..5 #5", "a.example added 3: 2..6 #6");
    }

    @Test
    void aRemovalIsNeverSwallowedAndEndsTheRunBeforeIt() {
        added("a.example", 1);
        added("a.example", 2);
        added("b.example", 3);
        removed("a.example", 2);
        registered("a.example");
        added("a.example", 4);
        added("a.example", 5);
        removed("b.example", 1);
        assertThat(entries()).containsExactly("a.example added 2: 1..2 #2", "b.example added 3 #3",
                "a.example removed #4", "a.example registered #5", "a.example added 2: 4..5 #7",
                "b.example removed #8");
    }

    @Test
    void aRunIsWrittenAsAnAdditionThatSaysHowManyAndTheFirstAndLast() {
        added("a.example", 1);
        added("a.example", 2);
        added("a.example", 3);
        String json = AddedRun.coalesce(feed.latest()).getFirst().toJson();
        assertThat(json).contains("\"seq\":3", "\"kind\":\"added\"", "\"host\":\"a.example\"", "\"rfc\":1",
                "\"title\":\"Title 1\"", "\"count\":3", "\"lastRfc\":3", "\"lastTitle\":\"Title 3\"");
    }
}
