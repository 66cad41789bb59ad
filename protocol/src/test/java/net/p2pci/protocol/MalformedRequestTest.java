package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every malformed request is refused with the status the protocol asks for, and the reader then finds the next
 * request intact, so one bad request never costs a peer its connection.
 */
class MalformedRequestTest {
    private static final String LONG = "x".repeat(Limits.DEFAULT_MAX_LINE_BYTES);

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                bad("empty request line followed by headers", "\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("request line of spaces only", "   \r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("unknown method", "FETCH RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("lower-case method", "add RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n"),
                bad("neither RFC keyword nor number", "ADD one P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n"),
                bad("RFC keyword without a number", "ADD RFC P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n"),
                bad("LISTALL with ALL", "LISTALL ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("a method other implementations add", "DEL PEER P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("wrong keyword", "ADD RFX 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n"),
                bad("non-numeric RFC number", "LOOKUP RFC abc P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("negative RFC number", "LOOKUP RFC -5 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("signed RFC number", "LOOKUP RFC +5 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("RFC number zero, below the range both programs accept",
                        "LOOKUP RFC 0 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("RFC number one over the range both programs accept",
                        "LOOKUP RFC 1000000000 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("overflowing RFC number", "LOOKUP RFC 2147483648 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("huge RFC number", "LOOKUP RFC 99999999999999999999 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("too many request-line fields", "ADD RFC 1 2 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: t\r\n\r\n"),
                bad("LIST without ALL", "LIST RFC P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("LIST with an RFC number", "LIST RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("missing version", "LOOKUP RFC 1\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("garbage version", "LOOKUP RFC 1 P2P-CI/one\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("HTTP version", "LOOKUP RFC 1 HTTP/1.1\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("missing Port", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nTitle: t\r\n\r\n"),
                bad("non-numeric Port", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: http\r\nTitle: t\r\n\r\n"),
                bad("Port zero", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 0\r\n\r\n"),
                bad("Port above 65535", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 65536\r\n\r\n"),
                bad("negative Port", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: -1\r\n\r\n"),
                bad("empty Port", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort:\r\n\r\n"),
                bad("missing Host", "LOOKUP RFC 1 P2P-CI/1.0\r\nPort: 1\r\n\r\n"),
                bad("empty Host", "LOOKUP RFC 1 P2P-CI/1.0\r\nHost: \r\nPort: 1\r\n\r\n"),
                bad("Host with a space", "LOOKUP RFC 1 P2P-CI/1.0\r\nHost: a b\r\nPort: 1\r\n\r\n"),
                bad("Host given twice", "LOOKUP RFC 1 P2P-CI/1.0\r\nHost: a\r\nHost: b\r\nPort: 1\r\n\r\n"),
                bad("missing Title on ADD", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("empty Title on ADD", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle:   \r\n\r\n"),
                bad("Title with a tab inside", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: a\tb\r\n\r\n"),
                bad("header line without a colon", "LOOKUP RFC 1 P2P-CI/1.0\r\nHost a\r\nPort: 1\r\n\r\n"),
                bad("header with an empty name", "LOOKUP RFC 1 P2P-CI/1.0\r\n: a\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("NUL byte in the request line", "LOOKUP RFC 1\0 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("NUL byte in a header", "LOOKUP RFC 1 P2P-CI/1.0\r\nHost: a\0\r\nPort: 1\r\n\r\n"),
                bad("escape byte in the title", "ADD RFC 1 P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\nTitle: \u001b[31m\r\n\r\n"),
                bad("DEL byte in a header", "LIST ALL P2P-CI/1.0\r\nHost: a\u007f\r\nPort: 1\r\n\r\n"),
                bad("bare CR inside a line", "LIST ALL P2P-CI/1.0\r\nHost: a\rb\r\nPort: 1\r\n\r\n"),
                bad("request line one byte over the limit",
                        "LOOKUP RFC 1 P2P-CI/1.0" + " ".repeat(Limits.DEFAULT_MAX_LINE_BYTES - 22)
                                + "\r\nHost: a\r\nPort: 1\r\n\r\n"),
                bad("header line one byte over the limit",
                        "LOOKUP RFC 1 P2P-CI/1.0\r\nHost: a\r\nX: " + LONG.substring(2) + "\r\nPort: 1\r\n\r\n"),
                bad("one header over the count limit", "LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n"
                        + "X: y\r\n".repeat(Limits.DEFAULT_MAX_HEADER_COUNT - 1) + "\r\n"),
                bad("GET without Host", "GET RFC 1 P2P-CI/1.0\r\nOS: Linux\r\n\r\n"),
                unsupported("version 2.0", "LOOKUP RFC 1 P2P-CI/2.0\r\nHost: a\r\nPort: 1\r\n\r\n"),
                unsupported("LIST of version 1.1", "LIST ALL P2P-CI/1.1\r\nHost: a\r\nPort: 1\r\n\r\n"),
                unsupported("GET of version 2.0 without headers", "GET RFC 1 P2P-CI/2.0\r\n\r\n"));
    }

    private static Arguments bad(String name, String request) {
        return Arguments.of(name, request.getBytes(StandardCharsets.UTF_8), Status.BAD_REQUEST_400);
    }

    private static Arguments unsupported(String name, String request) {
        return Arguments.of(name, request.getBytes(StandardCharsets.UTF_8), Status.VERSION_NOT_SUPPORTED_505);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void refusesWithItsStatusAndReadsTheNextRequestIntact(String name, byte[] malformed, Status expected)
            throws Exception {
        byte[] next = Wire.crlf("LIST ALL P2P-CI/1.0\nHost: next\nPort: 9\n\n");
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(malformed);
        stream.write(next);
        MessageReader reader = Wire.reader(stream.toByteArray());

        RequestException refused = catchThrowableOfType(RequestException.class, reader::readRequest);

        assertThat(refused).as(name).isNotNull();
        assertThat(refused.status()).isEqualTo(expected);
        assertThat(refused.connectionUsable()).isTrue();
        assertThat(reader.readRequest()).contains(new ListRequest("next", 9));
        assertThat(reader.readRequest()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedRequests")
    void refusalMessageNeverCarriesControlCharacters(String name, byte[] malformed, Status expected) {
        RequestException refused = catchThrowableOfType(RequestException.class, Wire.reader(malformed)::readRequest);

        assertThat(refused.getMessage()).as(name).doesNotContainPattern("\\p{Cntrl}");
    }

    @org.junit.jupiter.api.Test
    void lineWithNoEndIsRefusedAndTheConnectionGivenUp() {
        byte[] endless = ("LIST ALL P2P-CI/1.0\r\nHost: " + "a".repeat(1 << 20)).getBytes(StandardCharsets.US_ASCII);

        RequestException refused = catchThrowableOfType(RequestException.class, Wire.reader(endless)::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(refused.connectionUsable()).isFalse();
    }

    @org.junit.jupiter.api.Test
    void invalidUtf8IsRefused() throws Exception {
        byte[] bytes = Wire.crlf("ADD RFC 1 P2P-CI/1.0\nHost: a\nPort: 1\nTitle: X\n\n");
        bytes[bytes.length - 5] = (byte) 0xC3; // a lead byte with no continuation, replacing the title "X"

        RequestException refused = catchThrowableOfType(RequestException.class, Wire.reader(bytes)::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(Optional.ofNullable(refused.getMessage())).hasValueSatisfying(m -> assertThat(m).contains("UTF-8"));
    }
}
