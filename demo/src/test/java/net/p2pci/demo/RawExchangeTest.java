package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the demo accepts as the protocol's error response, and how it shows the bytes. */
final class RawExchangeTest {
    private static final String REQUEST = "GET RFC abc P2P-CI/1.0\r\nHost: peerB\r\nOS: Demo\r\n\r\n";
    private static final String NOT_FOUND = "P2P-CI/1.0 404 Not Found\r\nDate: Sat, 21 Nov 2026 15:12:05 GMT\r\n"
            + "OS: Linux 6.1\r\nContent-Length: 0\r\n\r\n";

    @Test
    void linesAreSplitAtCrlfWithTheFinalEmptyLineShown() {
        assertThat(new RawExchange(REQUEST, NOT_FOUND).requestLines())
                .containsExactly("GET RFC abc P2P-CI/1.0", "Host: peerB", "OS: Demo", "");
        assertThat(new RawExchange(REQUEST, NOT_FOUND).statusLine()).isEqualTo("P2P-CI/1.0 404 Not Found");
    }

    @Test
    void anErrorResponseHasDateOsAnEmptyBodyAndNothingAfterIt() {
        assertThat(new RawExchange(REQUEST, NOT_FOUND).isBodylessErrorResponse("P2P-CI/1.0 404 Not Found")).isTrue();
        assertThat(new RawExchange(REQUEST, NOT_FOUND).isBodylessErrorResponse("P2P-CI/1.0 400 Bad Request"))
                .isFalse();
        assertThat(new RawExchange(REQUEST, NOT_FOUND.replace("OS: Linux 6.1\r\n", ""))
                .isBodylessErrorResponse("P2P-CI/1.0 404 Not Found")).isFalse();
        assertThat(new RawExchange(REQUEST, NOT_FOUND + "stray")
                .isBodylessErrorResponse("P2P-CI/1.0 404 Not Found")).isFalse();
        assertThat(new RawExchange(REQUEST, "").isBodylessErrorResponse("P2P-CI/1.0 404 Not Found")).isFalse();
    }
}
