package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Checks which file names are taken for RFC text files and which number each one names. */
final class RfcFileNameTest {

    @ParameterizedTest(name = "{0} -> RFC {1}")
    @CsvSource({
            "rfc2616.txt, 2616",
            "RFC2616.txt, 2616",
            "rfc_2616.txt, 2616",
            "rfc-2616.txt, 2616",
            "Rfc2616.TXT, 2616",
            "rFc-2616.tXt, 2616",
            "rfc1.txt, 1",
            "rfc0791.txt, 791",
            "rfc999999999.txt, 999999999",
    })
    void acceptsRfcTextFileNames(String fileName, int expectedNumber) {
        assertThat(RfcFileName.parse(fileName)).hasValue(expectedNumber);
    }

    @ParameterizedTest(name = "rejects \"{0}\"")
    @NullAndEmptySource
    @ValueSource(strings = {
            "rfc.txt",
            "rfc2616.txt.bak",
            "notes.txt",
            "rfc2616.pdf",
            "rfc99999999999.txt",
            "rfc1234567890.txt",
            "rfc-2616-old.txt",
            "rfc+2616.txt",
            "rfc-+2616.txt",
            "rfc_-2616.txt",
            "rfc__2616.txt",
            "rfc--2616.txt",
            "rfc 2616.txt",
            "rfc2616 .txt",
            " rfc2616.txt",
            "rfc2616",
            "rfc2616.",
            "rfc2616txt",
            "rfc2616.text",
            "rfc2616.txtx",
            "2616.txt",
            "xrfc2616.txt",
            "rfc2616a.txt",
            "rfc\u0662\u0666\u0661\u0666.txt",
            "rfc0.txt",
            "rfc000.txt",
            "docs/rfc2616.txt",
            ".txt",
    })
    void rejectsEverythingElse(String fileName) {
        assertThat(RfcFileName.parse(fileName)).isEmpty();
    }

    @ParameterizedTest(name = "canonical({0}) = {1}")
    @CsvSource({
            "1, rfc1.txt",
            "791, rfc791.txt",
            "2616, rfc2616.txt",
            "999999999, rfc999999999.txt",
    })
    void canonicalNameIsLowerCaseWithoutSeparator(int number, String expectedName) {
        assertThat(RfcFileName.canonical(number)).isEqualTo(expectedName);
        assertThat(RfcFileName.parse(expectedName)).hasValue(number);
    }

    @Test
    void canonicalNameRejectsNumbersThatNoRfcHas() {
        assertThatIllegalArgumentException().isThrownBy(() -> RfcFileName.canonical(0));
        assertThatIllegalArgumentException().isThrownBy(() -> RfcFileName.canonical(-1));
    }
}
