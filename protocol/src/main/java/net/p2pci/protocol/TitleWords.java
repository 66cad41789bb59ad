package net.p2pci.protocol;

import java.util.ArrayList;
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

    /** The distinct words of {@code text}, in the order they first appear. */
    public static List<String> of(String text) {
        Set<String> words = new LinkedHashSet<>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean wordChar = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (wordChar && start < 0) {
                start = i;
            } else if (!wordChar && start >= 0) {
                words.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                start = -1;
            }
        }
        return new ArrayList<>(words);
    }

    /** Whether {@code title} has every one of {@code words} (as {@link #of} gives them). */
    public static boolean matchesAll(String title, List<String> words) {
        return new LinkedHashSet<>(of(title)).containsAll(words);
    }
}
