package net.p2pci.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A query string or form body, decoded; the last of a repeated name counts. What cannot be used is a
 * {@link RequestException} (400) whose message names the parameter only. Immutable.
 */
public record Query(Map<String, String> parameters) {
    public Query {
        parameters = Map.copyOf(parameters);
    }

    /** Decodes {@code raw} ({@code name=value&...}, URL-encoded); null or empty is no parameters. */
    public static Query parse(String raw) {
        Map<String, String> parameters = new HashMap<>();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int equals = pair.indexOf('=');
                String name = equals < 0 ? pair : pair.substring(0, equals);
                String value = equals < 0 ? "" : pair.substring(equals + 1);
                try {
                    parameters.put(URLDecoder.decode(name, StandardCharsets.UTF_8),
                            URLDecoder.decode(value, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    throw new RequestException(400, "the query is not URL-encoded text");
                }
            }
        }
        return new Query(parameters);
    }

    /** The parameter's text as sent; empty when it is absent. */
    public String text(String name) {
        return parameters.getOrDefault(name, "");
    }

    /** A whole number from {@code min} to {@code max}, which must be given. */
    public int integer(String name, int min, int max) {
        return optionalInteger(name, min, max).orElseThrow(() -> notAWholeNumber(name, min, max));
    }

    /** A whole number from {@code min} to {@code max}; empty when the parameter is absent or blank. */
    public Optional<Integer> optionalInteger(String name, int min, int max) {
        String text = text(name).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return Optional.of(value);
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw notAWholeNumber(name, min, max);
    }

    /** The words of a filter, lower-cased, at most {@code maxChars} of it. */
    public List<String> words(String name, int maxChars) {
        String text = text(name).strip().toLowerCase(Locale.ROOT);
        if (text.length() > maxChars) {
            throw new RequestException(400, name + " takes at most " + maxChars + " characters");
        }
        return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
    }

    private static RequestException notAWholeNumber(String name, int min, int max) {
        return new RequestException(400, name + " takes a whole number from " + min + " to " + max);
    }
}
