package net.p2pci.protocol.fuzz;

import static net.p2pci.protocol.fuzz.RequestParserFuzzTest.TIGHT;
import static net.p2pci.protocol.fuzz.RequestParserFuzzTest.assertLoggable;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.time.Duration;
import java.util.List;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileAnswerReader;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.IndexAnswerReader;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MemorySink;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.NoSilence;
import net.p2pci.protocol.ResponseFormatException;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.fuzz.SegmentedInputStream.Delivery;

/**
 * Feeds the client side of {@link MessageReader} whatever bytes an index server or an upload server could answer
 * with, and checks its contract on every input:
 * <ul>
 *   <li>it throws only {@link ResponseFormatException} or {@link EOFException}, never a runtime exception or an
 *       error, and their messages hold no control characters;</li>
 *   <li>it never asks for more bytes at once than the line limit plus CRLF;</li>
 *   <li>every response it returns is written back by {@link MessageWriter} into bytes that parse to an equal
 *       response;</li>
 *   <li>after a GET response head, exactly the bytes after the head's empty line are left as the body;</li>
 *   <li>the liberal reader of GET answers gives a head the writer can send and a file within its limit;</li>
 *   <li>it comes to the same outcomes whether the bytes arrive at once or in odd-sized segments.</li>
 * </ul>
 * Plain {@code mvn verify} runs this over the seed corpus in {@code ResponseParserFuzzTestInputs}; FUZZING.md tells
 * how to fuzz it.
 */
final class ResponseParserFuzzTest {

    @FuzzTest
    void readIndexResponses(byte[] input) throws IOException {
        assertSameOutcomesInSegments((limits, delivery) -> readIndexResponses(input, limits, delivery));
    }

    @FuzzTest
    void readIndexAnswersLiberally(byte[] input) throws IOException {
        assertSameOutcomesInSegments((limits, delivery) -> readIndexAnswers(input, limits, delivery));
    }

    @FuzzTest
    void readGetAnswersLiberally(byte[] input) throws IOException {
        assertSameOutcomesInSegments((limits, delivery) -> readGetAnswer(input, limits, delivery));
    }

    @FuzzTest
    void readFileResponseHead(byte[] input) throws IOException {
        assertSameOutcomesInSegments((limits, delivery) -> readFileResponseHead(input, limits, delivery));
    }

    /** One way of reading the input: its outcome, or outcomes, with these limits and this delivery. */
    private interface Reading {
        Object read(Limits limits, Delivery delivery) throws IOException;
    }

    /** Reads with the default and the tight limits, and checks that segments come to what the whole bytes do. */
    private static void assertSameOutcomesInSegments(Reading reading) throws IOException {
        for (Limits limits : List.of(Limits.DEFAULT, TIGHT)) {
            Object whole = reading.read(limits, Delivery.WHOLE);
            assertThat(reading.read(limits, Delivery.SEGMENTED))
                    .as("outcomes when the bytes arrive in segments").isEqualTo(whole);
        }
    }

    /** A response head and the bytes the reader left after it. */
    record HeadAndBody(FileResponse head, ByteBuffer body) {
    }

    /** A GET answer read liberally: its head, the file, and the deviations named. */
    record GetAnswer(FileResponse head, ByteBuffer file, List<AnswerDeviation> deviations) {
    }

    /** A response the reader refused or could not finish; the messages are compared too. */
    record Failed(Class<? extends IOException> type, String message) {
    }

    /** Reads index responses one after another, as a client does on its one connection, until one fails. */
    private static List<Object> readIndexResponses(byte[] bytes, Limits limits, Delivery delivery)
            throws IOException {
        SegmentedInputStream stream = new SegmentedInputStream(bytes, delivery);
        MessageReader reader = new MessageReader(stream, limits);
        List<Object> outcomes = new ArrayList<>();
        // A response takes at least three lines, so more responses than bytes means the reader made no progress.
        while (outcomes.size() <= bytes.length) {
            try {
                IndexResponse response = reader.readIndexResponse();
                assertThat(parseIndexResponse(MessageWriter.encode(response)))
                        .as("the response written back and read again").isEqualTo(response);
                outcomes.add(response);
            } catch (ResponseFormatException | EOFException failure) {
                assertLoggable(failure.getMessage());
                outcomes.add(new Failed(failure.getClass(), failure.getMessage()));
                return outcomes;
            } finally {
                assertBufferBounded(stream, limits);
            }
        }
        throw new AssertionError("the reader made no progress: " + outcomes.size() + " responses from "
                + bytes.length + " bytes");
    }

    /**
     * Reads answers with the liberal reader until one fails: whatever it accepts must be an answer the writer can
     * send in the standard form, and its failures quote what they saw without a control character.
     */
    private static List<Object> readIndexAnswers(byte[] bytes, Limits limits, Delivery delivery) throws IOException {
        SegmentedInputStream stream = new SegmentedInputStream(bytes, delivery);
        IndexAnswerReader reader = new IndexAnswerReader(new MessageReader(stream, limits), NO_QUIET, limits);
        List<Object> outcomes = new ArrayList<>();
        // An answer takes at least one line, so more answers than bytes means the reader made no progress.
        while (outcomes.size() <= bytes.length) {
            try {
                IndexAnswerReader.Answer answer = reader.read();
                assertThat(parseIndexResponse(MessageWriter.encode(answer.response())))
                        .as("the answer written back and read again").isEqualTo(answer.response());
                outcomes.add(answer);
            } catch (ResponseFormatException | EOFException failure) {
                assertLoggable(failure.getMessage());
                outcomes.add(new Failed(failure.getClass(), failure.getMessage()));
                return outcomes;
            } finally {
                assertBufferBounded(stream, limits);
            }
        }
        throw new AssertionError("the reader made no progress: " + outcomes.size() + " answers from "
                + bytes.length + " bytes");
    }

    /** A stream of bytes has no silence; its end is what ends an answer without a final empty line. */
    private static final IndexAnswerReader.QuietPeriod NO_QUIET = new IndexAnswerReader.QuietPeriod() {
        @Override
        public void begin() {
        }

        @Override
        public void end() {
        }
    };

    /** The most a fuzzed file may be: small, so that an input cannot make the test hold much. */
    private static final long MAX_FILE_BYTES = 64 * 1024;

    /**
     * Reads one GET answer with the liberal reader, and its file when the status is 200: the head must be one the
     * writer can send in the standard form, the file no larger than the limit, and failures must quote without a
     * control character.
     */
    private static Object readGetAnswer(byte[] bytes, Limits limits, Delivery delivery) throws IOException {
        SegmentedInputStream stream = new SegmentedInputStream(bytes, delivery);
        FileAnswerReader reader = new FileAnswerReader(new MessageReader(stream, limits), NoSilence.WAITS,
                Duration.ofMillis(1), Duration.ofMillis(1), limits);
        try {
            FileResponse head;
            try {
                head = reader.readHead();
            } finally {
                assertBufferBounded(stream, limits); // the head is read a line at a time; the body in large reads
            }
            assertThat(parseFileResponseHead(MessageWriter.encode(head)))
                    .as("the head written back and read again").isEqualTo(head);
            MemorySink file = new MemorySink();
            if (head.status() == Status.OK_200) {
                reader.readBody(file, MAX_FILE_BYTES);
            }
            assertThat((long) file.toByteArray().length).isLessThanOrEqualTo(MAX_FILE_BYTES);
            reader.deviations().forEach(deviation -> assertLoggable(deviation.describe()));
            return new GetAnswer(head, ByteBuffer.wrap(file.toByteArray()), reader.deviations());
        } catch (ResponseFormatException | EOFException | FileAnswerReader.UnbelievableBodyException failure) {
            assertLoggable(failure.getMessage());
            return new Failed(failure.getClass(), failure.getMessage());
        }
    }

    private static Object readFileResponseHead(byte[] bytes, Limits limits, Delivery delivery) throws IOException {
        SegmentedInputStream stream = new SegmentedInputStream(bytes, delivery);
        MessageReader reader = new MessageReader(stream, limits);
        try {
            FileResponse head = reader.readFileResponseHead();
            assertBufferBounded(stream, limits);
            assertThat(parseFileResponseHead(MessageWriter.encode(head)))
                    .as("the head written back and read again").isEqualTo(head);
            byte[] body = reader.remaining().readAllBytes();
            assertThat(body).as("the bytes after the head's empty line")
                    .isEqualTo(Arrays.copyOfRange(bytes, endOfHead(bytes), bytes.length));
            return new HeadAndBody(head, ByteBuffer.wrap(body));
        } catch (ResponseFormatException | EOFException failure) {
            assertBufferBounded(stream, limits);
            assertLoggable(failure.getMessage());
            return new Failed(failure.getClass(), failure.getMessage());
        }
    }

    /**
     * Where the body starts, found without the reader: after the first empty line (LF or CRLF) that follows the
     * status line. Only called for a head the reader accepted, so that line exists.
     */
    private static int endOfHead(byte[] bytes) {
        int lineStart = -1;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] != '\n') {
                continue;
            }
            int lineLength = i - lineStart - 1;
            boolean empty = lineLength == 0 || (lineLength == 1 && bytes[i - 1] == '\r');
            if (lineStart >= 0 && empty) {
                return i + 1;
            }
            lineStart = i;
        }
        throw new AssertionError("an accepted head without an empty line");
    }

    private static void assertBufferBounded(SegmentedInputStream stream, Limits limits) {
        assertThat(stream.largestRead()).as("largest read, bounded by the line limit plus CRLF")
                .isLessThanOrEqualTo(limits.maxLineBytes() + 2);
    }

    /** Reads back what the writer wrote; a failure here is the round trip's, so it must not pass for an outcome. */
    private static IndexResponse parseIndexResponse(byte[] bytes) {
        try {
            return new MessageReader(new ByteArrayInputStream(bytes)).readIndexResponse();
        } catch (IOException refused) {
            throw new AssertionError("the response written back was refused: " + refused.getMessage(), refused);
        }
    }

    private static FileResponse parseFileResponseHead(byte[] bytes) {
        try {
            return new MessageReader(new ByteArrayInputStream(bytes)).readFileResponseHead();
        } catch (IOException refused) {
            throw new AssertionError("the head written back was refused: " + refused.getMessage(), refused);
        }
    }
}
