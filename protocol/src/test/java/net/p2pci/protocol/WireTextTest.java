package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which text may stand in a field, and how untrusted text is rendered for logs. */
class WireTextTest {
    @ParameterizedTest
    @ValueSource(strings = {"Internet Protocol", "HTTP/1.1 — ünïcødé", "😀 emoji", "a"})
    void acceptsTitles(String title) {
        assertThat(WireText.isFieldText(title)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " leading", "trailing ", "tab\there", "nul\0", "esc\u001b[0m", "lone \ud83d surrogate",
            "reversed \ude00\ud83d pair", "nel\u0085"})
    void refusesTitles(String title) {
        assertThat(WireText.isFieldText(title)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "a\u00a0b", "", "tab\t", "x\u2028y"})
    void refusesHostTokens(String host) {
        assertThat(WireText.isToken(host)).isFalse();
    }

    @org.junit.jupiter.api.Test
    void logTextHasNoControlCharactersAndIsCapped() {
        String hostile = "\u001b[2J\r\nFAKE LOG LINE\0" + "x".repeat(10_000);

        String logged = WireText.forLog(hostile);

        assertThat(logged).doesNotContainPattern("\\p{Cntrl}").startsWith("?[2J??FAKE LOG LINE?");
        assertThat(logged.length()).isLessThan(WireText.MAX_LOGGED_CHARS + 30);
    }
}
