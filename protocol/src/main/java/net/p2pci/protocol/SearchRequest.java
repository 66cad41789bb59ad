package net.p2pci.protocol;

import java.util.List;

/**
 * {@code SEARCH TITLE P2P-CI/1.0} with {@code Words: ...}: the records whose titles have every one of
 * {@code words} ({@link TitleWords}); at least one word, at most {@link Extensions#MAX_SEARCH_WORDS}.
 */
public record SearchRequest(String host, int port, List<String> words) implements ExtensionRequest {
    public SearchRequest {
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
        words = List.copyOf(words);
        if (words.isEmpty() || words.size() > Extensions.MAX_SEARCH_WORDS) {
            throw new IllegalArgumentException("a search needs 1 to " + Extensions.MAX_SEARCH_WORDS + " words, not "
                    + words.size());
        }
        if (!words.equals(TitleWords.of(String.join(" ", words)))) {
            throw new IllegalArgumentException("search words must be distinct lower-case letters and digits: "
                    + WireText.forLog(String.join(" ", words)));
        }
    }

    /** The search for the words of {@code text}, cut as titles are. */
    public static SearchRequest of(String host, int port, String text) {
        return new SearchRequest(host, port, TitleWords.of(text));
    }
}
