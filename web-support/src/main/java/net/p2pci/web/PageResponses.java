package net.p2pci.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Writes a page server's answers, each with the headers that keep a browser from reading them as anything else or
 * loading anything from elsewhere: the page's Content-Security-Policy, no sniffing, no referrer. Immutable.
 */
public final class PageResponses {
    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";
    /** Everything from this server and nothing from elsewhere: a page works offline, and injects nothing. */
    public static final String SAME_ORIGIN_ONLY = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'";

    private final String contentSecurityPolicy;

    /** @param contentSecurityPolicy the Content-Security-Policy every answer carries */
    public PageResponses(String contentSecurityPolicy) {
        this.contentSecurityPolicy = contentSecurityPolicy;
    }

    public void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        Headers headers = exchange.getResponseHeaders();
        headers.set("Content-Type", contentType);
        headers.set("Content-Security-Policy", contentSecurityPolicy);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("Referrer-Policy", "no-referrer");
        exchange.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    public void sendText(HttpExchange exchange, int code, String text) throws IOException {
        send(exchange, code, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers 200 with {@code json}, never cached: it is the state of the moment. */
    public void sendJson(HttpExchange exchange, String json) throws IOException {
        sendJson(exchange, 200, json);
    }

    /** Answers {@code code} with {@code json}, never cached: it is the state of the moment. */
    public void sendJson(HttpExchange exchange, int code, String json) throws IOException {
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        send(exchange, code, JSON, json.getBytes(StandardCharsets.UTF_8));
    }

    /** Answers {@code code} with {@code {"error": message}}. */
    public void sendJsonError(HttpExchange exchange, int code, String message) throws IOException {
        send(exchange, code, JSON, new Json().beginObject().member("error", message).endObject().toString()
                .getBytes(StandardCharsets.UTF_8));
    }
}
