package net.p2pci.web;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A page's files (its HTML at {@code /}, its script and style beside it, and the stylesheet every page shares at
 * {@code /base.css}), read once from the jar and served by path. Immutable after construction.
 */
public final class StaticFiles {
    /** The stylesheet both pages build on, served from this module's jar. */
    public static final String BASE_CSS = "base.css";

    private final Map<String, StaticFile> files;
    private final PageResponses responses;

    /** A file of the page and its content type. */
    private record StaticFile(String contentType, byte[] bytes) {
    }

    private StaticFiles(Map<String, StaticFile> files, PageResponses responses) {
        this.files = Map.copyOf(files);
        this.responses = responses;
    }

    /**
     * Reads {@code page} (served at {@code /}) and {@code others} (each at {@code /name}) from the resources beside
     * {@code owner}, and the shared {@value #BASE_CSS}.
     *
     * @param what names the page in the message when a file is missing from the jar
     * @throws IllegalStateException when a file is missing from the jar
     */
    public static StaticFiles load(Class<?> owner, String what, PageResponses responses, String page,
            String... others) {
        Map<String, StaticFile> files = new HashMap<>();
        files.put("/", read(owner, what, page));
        for (String name : others) {
            files.put("/" + name, read(owner, what, name));
        }
        files.put("/" + BASE_CSS, read(StaticFiles.class, what, BASE_CSS));
        return new StaticFiles(files, responses);
    }

    /** Sends the file at {@code path} and answers true; false when there is none. */
    public boolean serve(HttpExchange exchange, String path) throws IOException {
        StaticFile file = files.get(path);
        if (file == null) {
            return false;
        }
        responses.send(exchange, 200, file.contentType(), file.bytes());
        return true;
    }

    private static StaticFile read(Class<?> owner, String what, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(what + "'s " + name + " is missing from the jar");
            }
            return new StaticFile(contentType(name), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".html")) {
            return "text/html; charset=utf-8";
        } else if (lower.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        } else if (lower.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        throw new IllegalArgumentException("no content type known for " + name);
    }
}
