package net.p2pci.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Query strings and form bodies: decoding, the last of a repeated name, and every refusal a 400 naming the name. */
class QueryTest {
    @Test
    void decodesNamesAndValuesAndTheLastOfARepeatedNameCounts() {
        Query query = Query.parse("q=hyper%20text&rfc=1&rfc=2616&flag&empty=");

        assertThat(query.text("q")).isEqualTo("hyper text");
        assertThat(query.integer("rfc", 1, 9999)).isEqualTo(2616);
        assertThat(query.text("flag")).isEmpty();
        assertThat(query.text("absent")).isEmpty();
        assertThat(Query.parse(null).parameters()).isEmpty();
        assertThat(Query.parse("").parameters()).isEmpty();
    }

    @Test
    void aWholeNumberIsHeldToItsRangeAtBothEnds() {
        Query query = Query.parse("low=1&high=10&below=0&above=11&word=ten&blank=%20");

        assertThat(query.integer("low", 1, 10)).isEqualTo(1);
        assertThat(query.integer("high", 1, 10)).isEqualTo(10);
        for (String name : List.of("below", "above", "word", "blank", "absent")) {
            assertThatThrownBy(() -> query.integer(name, 1, 10)).isInstanceOfSatisfying(RequestException.class,
                    e -> {
                        assertThat(e.status()).isEqualTo(400);
                        assertThat(e).hasMessage(name + " takes a whole number from 1 to 10");
                    });
        }
        assertThat(query.optionalInteger("blank", 1, 10)).isEmpty();
        assertThat(query.optionalInteger("absent", 1, 10)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> query.optionalInteger("above", 1, 10)).isInstanceOf(RequestException.class);
    }

    @Test
    void aFilterIsLowerCasedWordsAndAtMostItsLimit() {
        assertThat(Query.parse("q=%20Hyper%20%20TEXT%20").words("q", 20)).containsExactly("hyper", "text");
        assertThat(Query.parse("q=").words("q", 20)).isEmpty();
        assertThat(Query.parse("q=" + "a".repeat(20)).words("q", 20)).containsExactly("a".repeat(20));
        assertThatThrownBy(() -> Query.parse("q=" + "a".repeat(21)).words("q", 20))
                .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("q takes at most 20 characters");
    }

    @Test
    void textThatIsNotUrlEncodedIsABadRequestThatQuotesNothing() {
        assertThatThrownBy(() -> Query.parse("q=%zz<script>"))
                .isInstanceOfSatisfying(RequestException.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessage("the query is not URL-encoded text");
    }
}
