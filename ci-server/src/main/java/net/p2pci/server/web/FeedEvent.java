package net.p2pci.server.web;

import java.time.Instant;
import net.p2pci.web.Json;

/**
 * One entry of the dashboard's feed: a peer registered, added an RFC, or was removed and why. Immutable; the peer's
 * words are kept as they came and escaped only when written out as JSON.
 *
 * @param seq     the feed's number for it, from 1, which a browser that reconnects sends back as Last-Event-ID
 * @param kind    {@code registered}, {@code added} or {@code removed}
 * @param rfc     the RFC added; 0 for the other kinds
 * @param title   the title added; null for the other kinds
 * @param records how many records a removed peer held; 0 for the other kinds
 * @param reason  why a removed peer's connection ended, e.g. {@code keepalive timeout}; null for the other kinds
 */
record FeedEvent(long seq, long epochMillis, String kind, String host, int port, String source, int rfc, String title,
                 int records, String reason) {

    /** The event as one JSON object, as the feed sends it and /api/events answers it. */
    void writeTo(Json json) {
        json.beginObject()
                .member("seq", seq)
                .member("time", Instant.ofEpochMilli(epochMillis).toString())
                .member("kind", kind)
                .member("host", host)
                .member("port", port)
                .member("source", source);
        if (title != null) {
            json.member("rfc", rfc).member("title", title);
        }
        if (reason != null) {
            json.member("records", records).member("reason", reason);
        }
        json.endObject();
    }

    String toJson() {
        Json json = new Json();
        writeTo(json);
        return json.toString();
    }
}
