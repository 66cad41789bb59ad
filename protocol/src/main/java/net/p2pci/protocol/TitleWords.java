package net.p2pci.protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How SEARCH cuts a title or a query into words, the same in the server's word indexes and in a peer's fallback
 * filter: runs of letters and digits, lower-cased without regard to locale; everything else separates words. A
 * title matches a query when it has every word of it (as a whole word, in any case).
 */
public final class TitleWords {
    private TitleWords() {
    }

    /**
     * Words a title may have before {@link #of} looks up repeats in a hash set rather than along its list: a list is
     * cheaper for the few words of a usual title, a set keeps a long one from costing the square of its words.
     */
    private static final int MAX_WORDS_SCANNED = 16;

    /**
     * The distinct words of {@code text}, in the order they first appear. A run of ASCII lower-case letters and
     * digits, most of most titles, is its own word as it stands; only a run with another letter is lower-cased.
     * The index server cuts every ADDed title, under its write lock.
     */
    public static List<String> of(String text) {
        List<String> words = new ArrayList<>();
        Set<String> seen = null;
        int length = text.length();
        int i = 0;
        while (i < length) {
            if (!Character.isLetterOrDigit(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            boolean asItStands = true;
            for (; i < length; i++) {
                char c = text.charAt(i);
                if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
                    continue;
                }
                if (!Character.isLetterOrDigit(c)) {
                    break;
                }
                asItStands = false;
            }
            String word = text.substring(start, i);
            if (!asItStands) {
                word = word.toLowerCase(Locale.ROOT);
            }
            if (seen == null && words.size() == MAX_WORDS_SCANNED) {
                seen = new HashSet<>(words);
            }
            if (seen == null ? !words.contains(word) : seen.add(word)) {
                words.add(word);
            }
        }
        return words;
    }

    /** Whether {@code title} has every one of {@code words} (as {@link #of} gives them). */
    public static boolean matchesAll(String title, List<String> words) {
        return new LinkedHashSet<>(of(title)).containsAll(words);
    }
}
