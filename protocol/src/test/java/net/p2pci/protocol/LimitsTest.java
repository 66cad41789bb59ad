package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.EOFException;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each limit accepts a message exactly at it and refuses one a step past it. */
class LimitsTest {
    private static final int MAX = Limits.DEFAULT_MAX_LINE_BYTES;

    @Test
    void requestLineExactlyAtTheLimitIsAccepted() throws Exception {
        String line = "LOOKUP RFC 1 P2P-CI/1.0" + " ".repeat(MAX - 23);
        assertThat(line).hasSize(MAX);

        Optional<Request> request = Wire.reader(line + "\r\nHost: a\r\nPort: 1\r\n\r\n").readRequest();

        assertThat(request).contains(new LookupRequest(1, "a", 1, Optional.empty()));
    }

    @Test
    void headerLineExactlyAtTheLimitIsAcceptedWithBareLf() throws Exception {
        String os = "o".repeat(MAX - "OS: ".length());

        Optional<Request> request = Wire.reader("GET RFC 7 P2P-CI/1.0\nHost: a\nOS: " + os + "\n\n").readRequest();

        assertThat(request).contains(new GetRequest(7, "a", Optional.of(os)));
    }

    @Test
    void headerLineOneByteOverTheLimitIsRefused() {
        String os = "o".repeat(MAX - "OS: ".length() + 1);

        RequestException refused = catchThrowableOfType(RequestException.class,
                Wire.reader("GET RFC 7 P2P-CI/1.0\nHost: a\nOS: " + os + "\n\n")::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(refused.connectionUsable()).isTrue();
    }

    @Test
    void titleOfTheMaximumLengthIsAcceptedAndOneCharacterMoreIsRefused() throws Exception {
        String longest = "t".repeat(WireText.MAX_TITLE_CHARS);
        String add = "ADD RFC 7 P2P-CI/1.0\nHost: a\nPort: 2\nTitle: ";

        assertThat(Wire.reader(add + longest + "\n\n").readRequest()).contains(new AddRequest(7, "a", 2, longest));
        RequestException refused = catchThrowableOfType(RequestException.class,
                Wire.reader(add + longest + "t\n\n")::readRequest);
        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
    }

    @Test
    void hostOfTheMaximumLengthIsAcceptedAndOneCharacterMoreIsRefused() throws Exception {
        String longest = "h".repeat(WireText.MAX_HOST_CHARS);

        assertThat(Wire.reader("LIST ALL P2P-CI/1.0\nHost: " + longest + "\nPort: 2\n\n").readRequest())
                .contains(new ListRequest(longest, 2));
        RequestException refused = catchThrowableOfType(RequestException.class,
                Wire.reader("LIST ALL P2P-CI/1.0\nHost: " + longest + "h\nPort: 2\n\n")::readRequest);
        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
    }

    /** With both at their longest, a record line still fits well within the default line limit. */
    @Test
    void longestRecordLineFitsTheDefaultLineLimit() throws IOException {
        RfcRecord longest = new RfcRecord(Integer.MAX_VALUE, "😀".repeat(WireText.MAX_TITLE_CHARS / 2),
                "é".repeat(WireText.MAX_HOST_CHARS), 65_535);

        byte[] encoded = MessageWriter.encode(IndexResponse.ok(java.util.List.of(longest)));

        assertThat(Wire.reader(encoded).readIndexResponse().records()).containsExactly(longest);
        assertThat(encoded.length).isLessThan(MAX);
    }

    /**
     * The writer sends a header as {@code Name: value}; a kept header that fills its line only because the sender
     * left out the space after the colon would come back one byte over the limit, so it is refused when read.
     */
    @Test
    void keptHeaderAtTheLimitWithoutTheSpaceAfterTheColonIsRefused() throws Exception {
        String os = "o".repeat(MAX - "OS:".length());
        MessageReader reader = Wire.reader("GET RFC 7 P2P-CI/1.0\nHost: a\nOS:" + os + "\n\n"
                + "LIST ALL P2P-CI/1.0\nHost: a\nPort: 2\n\n");

        RequestException refused = catchThrowableOfType(RequestException.class, reader::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(refused.connectionUsable()).isTrue();
        assertThat(reader.readRequest()).contains(new ListRequest("a", 2));
    }

    @Test
    void responseHeaderAtTheLimitWithoutTheSpaceAfterTheColonIsRefused() throws IOException {
        String atTheLimit = "P2P-CI/1.0 200 OK\nX-Note: " + "v".repeat(MAX - "X-Note: ".length()) + "\n\n";
        String noSpace = "P2P-CI/1.0 200 OK\nX-Note:" + "v".repeat(MAX - "X-Note:".length()) + "\n\n";

        assertThat(Wire.reader(atTheLimit).readFileResponseHead().header("x-note")).isPresent();
        assertThat(catchThrowableOfType(ResponseFormatException.class, Wire.reader(noSpace)::readFileResponseHead))
                .hasMessageContaining("longer than " + MAX + " bytes");
    }

    @Test
    void headerCountExactlyAtTheLimitIsAccepted() throws Exception {
        String extra = "X-Extra: y\r\n".repeat(Limits.DEFAULT_MAX_HEADER_COUNT - 2);

        Optional<Request> request = Wire.reader("LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n" + extra + "\r\n")
                .readRequest();

        assertThat(request).contains(new ListRequest("a", 1));
    }

    @Test
    void smallerConfiguredLimitsApply() {
        Limits tight = new Limits(64, 4, 10);
        String request = "LIST ALL P2P-CI/1.0\r\nHost: " + "h".repeat(64 - 5) + "\r\nPort: 1\r\n\r\n";

        RequestException refused = catchThrowableOfType(RequestException.class,
                new MessageReader(new java.io.ByteArrayInputStream(request.getBytes()), tight)::readRequest);

        assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
    }

    @Test
    void responseRecordsAtTheLimitAreReadAndOnePastIsRefused() throws IOException {
        Limits limits = new Limits(Limits.DEFAULT_MAX_LINE_BYTES, Limits.DEFAULT_MAX_HEADER_COUNT, 3);
        String three = "P2P-CI/1.0 200 OK\r\n\r\n" + "RFC 1 T h 1\r\n".repeat(3) + "\r\n";
        String four = "P2P-CI/1.0 200 OK\r\n\r\n" + "RFC 1 T h 1\r\n".repeat(4) + "\r\n";

        assertThat(new MessageReader(new java.io.ByteArrayInputStream(three.getBytes()), limits)
                .readIndexResponse().records()).hasSize(3);
        assertThat(catchThrowableOfType(ResponseFormatException.class,
                new MessageReader(new java.io.ByteArrayInputStream(four.getBytes()), limits)::readIndexResponse))
                .hasMessageContaining("more than 3 records");
    }

    @Test
    void cleanEndOfStreamBetweenRequestsIsNotAnError() throws Exception {
        MessageReader reader = Wire.reader("LIST ALL P2P-CI/1.0\r\nHost: a\r\nPort: 1\r\n\r\n\r\n");

        assertThat(reader.readRequest()).isPresent();
        assertThat(reader.readRequest()).isEmpty();
    }

    @Test
    void endOfStreamInsideARequestIsReported() {
        assertThat(catchThrowableOfType(EOFException.class,
                Wire.reader("LIST ALL P2P-CI/1.0\r\nHost: a\r\n")::readRequest)).isNotNull();
        assertThat(catchThrowableOfType(EOFException.class,
                Wire.reader("LIST ALL P2P-CI/1.0\r\nHo")::readRequest)).isNotNull();
    }
}
