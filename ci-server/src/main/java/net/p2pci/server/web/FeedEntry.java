package net.p2pci.server.web;

import net.p2pci.web.Json;

/**
 * One entry of the feed as a dashboard is sent it: an index event, or a run of one peer's additions told as one.
 * Immutable.
 */
sealed interface FeedEntry permits FeedEvent, AddedRun {
    /** The feed's number of the last event it tells, which a browser that reconnects sends back as Last-Event-ID. */
    long seq();

    /** The entry as one JSON object, as the feed sends it and /api/events answers it. */
    void writeTo(Json json);

    default String toJson() {
        Json json = new Json();
        writeTo(json);
        return json.toString();
    }
}
