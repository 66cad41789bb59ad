package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The bytes of the GET extensions of PROTOCOL.md 9, written exactly and read liberally. */
class GetExtensionsTest {
    @Test
    void anExtendedGetIsWrittenAsPROTOCOL9ShowsAndReadBack() throws Exception {
        GetRequest get = new GetRequest(2616, "peer-a.example", Optional.of("Linux 6.1"), true,
                Optional.of(new ByteRange(4194304, 8388607)));
        byte[] golden = Wire.crlf("""
                GET RFC 2616 P2P-CI/1.0
                Host: peer-a.example
                OS: Linux 6.1
                Want-Repr-Digest: sha-256=1
                Range: bytes=4194304-8388607

                """);

        assertThat(Wire.text(MessageWriter.encode(get))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(get);
    }

    @Test
    void aStandardGetIsWrittenWithoutAnyExtensionHeader() {
        GetRequest get = new GetRequest(2616, "peer-a.example", Optional.of("Linux 6.1"));

        assertThat(get.isExtended()).isFalse();
        assertThat(Wire.text(MessageWriter.encode(get)))
                .isEqualTo("GET RFC 2616 P2P-CI/1.0\r\nHost: peer-a.example\r\nOS: Linux 6.1\r\n\r\n");
        assertThat(MessageWriter.encode(get.withRange(ByteRange.from(5)).standard()))
                .isEqualTo(MessageWriter.encode(get));
    }

    @Test
    void a206AnswerHeadIsWrittenAsPROTOCOL9Shows() {
        FileResponse head = FileResponse.partial(Instant.parse("2026-11-21T15:12:05Z"), "Linux 6.1",
                Instant.parse("1999-06-01T00:00:00Z"), 4194304, 8388607, 1073741824L)
                .with(new Header(ReprDigest.HEADER, ReprDigest.of(new byte[0]).headerValue()));

        assertThat(Wire.text(MessageWriter.encode(head))).isEqualTo(Wire.text(Wire.crlf("""
                P2P-CI/1.0 206 Partial Content
                Date: Sat, 21 Nov 2026 15:12:05 GMT
                OS: Linux 6.1
                Last-Modified: Tue, 01 Jun 1999 00:00:00 GMT
                Content-Length: 4194304
                Content-Range: bytes 4194304-8388607/1073741824
                Content-Type: text/plain
                Repr-Digest: sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:

                """)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            bytes=0-9          | 0 | 9
            bytes=10-          | 10 | -1
            Bytes=3 - 4        | 3 | 4
            bytes=7-7          | 7 | 7
            """)
    void rangesThatAreOneRangeAreRead(String value, long first, long last) {
        assertThat(ByteRange.parse(value)).contains(new ByteRange(first, last));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=-5", "bytes=5-4", "bytes=1-2,4-5", "items=1-2", "bytes=", "bytes=a-b",
            "bytes=99999999999999999999-"})
    void anythingElseIsNoRange(String value) {
        assertThat(ByteRange.parse(value)).isEmpty();
    }

    @Test
    void aRangeEndsAtTheFilesEndAndOnePastTheEndSelectsNothing() {
        assertThat(new ByteRange(5, 100).lastIn(10)).isEqualTo(9);
        assertThat(ByteRange.from(9).lastIn(10)).isEqualTo(9);
        assertThat(ByteRange.from(10).lastIn(10)).isEqualTo(-1);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            bytes 0-9/10     | true
            bytes 5-5/6      | true
            bytes 0-10/10    | false
            bytes 9-3/10     | false
            bytes */10       | false
            bytes 0-9        | false
            """)
    void contentRangesAreReadOnlyWhenConsistent(String value, boolean readable) {
        assertThat(ByteRange.parseContentRange(value).isPresent()).isEqualTo(readable);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sha-256=1                | true
            sha-256=10               | true
            sha-512=3, sha-256=2     | true
            SHA-256=1                | true
            sha-256                  | true
            sha-256=0                | false
            sha-256=11               | false
            sha-512=1                | false
            sha-2560=1               | false
            """)
    void aWantAsksForSha256WithAWeightAboveNought(String value, boolean wants) {
        assertThat(ReprDigest.wantsSha256(value)).isEqualTo(wants);
    }

    @Test
    void aDigestIsReadBackFromItsHeaderAndOthersAreNot() {
        ReprDigest digest = ReprDigest.of("abc".getBytes(StandardCharsets.US_ASCII));

        assertThat(digest.headerValue()).isEqualTo("sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:");
        assertThat(ReprDigest.parse(digest.headerValue())).contains(digest);
        assertThat(ReprDigest.parse("md5=:AAAA:, " + digest.headerValue())).contains(digest);
        assertThat(ReprDigest.parse("sha-256=:AAAA:")).isEmpty();
        assertThat(ReprDigest.parse("sha-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")).isEmpty();
        assertThat(ReprDigest.parse("sha-256=:not base64!:")).isEmpty();
    }
}
