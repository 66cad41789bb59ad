package net.p2pci.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One browser's stream of server-sent events ({@code text/event-stream}): the answer's headers, the retry delay,
 * events, and the comments that keep an idle stream open and notice a browser that has gone. Not thread-safe: it
 * belongs to the exchange's thread.
 */
public final class EventStream {
    /** Digits in the largest long: a longer Last-Event-ID is not one of ours. */
    private static final int MAX_EVENT_ID_CHARS = 19;

    private final OutputStream out;

    private EventStream(OutputStream out) {
        this.out = out;
    }

    /**
     * Answers 200 with an event stream, never cached nor sniffed, and tells the browser to reconnect after
     * {@code retryMillis}; nothing is flushed yet.
     */
    public static EventStream open(HttpExchange exchange, long retryMillis) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "text/event-stream; charset=utf-8");
        headers.set("Cache-Control", "no-store");
        headers.set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(200, 0);
        EventStream stream = new EventStream(exchange.getResponseBody());
        stream.write("retry: " + retryMillis + "\n\n");
        return stream;
    }

    /** The Last-Event-ID a reconnecting browser sends; 0 when there is none or it is not a number. */
    public static long lastEventId(Headers requestHeaders) {
        String value = requestHeaders.getFirst("Last-Event-ID");
        if (value == null || value.length() > MAX_EVENT_ID_CHARS) {
            return 0;
        }
        try {
            return Math.max(0, Long.parseLong(value.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** An event the browser remembers by {@code id}, to send it back as Last-Event-ID when it reconnects. */
    public void send(long id, String event, String jsonData) throws IOException {
        write("id: " + id + "\nevent: " + event + "\ndata: " + jsonData + "\n\n");
    }

    /** An event without an id: a state that the next one replaces. */
    public void send(String event, String jsonData) throws IOException {
        write("event: " + event + "\ndata: " + jsonData + "\n\n");
    }

    /** A comment, which the browser ignores: an idle stream stays open, and a browser that went is noticed. */
    public void keepalive() throws IOException {
        write(": keepalive\n\n");
    }

    public void flush() throws IOException {
        out.flush();
    }

    private void write(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
