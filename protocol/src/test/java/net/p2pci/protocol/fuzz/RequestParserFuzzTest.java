package net.p2pci.protocol.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import net.p2pci.protocol.fuzz.SegmentedInputStream.Delivery;

/**
 * Feeds {@link MessageReader#readRequest()} whatever bytes a peer could send and checks the reader's contract on
 * every input, not only that it does not crash. Reading requests until the stream ends or the connection is given up:
 * <ul>
 *   <li>throws only {@link RequestException} or {@link EOFException}, never a runtime exception or an error;</li>
 *   <li>never asks for more bytes at once than the line limit plus CRLF, so the buffer stays bounded;</li>
 *   <li>returns requests that {@link MessageWriter} writes back into bytes that parse to an equal request;</li>
 *   <li>refuses with a message free of control characters, fit for a log line;</li>
 *   <li>comes to the same outcomes whether the bytes arrive at once or in odd-sized segments;</li>
 *   <li>after every refusal that leaves the connection usable, reads a well-formed request that follows intact.</li>
 * </ul>
 * Plain {@code mvn verify} runs this over the seed corpus in {@code RequestParserFuzzTestInputs}; FUZZING.md tells
 * how to fuzz it.
 */
final class RequestParserFuzzTest {
    /**
     * Small enough that over-long lines, too many headers and a spent discard budget fit in short inputs; 510 bytes
     * plus CRLF is also the reader's starting buffer, so the buffer bound holds from the first read.
     */
    static final Limits TIGHT = new Limits(510, 4, 4);

    private static final ListRequest SENTINEL = new ListRequest("sentinel.example", 9);

    /** Ends whatever line and request the input left open, then sends {@link #SENTINEL}. */
    private static final byte[] CLOSE_THEN_SENTINEL =
            concat("\r\n\r\n".getBytes(StandardCharsets.US_ASCII), MessageWriter.encode(SENTINEL));

    @FuzzTest
    void readRequests(byte[] input) throws IOException {
        for (Limits limits : List.of(Limits.DEFAULT, TIGHT)) {
            List<Outcome> whole = readAll(input, limits, Delivery.WHOLE);
            assertThat(readAll(input, limits, Delivery.SEGMENTED)).as("outcomes when the bytes arrive in segments")
                    .isEqualTo(whole);

            List<Outcome> followed = readAll(concat(input, CLOSE_THEN_SENTINEL), limits, Delivery.WHOLE);
            if (followed.stream().noneMatch(Outcome::endsConnection)) {
                assertThat(followed).as("a request after the input, on a connection still usable")
                        .endsWith(new Parsed(SENTINEL), new CleanEnd());
            }
        }
    }

    /** What one call of {@link MessageReader#readRequest()} came to. */
    sealed interface Outcome permits Parsed, Refused, EndedInside, CleanEnd {
        /** True when the reader cannot go on after this outcome. */
        default boolean endsConnection() {
            return true;
        }
    }

    record Parsed(Request request) implements Outcome {
        @Override
        public boolean endsConnection() {
            return false;
        }
    }

    record Refused(Status status, boolean connectionUsable, String message) implements Outcome {
        @Override
        public boolean endsConnection() {
            return !connectionUsable;
        }
    }

    /** The stream ended inside a request. */
    record EndedInside() implements Outcome {
    }

    /** The stream ended cleanly between requests. */
    record CleanEnd() implements Outcome {
        @Override
        public boolean endsConnection() {
            return false;
        }
    }

    /** Reads requests from {@code bytes} until the reader cannot go on, checking the contract at each step. */
    static List<Outcome> readAll(byte[] bytes, Limits limits, Delivery delivery) throws IOException {
        SegmentedInputStream stream = new SegmentedInputStream(bytes, delivery);
        MessageReader reader = new MessageReader(stream, limits);
        List<Outcome> outcomes = new ArrayList<>();
        // Each request and each refusal consumes at least a line, so more outcomes than bytes means no progress.
        while (outcomes.size() <= bytes.length) {
            Outcome outcome = readOne(reader);
            outcomes.add(outcome);
            assertThat(stream.largestRead()).as("largest read, bounded by the line limit plus CRLF")
                    .isLessThanOrEqualTo(limits.maxLineBytes() + 2);
            if (outcome instanceof CleanEnd || outcome.endsConnection()) {
                return outcomes;
            }
        }
        throw new AssertionError("the reader made no progress: " + outcomes.size() + " outcomes from "
                + bytes.length + " bytes");
    }

    private static Outcome readOne(MessageReader reader) throws IOException {
        try {
            Optional<Request> request = reader.readRequest();
            if (request.isEmpty()) {
                return new CleanEnd();
            }
            assertRoundTrip(request.get());
            return new Parsed(request.get());
        } catch (RequestException refused) {
            assertThat(refused.status()).isIn(Status.BAD_REQUEST_400, Status.VERSION_NOT_SUPPORTED_505);
            assertLoggable(refused.getMessage());
            return new Refused(refused.status(), refused.connectionUsable(), refused.getMessage());
        } catch (EOFException endedInside) {
            return new EndedInside();
        }
    }

    /**
     * The writer's bytes for a parsed request parse, by a reader with default limits, to an equal request. Any
     * exception here is a failure of the round trip, not an outcome of the input, so none escapes as one.
     */
    private static void assertRoundTrip(Request request) {
        MessageReader reader = new MessageReader(new ByteArrayInputStream(MessageWriter.encode(request)));
        try {
            assertThat(reader.readRequest()).as("the request written back and read again").contains(request);
            assertThat(reader.readRequest()).isEmpty();
        } catch (RequestException | IOException refused) {
            throw new AssertionError("the request written back was refused: " + refused.getMessage(), refused);
        }
    }

    /** A message about untrusted input is not null and holds no control characters that could forge log lines. */
    static void assertLoggable(String message) {
        assertThat(message).isNotBlank();
        for (int i = 0; i < message.length(); i++) {
            if (Character.isISOControl(message.charAt(i))) {
                throw new AssertionError("control character U+%04X at index %d of the message %s"
                        .formatted((int) message.charAt(i), i, WireText.forLog(message)));
            }
        }
    }

    static byte[] concat(byte[] first, byte[] second) {
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
