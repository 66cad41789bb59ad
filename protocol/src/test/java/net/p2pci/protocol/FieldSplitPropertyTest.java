package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;

/** The hand-written field splitter gives what the regular expression it replaced gives, for any text and limit. */
class FieldSplitPropertyTest {
    private static final Pattern FIELD_SEPARATOR = Pattern.compile("[ \t]+");

    @Property(tries = 5000)
    void splitsLikeTheRegularExpression(
            @ForAll @StringLength(max = 12) @Chars({'a', 'B', ' ', '\t', '\u000b', '\u00a0', '/'}) String text,
            @ForAll @IntRange(min = 0, max = 5) int limit) {
        assertThat(WireText.fields(text, limit)).containsExactly(FIELD_SEPARATOR.split(text, limit));
    }

    @Example
    void edgeCasesSplitLikeTheRegularExpression() {
        for (String text : new String[] {"", " ", "\t \t", "a", " a", "a ", "a  b\tc", "P2P-CI/1.0 200 OK",
                "P2P-CI/1.0  404   Not  Found "}) {
            for (int limit = 0; limit <= 4; limit++) {
                assertThat(WireText.fields(text, limit)).as("'%s' limit %d", text, limit)
                        .containsExactly(FIELD_SEPARATOR.split(text, limit));
            }
        }
    }
}
