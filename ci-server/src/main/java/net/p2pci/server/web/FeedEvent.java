package net.p2pci.server.web;

import java.time.Instant;
import net.p2pci.web.Json;

/**
 * One entry of the dashboard's feed: a peer registered, added an RFC, or was removed and why. Immutable; the peer's
 * words are kept as they came and escaped only when written out as JSON.
 *
 * @param seq     the feed's number for it, from 1, which a browser that reconnects sends back as Last-Event-ID
 * @param rfc     the RFC added; 0 for the other kinds
 * @param title   the title added; null for the other kinds
 * @param records how many records a removed peer held; 0 for the other kinds
 * @param reason  why a removed peer's connection ended, e.g. {@code keepalive timeout}; null for the other kinds
 */
record FeedEvent(long seq, long epochMillis, Kind kind, String host, int port, String source, int rfc, String title,
                 int records, String reason) implements FeedEntry {

    /** What happened to the peer, by the name the feed's JSON gives it. */
    enum Kind {
        REGISTERED("registered"), ADDED("added"), REMOVED("removed");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        String wireName() {
            return wireName;
        }
    }

    /** The peer it happened to: the host and port it registered, from the address it came from. */
    Peer peer() {
        return new Peer(host, port, source);
    }

    /** A peer as the feed tells it apart from another. */
    record Peer(String host, int port, String source) {
    }

    @Override
    public void writeTo(Json json) {
        writeHead(json);
        if (title != null) {
            json.member("rfc", rfc).member("title", title);
        }
        if (reason != null) {
            json.member("records", records).member("reason", reason);
        }
        json.endObject();
    }

    /** Opens the object and writes what every entry about this event's peer starts with, before its kind's details. */
    void writeHead(Json json) {
        json.beginObject()
                .member("seq", seq)
                .member("time", Instant.ofEpochMilli(epochMillis).toString())
                .member("kind", kind.wireName())
                .member("host", host)
                .member("port", port)
                .member("source", source);
    }
}
