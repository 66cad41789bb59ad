package net.p2pci.server.web;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.p2pci.web.Json;

/**
 * One peer's additions within one batch of the feed, told as one entry: how many, the first and the last. Immutable.
 *
 * <p>A peer that adds its whole collection at once publishes an event per RFC: under a flood of ADDs at 64
 * connections the stream's thread JSON-encoded some 23,000 a second, on the same two cores as the ADDs, for a browser
 * that can show none of them one by one. Told as runs, a batch costs an entry per peer that added.
 *
 * @param count how many RFCs the peer added, from {@code first} to {@code last}; at least 2
 */
record AddedRun(FeedEvent first, FeedEvent last, int count) implements FeedEntry {

    @Override
    public long seq() {
        return last.seq();
    }

    /**
     * The last addition's number and time, the first addition's RFC and title, and how many there were with the last
     * one's RFC and title: a page that knows no runs shows it as the first addition.
     */
    @Override
    public void writeTo(Json json) {
        last.writeHead(json);
        json.member("rfc", first.rfc())
                .member("title", first.title())
                .member("count", count)
                .member("lastRfc", last.rfc())
                .member("lastTitle", last.title())
                .endObject();
    }

    /**
     * The entries that tell {@code events} (oldest first, as the feed read them): each peer's additions with nothing
     * else of that peer's between them become one entry, in the place of the last of them; every other event is
     * kept as it is and where it is, so that each registration and removal is told, after the additions before it.
     * A run's number is its last addition's, above those of events of other peers told after it: only the last
     * entry's number covers every entry before it.
     */
    static List<FeedEntry> coalesce(List<FeedEvent> events) {
        Map<FeedEvent.Peer, Run> open = new HashMap<>();
        Run[] runOf = new Run[events.size()];
        for (int i = 0; i < events.size(); i++) {
            FeedEvent event = events.get(i);
            if (event.kind() == FeedEvent.Kind.ADDED) {
                Run run = open.computeIfAbsent(event.peer(), peer -> new Run(event));
                run.extendTo(event, i);
                runOf[i] = run;
            } else {
                open.remove(event.peer()); // an addition after this starts a run of its own
            }
        }
        List<FeedEntry> entries = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            Run run = runOf[i];
            if (run == null) {
                entries.add(events.get(i));
            } else if (run.lastIndex == i) {
                entries.add(run.entry());
            }
        }
        return entries;
    }

    /** A run being gathered; confined to the call of {@link #coalesce}. */
    private static final class Run {
        private final FeedEvent first;
        private FeedEvent last;
        private int count;
        private int lastIndex;

        Run(FeedEvent first) {
            this.first = first;
        }

        void extendTo(FeedEvent event, int index) {
            last = event;
            count++;
            lastIndex = index;
        }

        FeedEntry entry() {
            return count == 1 ? first : new AddedRun(first, last, count);
        }
    }
}
