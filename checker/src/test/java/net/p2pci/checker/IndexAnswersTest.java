package net.p2pci.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The judge of index answers: exact bytes pass, what a liberal reader copes with is NON-STRICT, the rest fails. */
class IndexAnswersTest {
    private static final String RECORD = "RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678";
    private static final String EXPECTED = "P2P-CI/1.0 200 OK\r\n\r\n" + RECORD + "\r\n\r\n";

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of("exact", EXPECTED, Verdict.PASS, ""),
                Arguments.of("LF only", EXPECTED.replace("\r\n", "\n"), Verdict.NON_STRICT, "LF alone"),
                Arguments.of("no empty lines", "P2P-CI/1.0 200 OK\r\n" + RECORD + "\r\n", Verdict.NON_STRICT,
                        "no empty line after the status line; ends answers without the final empty line"),
                Arguments.of("record without RFC", EXPECTED.replace("\nRFC ", "\n"), Verdict.NON_STRICT,
                        "without the leading RFC"),
                Arguments.of("phrase in capitals", "P2P-CI/1.0 200 ok\r\n\r\n" + RECORD + "\r\n\r\n",
                        Verdict.NON_STRICT, "spells the status phrase 'ok'"),
                Arguments.of("another status", EXPECTED.replace("200 OK", "404 Not Found"), Verdict.FAIL, "expected"),
                Arguments.of("another record", EXPECTED.replace("5678", "5679"), Verdict.FAIL, "expected"),
                Arguments.of("no version", EXPECTED.replace("P2P-CI/1.0 ", ""), Verdict.FAIL, "expected"),
                Arguments.of("nothing", "", Verdict.FAIL, "saw \"\""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("answers")
    void judgesAnAnswer(String name, String seen, Verdict verdict, String detail) {
        Outcome outcome = IndexAnswers.judge("answer", EXPECTED, Bytes.utf8(seen));

        assertThat(outcome.verdict()).as(outcome.detail()).isEqualTo(verdict);
        assertThat(outcome.detail()).contains(detail);
    }

    @Test
    void answersToPipelinedRequestsAreCutAtEachStatusLineAndJudgedOneByOne() {
        List<String> expected = List.of(EXPECTED, "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n");
        String bare = "P2P-CI/1.0 200 OK\n" + RECORD + "\nP2P-CI/1.0 404 Not Found\n";

        assertThat(IndexAnswers.judgeSequence("answers", expected, Bytes.utf8(String.join("", expected))).verdict())
                .isEqualTo(Verdict.PASS);
        Outcome deviant = IndexAnswers.judgeSequence("answers", expected, Bytes.utf8(bare));
        assertThat(deviant.verdict()).isEqualTo(Verdict.NON_STRICT);
        assertThat(deviant.detail()).isEqualTo("ends lines with LF alone, not CRLF; sends no empty line after the"
                + " status line; ends answers without the final empty line");
        assertThat(IndexAnswers.judgeSequence("answers", expected, Bytes.utf8(EXPECTED)).verdict())
                .isEqualTo(Verdict.FAIL);
    }
}
