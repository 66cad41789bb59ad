package net.p2pci.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The three report formats: text a person reads, JSON and JUnit XML a program parses. */
class ReportTest {
    /** A detail holding what reports must escape: markup, quotes, a backslash and a control character. */
    private static final String HOSTILE = "saw \"<x>&\\\u0001\"";

    private static Report report(boolean strict) {
        return new Report("server", "127.0.0.1:7734", strict, List.of(
                new CaseResult("3.5-add-echo", "ADD echoes", Outcome.pass(), Duration.ofMillis(3)),
                new CaseResult("3.6-lookup-miss-404", "LOOKUP miss", Outcome.nonStrict("ends answers without the final"
                        + " empty line"), Duration.ofMillis(250)),
                new CaseResult("5-version-505", "505", Outcome.fail(HOSTILE), Duration.ofMillis(12))));
    }

    @ParameterizedTest(name = "strict {0}")
    @ValueSource(booleans = {false, true})
    void junitXmlIsWellFormedWithATestcasePerCaseAndAFailurePerFailingOne(boolean strict) throws Exception {
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(report(strict).junit().getBytes(StandardCharsets.UTF_8)));

        Element suite = (Element) xml.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("name")).isEqualTo("p2pci-check server");
        assertThat(suite.getAttribute("tests")).isEqualTo("3");
        assertThat(suite.getAttribute("failures")).isEqualTo(strict ? "2" : "1");
        NodeList cases = suite.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(3);
        assertThat(((Element) cases.item(0)).getElementsByTagName("failure").getLength()).isZero();
        assertThat(((Element) cases.item(1)).getElementsByTagName("failure").getLength()).isEqualTo(strict ? 1 : 0);
        Element failure = (Element) ((Element) cases.item(2)).getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("FAIL: saw \"<x>&\\?\"");
        assertThat(failure.getAttribute("type")).isEqualTo("FAIL");
    }

    @Test
    void jsonEscapesWhatItQuotesAndCountsEachVerdict() {
        String json = report(false).json();

        assertThat(json).contains("\"role\": \"server\"", "\"passed\": false",
                "\"counts\": {\"PASS\": 1, \"NON-STRICT\": 1, \"FAIL\": 1}",
                "\"verdict\": \"NON-STRICT\"", "\"detail\": \"saw \\\"<x>&\\\\\\u0001\\\"\"");
        assertThat(json.chars().filter(c -> c < 0x20 && c != '\n')).isEmpty();
    }

    @Test
    void textHasALinePerCaseAndASummaryThatCountsNonStrictAsFailureOnlyWhenStrict() {
        assertThat(report(false).text()).contains("NON-STRICT 3.6-lookup-miss-404", "FAIL       5-version-505",
                "3 cases, 1 PASS, 1 NON-STRICT, 1 FAIL -> FAILED");
        Report lenient = new Report("upload", "h:1", false, report(false).results().subList(0, 2));
        Report strict = new Report("upload", "h:1", true, report(false).results().subList(0, 2));
        assertThat(lenient.passed()).isTrue();
        assertThat(strict.passed()).isFalse();
        assertThat(strict.summary()).endsWith("(strict: NON-STRICT fails) -> FAILED");
    }
}
