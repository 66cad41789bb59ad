package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every example message of docs/PROTOCOL.md section 8 (the index extensions), written byte for byte and read back,
 * requests by the server's reader and answers by the peer's liberal one.
 */
class ExtensionBytesTest {
    private static final String TCP = "Transmission Control Protocol";

    static Stream<Arguments> requests() {
        return Stream.of(
                Arguments.of(new OptionsRequest("peer-a.example", 5678), """
                        OPTIONS * P2P-CI/1.0
                        Host: peer-a.example
                        Port: 5678

                        """),
                Arguments.of(SearchRequest.of("peer-a.example", 5678, "Transmission CONTROL"), """
                        SEARCH TITLE P2P-CI/1.0
                        Host: peer-a.example
                        Port: 5678
                        Words: transmission control

                        """),
                Arguments.of(new PeersRequest("peer-a.example", 5678), """
                        PEERS ALL P2P-CI/1.0
                        Host: peer-a.example
                        Port: 5678

                        """),
                Arguments.of(new WithdrawRequest(2616, "peer-a.example", 5678), """
                        WITHDRAW RFC 2616 P2P-CI/1.0
                        Host: peer-a.example
                        Port: 5678

                        """));
    }

    @ParameterizedTest
    @MethodSource("requests")
    void requestsAreWrittenAndReadAsTheProtocolShowsThem(Request request, String text) throws Exception {
        byte[] golden = Wire.crlf(text);

        assertThat(Wire.text(MessageWriter.encode(request))).isEqualTo(Wire.text(golden));
        assertThat(Wire.reader(golden).readRequest()).contains(request);
    }

    static Stream<Arguments> answers() {
        return Stream.of(
                Arguments.of(new IndexResponse(Status.OK_200,
                        List.of(new Header("Extensions", "SEARCH, PEERS, WITHDRAW")), List.of(), List.of()), """
                        P2P-CI/1.0 200 OK
                        Extensions: SEARCH, PEERS, WITHDRAW


                        """),
                Arguments.of(new IndexResponse(Status.OK_200, Extensions.limitHeaders(false),
                        List.of(new RfcRecord(793, TCP, "peer-a.example", 5678)), List.of()), """
                        P2P-CI/1.0 200 OK
                        Limit: 1000

                        RFC 793 Transmission Control Protocol peer-a.example 5678

                        """),
                Arguments.of(new IndexResponse(Status.OK_200, Extensions.limitHeaders(true),
                        List.of(new RfcRecord(793, TCP, "peer-a.example", 5678)), List.of()), """
                        P2P-CI/1.0 200 OK
                        Limit: 1000
                        Truncated: yes

                        RFC 793 Transmission Control Protocol peer-a.example 5678

                        """),
                Arguments.of(new IndexResponse(Status.OK_200, Extensions.limitHeaders(false), List.of(),
                        List.of(new PeerLine("peer-a.example", 5678, 2), new PeerLine("peer-b.example", 6789, 0))),
                        """
                        P2P-CI/1.0 200 OK
                        Limit: 1000

                        PEER peer-a.example 5678 2
                        PEER peer-b.example 6789 0

                        """));
    }

    @ParameterizedTest
    @MethodSource("answers")
    void answersAreWrittenAndReadAsTheProtocolShowsThem(IndexResponse answer, String text) throws Exception {
        byte[] golden = Wire.crlf(text);

        assertThat(Wire.text(MessageWriter.encode(answer))).isEqualTo(Wire.text(golden));
        IndexAnswerReader.Answer read = readOne(golden);
        assertThat(read.response()).isEqualTo(answer);
        assertThat(read.deviations()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONS RFC 1 P2P-CI/1.0", "SEARCH ALL P2P-CI/1.0", "PEERS P2P-CI/1.0",
        "OPTIONS * P2P-CI/2.0x", "WITHDRAW RFC 0 P2P-CI/1.0"})
    void malformedExtensionRequestsAreBadRequests(String requestLine) {
        assertThatThrownBy(() -> Wire.reader(Wire.crlf(requestLine + "\nHost: a\nPort: 1\nWords: x\n\n"))
                .readRequest()).isInstanceOfSatisfying(RequestException.class,
                e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST_400));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Words: \u00a0--", "Words: " + "a b c d e f g h i j k l m n o p q"})
    void aSearchWithoutWordsOrWithTooManyIsABadRequest(String wordsLine) {
        assertThatThrownBy(() -> Wire.reader(Wire.crlf("SEARCH TITLE P2P-CI/1.0\nHost: a\nPort: 1\n" + wordsLine
                + (wordsLine.isEmpty() ? "" : "\n") + "\n")).readRequest())
                .isInstanceOfSatisfying(RequestException.class,
                        e -> assertThat(e.status()).isEqualTo(Status.BAD_REQUEST_400));
    }

    private static IndexAnswerReader.Answer readOne(byte[] bytes) throws IOException {
        return new IndexAnswerReader(Wire.reader(bytes), new IndexAnswerReader.QuietPeriod() {
            @Override
            public void begin() {
            }

            @Override
            public void end() {
            }
        }, Limits.DEFAULT).read();
    }
}
