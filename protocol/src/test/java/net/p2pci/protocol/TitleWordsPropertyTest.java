package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/** The title splitter gives what its plain definition gives (runs of letters and digits, lower-cased, distinct). */
class TitleWordsPropertyTest {
    /** The definition, as it was first written: every run lower-cased, repeats dropped through a set. */
    private static List<String> byDefinition(String text) {
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

    @Property(tries = 5000)
    void cutsTitlesAsTheDefinitionDoes(
            @ForAll @StringLength(max = 40) @Chars({'a', 'b', 'Z', '0', '9', ' ', '-', '/', '\u00e9', '\u00c9',
                    '\u0130', '\u0661', '\ud83d', '\ude00', '\u00a0', '_'}) String text) {
        assertThat(TitleWords.of(text)).containsExactlyElementsOf(byDefinition(text));
    }

    @Example
    void aTitleWithManyRepeatedWordsKeepsEachOnceInFirstOrder() {
        StringBuilder title = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            title.append("w").append(i % 37).append(i % 2 == 0 ? " THE " : " the ");
        }
        List<String> words = TitleWords.of(title.toString());

        assertThat(words).containsExactlyElementsOf(byDefinition(title.toString())).hasSize(38).doesNotHaveDuplicates();
        assertThat(words.subList(0, 3)).containsExactly("w0", "the", "w1");
    }

    @Example
    void plainAndMixedCaseRunsGiveTheSameWord() {
        assertThat(TitleWords.of("Hypertext Transfer Protocol -- HTTP/1.1 http 1 İstanbul"))
                .containsExactly("hypertext", "transfer", "protocol", "http", "1", "i\u0307stanbul");
    }
}
