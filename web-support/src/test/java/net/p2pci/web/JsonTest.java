package net.p2pci.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.json.TypeToken;

/** The web side's JSON writer: any text a peer sends comes back unchanged through a JSON reader, and never as markup. */
class JsonTest {
    @ParameterizedTest
    @ValueSource(strings = {"", "plain", "quote \" and backslash \\", "tab\tnew\nline\rreturn", "nul \u0000 and \u001f",
            "delete \u007f", "line separators \u2028 \u2029", "<script>alert(1)</script>", "é ü ß 漢字 🚀",
            "\\u0041 is not A"})
    void everyStringRoundTripsThroughAJsonReader(String text) {
        String json = new Json().beginObject().member("text", text).name("n").value(Double.NaN).endObject()
                .toString();

        Map<String, Object> read = new org.openqa.selenium.json.Json().toType(json,
                new TypeToken<Map<String, Object>>() { }.getType());
        assertThat(read.get("text")).isEqualTo(text);
        assertThat(read).containsEntry("n", null);
        assertThat(json).doesNotContain("<").doesNotContain("\u2028").doesNotContainPattern("[\\x00-\\x1f]");
    }
}
