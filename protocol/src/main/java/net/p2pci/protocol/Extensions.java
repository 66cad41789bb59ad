package net.p2pci.protocol;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The index extensions of docs/PROTOCOL.md section 8 (SEARCH, PEERS, WITHDRAW) and how a peer learns of them: the
 * names, the headers of their answers, and their limits. A standard peer never sends any of them and a standard
 * server answers each with an ordinary 400, so both keep their bytes.
 */
public final class Extensions {
    /** Search the index by title words. */
    public static final String SEARCH = "SEARCH";
    /** List the active peers. */
    public static final String PEERS = "PEERS";
    /** Stop offering one RFC without leaving. */
    public static final String WITHDRAW = "WITHDRAW";
    /** Every extension this build's server offers, in the order its discovery answer names them. */
    public static final List<String> ALL = List.of(SEARCH, PEERS, WITHDRAW);

    /** The discovery answer's header naming the extensions offered. */
    public static final String EXTENSIONS_HEADER = "Extensions";
    /** The most lines a SEARCH or PEERS answer holds; stated in every such answer. */
    public static final String LIMIT_HEADER = "Limit";
    /** Present, with the value {@code yes}, when the limit cut the answer short. */
    public static final String TRUNCATED_HEADER = "Truncated";
    /** SEARCH's request header: the words a title must all contain. */
    public static final String WORDS_HEADER = "Words";

    /**
     * The most lines of a SEARCH or PEERS answer: about 100 KiB of record lines, under the 128 KiB that goes out in
     * one write (section 6.8), and more than anyone reads on a screen.
     */
    public static final int MAX_RESULT_LINES = 1000;
    /** The most words one SEARCH may ask for: each is one index probe, and a title has few more words than that. */
    public static final int MAX_SEARCH_WORDS = 16;

    private Extensions() {
    }

    /** The value of the discovery answer's {@code Extensions} header for {@code names}: {@code SEARCH, PEERS}. */
    public static String headerValue(List<String> names) {
        return String.join(", ", names);
    }

    /**
     * The extension names a discovery answer's {@code Extensions} header lists, upper-cased, in order; read liberally:
     * commas and/or spaces between them.
     */
    public static Set<String> parseHeaderValue(String value) {
        Set<String> names = new LinkedHashSet<>();
        for (String name : value.split("[,\\s]+")) {
            if (!name.isEmpty()) {
                names.add(name.toUpperCase(Locale.ROOT));
            }
        }
        return Collections.unmodifiableSet(names);
    }

    /** The value of header {@code name} in {@code headers} (matched in any case), or null. */
    public static String header(List<Header> headers, String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }

    /** The headers of a SEARCH or PEERS answer: the limit, and whether it cut the answer. */
    public static List<Header> limitHeaders(boolean truncated) {
        List<Header> headers = new ArrayList<>(2);
        headers.add(new Header(LIMIT_HEADER, Integer.toString(MAX_RESULT_LINES)));
        if (truncated) {
            headers.add(new Header(TRUNCATED_HEADER, "yes"));
        }
        return List.copyOf(headers);
    }
}
