package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every example message of PROTOCOL.md, written byte for byte and read back. */
class GoldenBytesTest {
    private static final String HTTP_11 = "Hypertext Transfer Protocol -- HTTP/1.1";

    @Test
    void addRequest() throws Exception {
        AddRequest add = new AddRequest(2616, "peer-a.example", 5678, HTTP_11);
        byte[] golden = Wire.crlf("""
                ADD RFC 2616 P2P-CI/1.0
                Host: peer-a.example
                Port: 5678
                Title: Hypertext Transfer Protocol -- HTTP/1.1

                """);

        assertThat(Wire.text(MessageWriter.encode(add))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(add);
    }

    @Test
    void lookupRequestWithTitle() throws Exception {
        LookupRequest lookup = new LookupRequest(2616, "peer-b.example", 6789, Optional.of(HTTP_11));
        byte[] golden = Wire.crlf("""
                LOOKUP RFC 2616 P2P-CI/1.0
                Host: peer-b.example
                Port: 6789
                Title: Hypertext Transfer Protocol -- HTTP/1.1

                """);

        assertThat(Wire.text(MessageWriter.encode(lookup))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(lookup);
    }

    @Test
    void listRequest() throws Exception {
        ListRequest list = new ListRequest("peer-b.example", 6789);
        byte[] golden = Wire.crlf("""
                LIST ALL P2P-CI/1.0
                Host: peer-b.example
                Port: 6789

                """);

        assertThat(Wire.text(MessageWriter.encode(list))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(list);
    }

    @Test
    void lookupAnswer() throws Exception {
        IndexResponse answer = IndexResponse.ok(List.of(new RfcRecord(2616, HTTP_11, "peer-a.example", 5678)));
        byte[] golden = Wire.crlf("""
                P2P-CI/1.0 200 OK

                RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peer-a.example 5678

                """);

        assertThat(Wire.text(MessageWriter.encode(answer))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readIndexResponse()).isEqualTo(answer);
    }

    @Test
    void notFoundAnswerEndsWithTheFinalEmptyLine() throws Exception {
        byte[] golden = "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n".getBytes();

        assertThat(MessageWriter.encode(IndexResponse.of(Status.NOT_FOUND_404))).isEqualTo(golden);
        assertThat(Wire.reader(golden).readIndexResponse()).isEqualTo(IndexResponse.of(Status.NOT_FOUND_404));
    }

    @Test
    void emptyListAnswer() {
        assertThat(MessageWriter.encode(IndexResponse.ok(List.of()))).isEqualTo("P2P-CI/1.0 200 OK\r\n\r\n\r\n".getBytes());
    }

    @Test
    void errorAnswersOfTheIndex() {
        assertThat(MessageWriter.encode(IndexResponse.of(Status.BAD_REQUEST_400)))
                .isEqualTo("P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n".getBytes());
        assertThat(MessageWriter.encode(IndexResponse.of(Status.VERSION_NOT_SUPPORTED_505)))
                .isEqualTo("P2P-CI/1.0 505 P2P-CI Version Not Supported\r\n\r\n\r\n".getBytes());
    }

    @Test
    void getRequest() throws Exception {
        GetRequest get = new GetRequest(2616, "peer-a.example", Optional.of("Linux 6.1"));
        byte[] golden = Wire.crlf("""
                GET RFC 2616 P2P-CI/1.0
                Host: peer-a.example
                OS: Linux 6.1

                """);

        assertThat(Wire.text(MessageWriter.encode(get))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(get);
    }

    /**
     * PROTOCOL.md's example, read and written back byte for byte. Its {@code Thu, 01 Jun 1999} is kept as text:
     * 1 June 1999 was a Tuesday, so the writer, which computes weekdays, is checked against a correct date below.
     */
    @Test
    void getAnswerHeadFromTheProtocolExampleThenBody() throws IOException {
        byte[] golden = Wire.crlf("""
                P2P-CI/1.0 200 OK
                Date: Sat, 21 Nov 2026 15:12:05 GMT
                OS: Linux 6.1
                Last-Modified: Thu, 01 Jun 1999 00:00:00 GMT
                Content-Length: 422279
                Content-Type: text/plain

                """);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(golden);
        stream.write("body bytes".getBytes());
        MessageReader reader = Wire.reader(stream.toByteArray());

        FileResponse head = reader.readFileResponseHead();

        assertThat(head.status()).isEqualTo(Status.OK_200);
        assertThat(head.contentLength()).hasValue(422_279);
        assertThat(head.header("last-modified").map(WireDates::parse)).contains(Instant.parse("1999-06-01T00:00:00Z"));
        assertThat(Wire.text(MessageWriter.encode(head))).isEqualTo(Wire.text(golden));
        assertThat(reader.remaining().readAllBytes()).isEqualTo("body bytes".getBytes());
    }

    @Test
    void getAnswerHeadWrittenFromItsParts() {
        FileResponse head = FileResponse.ok(Instant.parse("2026-11-21T15:12:05Z"), "Linux 6.1",
                Instant.parse("1999-06-01T00:00:00Z"), 422_279);

        assertThat(Wire.text(MessageWriter.encode(head))).isEqualTo(Wire.text(Wire.crlf("""
                P2P-CI/1.0 200 OK
                Date: Sat, 21 Nov 2026 15:12:05 GMT
                OS: Linux 6.1
                Last-Modified: Tue, 01 Jun 1999 00:00:00 GMT
                Content-Length: 422279
                Content-Type: text/plain

                """)));
    }

    @Test
    void getErrorAnswer() throws IOException {
        FileResponse error = FileResponse.error(Status.NOT_FOUND_404, Instant.parse("2026-11-21T15:12:05Z"), "Linux 6.1");
        byte[] golden = Wire.crlf("""
                P2P-CI/1.0 404 Not Found
                Date: Sat, 21 Nov 2026 15:12:05 GMT
                OS: Linux 6.1
                Content-Length: 0

                """);

        assertThat(Wire.text(MessageWriter.encode(error))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readFileResponseHead().contentLength()).hasValue(0);
    }

    @Test
    void getAnswerWithoutContentLengthIsAccepted() throws IOException {
        MessageReader reader = Wire.reader("P2P-CI/1.0 404 Not Found\nDate: x\n\nrest");

        FileResponse head = reader.readFileResponseHead();

        assertThat(head.status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(head.contentLength()).isEmpty();
        assertThat(reader.remaining().readAllBytes()).isEqualTo("rest".getBytes());
    }

    @Test
    void recordWithManyWordsAndOddSpacingFromOtherImplementations() throws IOException {
        IndexResponse answer = Wire.reader("P2P-CI/1.0 200 Okay then\n\nRFC 1  Host  Software  10.0.0.1 80\n\n")
                .readIndexResponse();

        assertThat(answer.records()).containsExactly(new RfcRecord(1, "Host  Software", "10.0.0.1", 80));
    }

    @Test
    void datesHaveTwoDigitDays() {
        assertThat(WireDates.format(Instant.parse("1999-06-01T00:00:00Z"))).isEqualTo("Tue, 01 Jun 1999 00:00:00 GMT");
        assertThat(WireDates.format(Instant.parse("2026-11-21T15:12:05Z"))).isEqualTo("Sat, 21 Nov 2026 15:12:05 GMT");
        assertThat(WireDates.parse("Tue, 1 Jun 1999 00:00:00 GMT")).isEqualTo(Instant.parse("1999-06-01T00:00:00Z"));
    }
}
