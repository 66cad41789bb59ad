package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;


import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.arbitraries.StringArbitrary;

/** Whatever the writer produces, the reader returns unchanged: parse(write(x)) equals x. */
class RoundTripPropertyTest {

    @Property(tries = 2000)
    void requestsSurviveTheRoundTrip(@ForAll("requests") Request request) throws Exception {
        assertThat(new MessageReader(new java.io.ByteArrayInputStream(MessageWriter.encode(request))).readRequest())
                .contains(request);
    }

    @Property(tries = 500)
    void pipelinedRequestsComeBackInOrder(@ForAll("requests") Request first, @ForAll("requests") Request second)
            throws Exception {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(MessageWriter.encode(first));
        both.write(MessageWriter.encode(second));
        MessageReader reader = Wire.reader(both.toByteArray());

        assertThat(reader.readRequest()).contains(first);
        assertThat(reader.readRequest()).contains(second);
        assertThat(reader.readRequest()).isEmpty();
    }

    @Property(tries = 1000)
    void indexResponsesSurviveTheRoundTrip(@ForAll("indexResponses") IndexResponse response) throws IOException {
        assertThat(Wire.reader(MessageWriter.encode(response)).readIndexResponse()).isEqualTo(response);
    }

    @Property(tries = 300)
    void anIndexResponseWrittenInPiecesIsTheSameBytesAsWrittenWhole(@ForAll("indexResponses") IndexResponse response,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 7) int pieceRecords) throws IOException {
        ByteArrayOutputStream pieces = new ByteArrayOutputStream();
        java.util.List<RfcRecord> records = response.records();
        int from = 0;
        do {
            int to = Math.min(records.size(), from + pieceRecords);
            pieces.write(MessageWriter.encodePart(from == 0 ? response.status() : null, records.subList(from, to),
                    to == records.size()));
            from = to;
        } while (from < records.size());

        assertThat(pieces.toByteArray()).isEqualTo(MessageWriter.encode(response));
    }

    @Property(tries = 500)
    void fileResponsesSurviveTheRoundTrip(@ForAll("fileResponses") FileResponse response) throws IOException {
        assertThat(Wire.reader(MessageWriter.encode(response)).readFileResponseHead()).isEqualTo(response);
    }

    @Provide
    Arbitrary<Request> requests() {
        Arbitrary<Integer> numbers = requestedRfcNumbers();
        Arbitrary<String> hosts = hosts();
        Arbitrary<Integer> ports = ports();
        Arbitrary<String> titles = freeText();
        return Arbitraries.oneOf(
                Combinators.combine(numbers, hosts, ports, titles).as(AddRequest::new),
                Combinators.combine(numbers, hosts, ports, titles.optional()).as(LookupRequest::new),
                Combinators.combine(hosts, ports).as(ListRequest::new),
                Combinators.combine(numbers, hosts, freeText().optional()).as(GetRequest::new));
    }

    @Provide
    Arbitrary<IndexResponse> indexResponses() {
        Arbitrary<RfcRecord> records = Combinators.combine(rfcNumbers(), freeText(), hosts(), ports())
                .as(RfcRecord::new);
        return Combinators.combine(Arbitraries.of(Status.class), records.list().ofMaxSize(20))
                .as(IndexResponse::new);
    }

    @Provide
    Arbitrary<FileResponse> fileResponses() {
        Arbitrary<Instant> instants = Arbitraries.longs().between(0, 4_102_444_800L).map(Instant::ofEpochSecond);
        Arbitrary<FileResponse> ok = Combinators.combine(instants, freeText(), instants,
                Arbitraries.longs().between(0, Long.MAX_VALUE / 1000)).as(FileResponse::ok);
        Arbitrary<FileResponse> error = Combinators.combine(Arbitraries.of(Status.class), instants, freeText())
                .as(FileResponse::error);
        Arbitrary<FileResponse> custom = Combinators.combine(Arbitraries.of(Status.class),
                Combinators.combine(headerNames(), freeText()).as(Header::new).list().ofMaxSize(10))
                .as((status, headers) -> new FileResponse(status, headers.stream()
                        .filter(h -> !h.name().equalsIgnoreCase(FileResponse.CONTENT_LENGTH)).toList()));
        return Arbitraries.oneOf(ok, error, custom);
    }

    /** What a request may name: the range both programs accept. */
    private static Arbitrary<Integer> requestedRfcNumbers() {
        return Arbitraries.oneOf(Arbitraries.integers().between(Protocol.MIN_RFC_NUMBER, 10_000),
                Arbitraries.integers().between(Protocol.MIN_RFC_NUMBER, Protocol.MAX_RFC_NUMBER));
    }

    private static Arbitrary<Integer> rfcNumbers() {
        return Arbitraries.oneOf(Arbitraries.integers().between(0, 10_000),
                Arbitraries.integers().between(0, Integer.MAX_VALUE));
    }

    private static Arbitrary<Integer> ports() {
        return Arbitraries.integers().between(1, 65_535);
    }

    private static Arbitrary<String> hosts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789.-").ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("127.0.0.1", "::1", "peer-a.example", "fe80::1%eth0", "ünïcødé.example"));
    }

    private static Arbitrary<String> headerNames() {
        return Arbitraries.strings().withCharRange('!', '~').excludeChars(':').ofMinLength(1).ofMaxLength(20);
    }

    /** Titles and OS names: words with spaces, non-ASCII letters, symbols and emoji, trimmed and non-empty. */
    private static Arbitrary<String> freeText() {
        StringArbitrary chars = Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00a0', '\u024f')
                .withCharRange('\u0391', '\u03c9')
                .withCharRange('\u4e00', '\u4e2f')
                .withChars("— «»€ ")
                .ofMinLength(1).ofMaxLength(120);
        Arbitrary<String> withEmoji = Combinators.combine(chars, Arbitraries.integers().between(0, 120))
                .as((text, at) -> text.substring(0, Math.min(at, text.length())) + "😀🜂"
                        + text.substring(Math.min(at, text.length())));
        return Arbitraries.oneOf(chars, withEmoji).map(String::strip).filter(WireText::isFieldText);
    }

}
