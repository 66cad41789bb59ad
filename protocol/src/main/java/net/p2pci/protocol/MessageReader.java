package net.p2pci.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads P2P-CI/1.0 messages, one at a time, from a byte stream: requests on the serving side, index responses and
 * GET response heads on the client side.
 *
 * <p>Lines may end in CRLF or a bare LF. Every line is checked against {@link Limits#maxLineBytes()} before more
 * is buffered, so memory per reader stays bounded whatever the sender does. A malformed request is read to its
 * closing empty line before it is reported, so the next request on the connection starts cleanly.
 *
 * <p>Not thread-safe: a reader belongs to the one thread that serves its connection.
 */
public final class MessageReader {
    /**
     * Small to start with, because an idle registered peer keeps its reader for hours: a request's lines are mostly
     * under 100 bytes (an ADD's Title line is the longest), and the buffer grows only for a line longer than it.
     */
    private static final int INITIAL_BUFFER_BYTES = 256;

    /** A well-formed version string other than ours, answered with 505 rather than 400. */
    private static final Pattern OTHER_VERSION = Pattern.compile("P2P-CI/[0-9]{1,3}\\.[0-9]{1,3}");

    /**
     * How long a sender must be silent, after a request line and headers that make an answerable request, before
     * the request is taken as ended without its empty line (docs/INTEROP.md row 3). The clients that leave the line
     * out write a request in one send, or line by line back to back, and then wait for the answer; a gap inside a
     * request is network delay. 250 ms is longer than the 200 ms for which a delayed ACK can hold back the second
     * piece of a request written in two (Nagle's algorithm on the sender waits for that ACK; 200 ms is the most
     * Linux, Windows and BSD delay one), so such a request is not cut in two; and it is short enough that a person
     * at such a client sees no wait. It is far inside every request deadline, which it never extends.
     */
    public static final Duration QUIET_PERIOD = Duration.ofMillis(250);
    private static final int QUIET_PERIOD_MILLIS = (int) QUIET_PERIOD.toMillis();
    /**
     * The size one client pads every message to with '!' (docs/INTEROP.md row 21). Only a request that stops at
     * exactly this size with a run of '!' is taken as padded, so a title that merely ends in '!' keeps it.
     */
    public static final int PADDED_MESSAGE_BYTES = 1024;

    private static final int LINE = 0;
    private static final int LINE_TOO_LONG = 1;
    private static final int END_OF_STREAM = 2;
    private static final int DISCARD_LIMIT_REACHED = 3;
    /** The stream ended after some bytes of a line: only {@link #readRawLine()} takes these as a line. */
    private static final int UNFINISHED_AT_END = 4;
    /**
     * The sender stopped inside a request, silent for the quiet period or closing (then {@link #stoppedByClose}):
     * the bytes of a line without its end, if any, are left unread in {@link #buffer}.
     */
    private static final int STOPPED = 5;

    /** What {@link #nextLine(int, boolean)} does with the bytes of a line that the stream ends inside. */
    private static final int UNFINISHED_FAILS = 0;
    private static final int UNFINISHED_TAKEN = 1;
    private static final int UNFINISHED_LEFT = 2;
    private static final int LF_LINE_END_BIT = RequestDeviation.LF_LINE_ENDS.bit();

    private final InputStream in;
    /** The same stream when it can wait briefly ({@link RequestInput}); null when it cannot. */
    private final RequestInput requestInput;
    private final Limits limits;
    private final int bufferCapacity;
    private byte[] buffer;
    /** The first unread byte in {@link #buffer}. */
    private int start;
    /** One past the last byte read into {@link #buffer}. */
    private int end;
    /** Where the line last returned by {@link #nextLine()} starts in {@link #buffer}, and its length sans CRLF. */
    private int lineStart;
    private int lineLength;
    /** Bytes consumed by the message being read, to bound how far a malformed one is followed. */
    private long messageBytes;
    private CharsetDecoder utf8;
    /** Whether a read inside a request's headers may end after the quiet period: not again until bytes come. */
    private boolean quietArmed;
    /** Whether the last {@link #STOPPED} was the stream's end rather than silence. */
    private boolean stoppedByClose;
    /** The {@link RequestDeviation}s seen on this stream, by {@link RequestDeviation#bit()}, and those told. */
    private int deviations;
    private int reportedDeviations;

    public MessageReader(InputStream in) {
        this(in, Limits.DEFAULT);
    }

    public MessageReader(InputStream in, Limits limits) {
        this.in = Objects.requireNonNull(in, "in");
        this.requestInput = in instanceof RequestInput input ? input : null;
        this.limits = Objects.requireNonNull(limits, "limits");
        this.bufferCapacity = Math.max(INITIAL_BUFFER_BYTES, limits.maxLineBytes() + 2);
        this.buffer = new byte[INITIAL_BUFFER_BYTES];
    }

    /**
     * Reads the next request.
     *
     * @return the request, or empty when the stream ends cleanly before a request begins
     * @throws RequestException for a request that cannot be served; it says whether the connection can go on
     * @throws EOFException     when the stream ends inside a request that cannot be answered
     */
    public Optional<Request> readRequest() throws IOException, RequestException {
        int kind;
        do {
            // Empty lines before a request are skipped, as HTTP does, so a stray CRLF after a request is harmless;
            // so are END lines, which one client sends after a request's empty line.
            messageBytes = 0;
            kind = nextLine(UNFINISHED_LEFT, false);
            if (kind == END_OF_STREAM) {
                return Optional.empty();
            }
            if (kind == STOPPED) {
                kind = takeUnfinishedRequestLine();
            } else if (kind == LINE && isEndLine()) {
                deviations |= RequestDeviation.END_LINE.bit();
                lineLength = 0;
                if (start == end && requestInput != null) {
                    requestInput.requestNotBegun();
                }
            }
        } while (kind == LINE && lineLength == 0);

        RequestException failure = null;
        RequestLine requestLine = null;
        if (kind == LINE_TOO_LONG) {
            failure = lineTooLong("request line");
        } else if (kind == DISCARD_LIMIT_REACHED) {
            throw new RequestException(Status.BAD_REQUEST_400, "request line has no end within "
                    + limits.maxDiscardBytes() + " bytes", false);
        } else {
            try {
                requestLine = parseRequestLine(decodeRequestLine());
                deviations |= requestLine.deviations();
            } catch (RequestException e) {
                failure = e;
            }
        }

        RequestHeaders headers = new RequestHeaders(limits.maxLineBytes());
        int headerCount = 0;
        quietArmed = true;
        while (true) {
            kind = nextLine(UNFINISHED_LEFT, true);
            if (kind == STOPPED || kind == END_OF_STREAM) {
                boolean closed = kind == END_OF_STREAM || stoppedByClose;
                Request ended = endWithoutEmptyLine(requestLine, headers, headerCount, failure, closed);
                if (ended != null) {
                    return Optional.of(ended);
                }
                if (closed) {
                    throw new EOFException("stream ended inside a request");
                }
                quietArmed = false; // not a whole request yet: wait for more, as long as the deadline allows
                continue;
            }
            if (kind == DISCARD_LIMIT_REACHED || messageBytes > limits.maxDiscardBytes()) {
                throw new RequestException(Status.BAD_REQUEST_400, "request has no end within "
                        + limits.maxDiscardBytes() + " bytes", false);
            }
            if (kind == LINE_TOO_LONG) {
                if (failure == null) {
                    failure = lineTooLong("header line");
                }
                continue;
            }
            if (lineLength == 0) {
                break;
            }
            if (isEndLine()) {
                deviations |= RequestDeviation.END_LINE.bit();
                break;
            }
            if (failure != null) {
                continue; // the request is already refused: read on only to find its end
            }
            if (++headerCount > limits.maxHeaderCount()) {
                failure = new RequestException(Status.BAD_REQUEST_400,
                        "more than " + limits.maxHeaderCount() + " header lines", true);
                continue;
            }
            try {
                headers.accept(decodeRequestLine());
            } catch (RequestException e) {
                failure = e;
            }
        }
        deviations |= headers.deviations;
        if (failure != null) {
            throw failure;
        }
        return Optional.of(buildRequest(requestLine, headers));
    }

    /**
     * Ends a request whose sender stopped without the empty line, silent or closing, if it can be answered: a
     * refusal already found is thrown; otherwise the unfinished last line, if any, is taken as a header (after
     * cutting off '!' padding) and the request built. Nothing is consumed, and null returned, when that does not
     * make a whole request: the sender may still be on its way.
     */
    private Request endWithoutEmptyLine(RequestLine requestLine, RequestHeaders headers, int headerCount,
            RequestException failure, boolean closed) throws RequestException {
        int tailLength = end - start;
        int deviationsHere = closed ? RequestDeviation.ENDED_BY_CLOSE.bit() : RequestDeviation.ENDED_BY_SILENCE.bit();
        if (tailLength > 0 && buffer[end - 1] == '!' && messageBytes + tailLength == PADDED_MESSAGE_BYTES) {
            while (tailLength > 0 && buffer[start + tailLength - 1] == '!') {
                tailLength--;
            }
            deviationsHere |= RequestDeviation.PADDED.bit();
        }
        if (tailLength > 0 && buffer[start + tailLength - 1] == '\r') {
            tailLength--; // the CR of a CRLF whose LF has not come (or never will)
        }
        if (failure != null) {
            takeBufferedAsLine();
            deviations |= deviationsHere | headers.deviations;
            throw failure;
        }
        if (tailLength > limits.maxLineBytes()) {
            return null; // over the limit without its line end: only its LF, or the deadline, can end it
        }
        RequestHeaders complete = headers;
        if (tailLength > 0) {
            if (headerCount == limits.maxHeaderCount()) {
                return null;
            }
            complete = headers.copy();
            lineStart = start;
            lineLength = tailLength;
            try {
                complete.accept(decodeRequestLine());
            } catch (RequestException e) {
                return null;
            }
        }
        Request request;
        try {
            request = buildRequest(requestLine, complete);
        } catch (RequestException e) {
            return null;
        }
        takeBufferedAsLine();
        deviations |= deviationsHere | complete.deviations;
        return request;
    }

    /**
     * Takes the bytes the stream ended inside of as the request line, all there is of the request, without a CR
     * whose LF never came: {@link #LINE}, or {@link #LINE_TOO_LONG} when they are over the limit.
     */
    private int takeUnfinishedRequestLine() {
        takeBufferedAsLine();
        if (lineLength > 0 && buffer[lineStart + lineLength - 1] == '\r') {
            lineLength--;
        }
        return lineLength > limits.maxLineBytes() ? LINE_TOO_LONG : LINE;
    }

    /** Whether the current line is {@code END}, which one client ends its requests with (docs/INTEROP.md row 25). */
    private boolean isEndLine() {
        return lineLength == 3 && buffer[lineStart] == 'E' && buffer[lineStart + 1] == 'N'
                && buffer[lineStart + 2] == 'D';
    }

    /**
     * The ways the requests read so far differed from docs/PROTOCOL.md that this method has not returned before:
     * so that a server notes each once per connection. Empty, and free, when there is none.
     */
    public Set<RequestDeviation> takeNewDeviations() {
        int fresh = deviations & ~reportedDeviations;
        if (fresh == 0) {
            return Set.of();
        }
        reportedDeviations |= fresh;
        EnumSet<RequestDeviation> taken = EnumSet.noneOf(RequestDeviation.class);
        for (RequestDeviation deviation : RequestDeviation.values()) {
            if ((fresh & deviation.bit()) != 0) {
                taken.add(deviation);
            }
        }
        return Collections.unmodifiableSet(taken);
    }

    /** Reads the index server's answer to one P2S request: status line, empty line, records, empty line. */
    public IndexResponse readIndexResponse() throws IOException {
        messageBytes = 0;
        Status status = parseStatusLine(requireResponseLine("status line"));
        // An extension's answer has headers here (docs/PROTOCOL.md section 8); a standard one goes on at once.
        List<Header> headers = new ArrayList<>();
        for (String line = requireResponseLine("empty line after the status"); !line.isEmpty();
                line = requireResponseLine("empty line after the headers")) {
            Header header = IndexAnswerReader.headerOf(line);
            if (header == null || headers.size() == limits.maxHeaderCount()) {
                throw new ResponseFormatException("no empty line after the status line");
            }
            headers.add(header);
        }
        List<RfcRecord> records = new ArrayList<>();
        while (true) {
            String line = requireResponseLine("record line");
            if (line.isEmpty()) {
                return new IndexResponse(status, headers, records, List.of());
            }
            if (records.size() == limits.maxRecords()) {
                throw new ResponseFormatException("more than " + limits.maxRecords() + " records");
            }
            records.add(parseRecordLine(line));
        }
    }

    /** Reads the status line and headers of an upload server's answer to GET; the body stays in {@link #remaining()}. */
    public FileResponse readFileResponseHead() throws IOException {
        messageBytes = 0;
        Status status = parseStatusLine(requireResponseLine("status line"));
        List<Header> headers = new ArrayList<>();
        while (true) {
            String line = requireResponseLine("header line");
            if (line.isEmpty()) {
                break;
            }
            if (headers.size() == limits.maxHeaderCount()) {
                throw new ResponseFormatException("more than " + limits.maxHeaderCount() + " header lines");
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new ResponseFormatException("header line without a name and colon: " + WireText.forLog(line));
            }
            String name = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            if (writtenLength(name, value) > limits.maxLineBytes()) {
                throw new ResponseFormatException("header line longer than " + limits.maxLineBytes()
                        + " bytes when written back as 'Name: value'");
            }
            try {
                headers.add(new Header(name, value));
            } catch (IllegalArgumentException e) {
                throw new ResponseFormatException(e.getMessage());
            }
        }
        try {
            return new FileResponse(status, headers);
        } catch (IllegalArgumentException e) {
            throw new ResponseFormatException(e.getMessage());
        }
    }

    /**
     * How many bytes have been read from the stream but not yet consumed: more than zero after a request means
     * the next one (pipelined) has already begun.
     */
    public int bufferedBytes() {
        return end - start;
    }

    /** The stream after the last message read: the bytes this reader has buffered, then the underlying stream. */
    public InputStream remaining() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                return start < end ? buffer[start++] & 0xff : in.read();
            }

            @Override
            public int read(byte[] target, int offset, int length) throws IOException {
                Objects.checkFromIndexSize(offset, length, target.length);
                if (length == 0) {
                    return 0;
                }
                if (start < end) {
                    int copied = Math.min(length, end - start);
                    System.arraycopy(buffer, start, target, offset, copied);
                    start += copied;
                    return copied;
                }
                return in.read(target, offset, length);
            }

            @Override
            public int available() throws IOException {
                return (end - start) + in.available();
            }
        };
    }


    /** How a line read by {@link #readRawLine()} ended. */
    public enum LineEnd {
        CRLF,
        LF,
        /** It had no line end: the stream ended after it, or {@link #takeUnfinishedLine()} took it. */
        NONE
    }

    /**
     * A line as it arrived, for readers that must judge another implementation's bytes: its bytes without the line
     * end, and how it ended.
     */
    public record RawLine(byte[] bytes, LineEnd end) {
        public RawLine {
            Objects.requireNonNull(bytes, "bytes");
            Objects.requireNonNull(end, "end");
        }

        /** The line as UTF-8 text; bytes that are not UTF-8 become U+FFFD. */
        public String text() {
            return new String(bytes, StandardCharsets.UTF_8);
        }

        public boolean isEmpty() {
            return bytes.length == 0;
        }

        /** The bytes as they came, line end included, quoted for a message: see {@link WireText#quoteBytes}. */
        public String quoted() {
            byte[] whole = switch (end) {
                case CRLF -> concat(bytes, new byte[] {'\r', '\n'});
                case LF -> concat(bytes, new byte[] {'\n'});
                case NONE -> bytes;
            };
            return WireText.quoteBytes(whole, 0, whole.length, WireText.MAX_QUOTED_BYTES);
        }

        private static byte[] concat(byte[] first, byte[] second) {
            byte[] both = new byte[first.length + second.length];
            System.arraycopy(first, 0, both, 0, first.length);
            System.arraycopy(second, 0, both, first.length, second.length);
            return both;
        }
    }

    /**
     * Reads the next line as it arrived, whatever its bytes; for the liberal readers of other implementations'
     * answers ({@link IndexAnswerReader}). A {@link java.net.SocketTimeoutException} from the stream leaves this
     * reader as it was, so the caller may read on, or take the bytes of a line that stopped short with
     * {@link #takeUnfinishedLine()}.
     *
     * @return the line, or null when the stream ends before another byte
     * @throws ResponseFormatException for a line longer than the limit
     */
    public RawLine readRawLine() throws IOException {
        int kind = nextLine(UNFINISHED_TAKEN, false);
        return switch (kind) {
            case END_OF_STREAM -> null;
            case LINE_TOO_LONG, DISCARD_LIMIT_REACHED -> throw new ResponseFormatException(
                    "a line longer than " + limits.maxLineBytes() + " bytes");
            case UNFINISHED_AT_END -> currentRawLine(LineEnd.NONE);
            default -> currentRawLine(start - lineStart - lineLength == 2 ? LineEnd.CRLF : LineEnd.LF);
        };
    }

    /**
     * Waits until at least one byte is buffered, reading if none is: so that a caller can wait without limit for a
     * message to begin, and then with a limit for the rest of it.
     *
     * @return false when the stream ends first
     */
    public boolean awaitBytes() throws IOException {
        return start < end || fill(false) > 0;
    }

    /**
     * Whether the next line, up to its LF or to the end of the stream, is within the line limit. It reads until it
     * can tell and consumes nothing, so that a reader of a GET answer can leave a long line (the file's first, when
     * no empty line ends the head) to be read as body. A {@link java.net.SocketTimeoutException} leaves this reader
     * as it was.
     */
    public boolean nextLineFits() throws IOException {
        int scanned = 0;
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int length = (i > start && buffer[i - 1] == '\r') ? i - 1 - start : i - start;
                    return length <= limits.maxLineBytes();
                }
            }
            scanned = end - start;
            if (scanned >= limits.maxLineBytes() + 2) {
                return false;
            }
            if (fill(false) < 0) {
                return end - start <= limits.maxLineBytes();
            }
        }
    }

    /** The bytes buffered and not yet consumed, quoted for a message: what a reader could not make sense of. */
    public String quoteBuffered() {
        return WireText.quoteBytes(buffer, start, end - start, WireText.MAX_QUOTED_BYTES);
    }

    /** The bytes buffered after the last line, which hold no line end, taken as a line; null when there are none. */
    public RawLine takeUnfinishedLine() {
        if (start == end) {
            return null;
        }
        takeBufferedAsLine();
        return currentRawLine(LineEnd.NONE);
    }

    /**
     * Puts the line last returned by {@link #readRawLine()} back, so that the next read returns it again: for a
     * reader that finds the next message's first line where it expected more of this one. Only valid right after
     * that read.
     */
    public void unreadLine() {
        messageBytes -= start - lineStart;
        start = lineStart;
    }

    private RawLine currentRawLine(LineEnd lineEnd) {
        byte[] bytes = new byte[lineLength];
        System.arraycopy(buffer, lineStart, bytes, 0, lineLength);
        return new RawLine(bytes, lineEnd);
    }

    // ---------------------------------------------------------------------------------------------------- lines

    /**
     * Finds the next line, leaving its bounds in {@link #lineStart} and {@link #lineLength}. A line over the limit
     * is consumed through its LF (bounded by the discard budget) and reported as {@link #LINE_TOO_LONG}.
     */
    private int nextLine() throws IOException {
        return nextLine(UNFINISHED_FAILS, false);
    }

    /**
     * As {@link #nextLine()}; {@code unfinished} says what becomes of bytes after the last LF when the stream ends
     * ({@link #UNFINISHED_FAILS}, {@link #UNFINISHED_TAKEN} as a line, {@link #UNFINISHED_LEFT} for the caller:
     * {@link #STOPPED}); with {@code quietEnds}, a {@link RequestInput} silent for the quiet period also stops it.
     */
    private int nextLine(int unfinished, boolean quietEnds) throws IOException {
        int scanned = 0; // bytes after start known to hold no LF; relative, because fill() may move start
        while (true) {
            for (int i = start + scanned; i < end; i++) {
                if (buffer[i] == '\n') {
                    int contentEnd = i;
                    if (i > start && buffer[i - 1] == '\r') {
                        contentEnd = i - 1;
                    } else {
                        deviations |= LF_LINE_END_BIT;
                    }
                    lineStart = start;
                    lineLength = contentEnd - start;
                    messageBytes += i + 1 - start;
                    start = i + 1;
                    return lineLength > limits.maxLineBytes() ? LINE_TOO_LONG : LINE;
                }
            }
            scanned = end - start;
            if (scanned >= limits.maxLineBytes() + 2) {
                return discardRestOfLine();
            }
            int read = fill(quietEnds);
            if (read == 0 && quietEnds) {
                stoppedByClose = false;
                return STOPPED;
            }
            if (read < 0) {
                if (end == start) {
                    return END_OF_STREAM;
                }
                switch (unfinished) {
                    case UNFINISHED_TAKEN -> {
                        takeBufferedAsLine();
                        return UNFINISHED_AT_END;
                    }
                    case UNFINISHED_LEFT -> {
                        stoppedByClose = true;
                        return STOPPED;
                    }
                    default -> throw new EOFException("stream ended inside a line");
                }
            }
        }
    }

    /** Makes the buffered bytes, which hold no LF, the current line. */
    private void takeBufferedAsLine() {
        lineStart = start;
        lineLength = end - start;
        messageBytes += lineLength;
        start = end;
    }

    /**
     * Skips to the end of an over-long line without keeping it; gives up when the line ends past the discard
     * budget, wherever its LF falls among the reads, so the verdict does not depend on how the bytes arrived.
     */
    private int discardRestOfLine() throws IOException {
        while (true) {
            messageBytes += end - start;
            start = end;
            if (messageBytes > limits.maxDiscardBytes()) {
                return DISCARD_LIMIT_REACHED;
            }
            if (fill(false) < 0) {
                throw new EOFException("stream ended inside a line");
            }
            for (int i = start; i < end; i++) {
                if (buffer[i] == '\n') {
                    messageBytes += i + 1 - start;
                    start = i + 1;
                    return messageBytes > limits.maxDiscardBytes() ? DISCARD_LIMIT_REACHED : LINE_TOO_LONG;
                }
            }
        }
    }

    /**
     * Reads more bytes after the unread ones, growing the buffer up to its capacity: how many, -1 at the end of the
     * stream, or 0 when {@code quiet} is allowed and armed and the {@link RequestInput} stayed silent for the quiet
     * period.
     */
    private int fill(boolean quiet) throws IOException {
        if (start == end) {
            start = 0;
            end = 0;
        } else if (start > 0 && end == buffer.length) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            byte[] larger = new byte[Math.min(bufferCapacity, buffer.length * 2)];
            System.arraycopy(buffer, start, larger, 0, end - start);
            end -= start;
            start = 0;
            buffer = larger;
        }
        int read = quiet && quietArmed && requestInput != null
                ? requestInput.readWithin(buffer, end, buffer.length - end, QUIET_PERIOD_MILLIS)
                : in.read(buffer, end, buffer.length - end);
        if (read > 0) {
            end += read;
            quietArmed = true;
        }
        return read < 0 ? -1 : read;
    }

    /** The current line as text; control bytes (other than tab) and invalid UTF-8 are refused. */
    private String decodeLine() throws CharacterCodingException {
        boolean ascii = true;
        for (int i = lineStart, stop = lineStart + lineLength; i < stop; i++) {
            int b = buffer[i];
            if (b < 0) {
                ascii = false;
            } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new ControlByteException(b);
            }
        }
        if (ascii) {
            return new String(buffer, lineStart, lineLength, StandardCharsets.ISO_8859_1);
        }
        if (utf8 == null) {
            utf8 = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
        }
        CharBuffer chars = utf8.reset().decode(ByteBuffer.wrap(buffer, lineStart, lineLength));
        return chars.toString();
    }

    private String decodeRequestLine() throws RequestException {
        try {
            return decodeLine();
        } catch (ControlByteException e) {
            throw new RequestException(Status.BAD_REQUEST_400, e.getMessage(), true);
        } catch (CharacterCodingException e) {
            throw new RequestException(Status.BAD_REQUEST_400, "line is not valid UTF-8", true);
        }
    }

    private String requireResponseLine(String what) throws IOException {
        int kind = nextLine();
        switch (kind) {
            case END_OF_STREAM -> throw new EOFException("stream ended before the " + what);
            case LINE_TOO_LONG, DISCARD_LIMIT_REACHED ->
                    throw new ResponseFormatException(what + " longer than " + limits.maxLineBytes() + " bytes");
            default -> {
                try {
                    return decodeLine();
                } catch (ControlByteException e) {
                    throw new ResponseFormatException(what + ": " + e.getMessage());
                } catch (CharacterCodingException e) {
                    throw new ResponseFormatException(what + " is not valid UTF-8");
                }
            }
        }
    }

    private RequestException lineTooLong(String what) {
        return new RequestException(Status.BAD_REQUEST_400,
                what + " longer than " + limits.maxLineBytes() + " bytes", true);
    }

    /** A control byte inside a line; a subclass of the decoder's exception so one catch covers both. */
    private static final class ControlByteException extends CharacterCodingException {
        private final int controlByte;

        ControlByteException(int controlByte) {
            this.controlByte = controlByte;
        }

        @Override
        public String getMessage() {
            return String.format("control byte 0x%02x in line", controlByte & 0xff);
        }
    }

    // ------------------------------------------------------------------------------------------------ requests

    /**
     * The parts of a request line; {@code rfcNumber} is -1 for LIST ALL. {@code deviations} holds the
     * {@link RequestDeviation#bit()}s of how it was spelled, if not as docs/PROTOCOL.md has it.
     */
    private record RequestLine(String method, int rfcNumber, int deviations) {
    }

    private static RequestLine parseRequestLine(String line) throws RequestException {
        String[] tokens = WireText.fields(line.strip(), 0);
        if (tokens.length == 3 && tokens[0].equals("LIST")) {
            if (!tokens[1].equals("ALL")) {
                throw badRequest("LIST must be followed by ALL");
            }
            checkVersion(tokens[2]);
            return new RequestLine("LIST", -1, 0);
        }
        if (tokens.length == 3 && isExtensionWithoutRfc(tokens[0])) {
            // docs/PROTOCOL.md section 8: OPTIONS *, SEARCH TITLE, PEERS ALL
            String expected = switch (tokens[0]) {
                case "OPTIONS" -> "*";
                case "SEARCH" -> "TITLE";
                default -> "ALL";
            };
            if (!tokens[1].equals(expected)) {
                throw badRequest(tokens[0] + " must be followed by " + expected);
            }
            checkVersion(tokens[2]);
            return new RequestLine(tokens[0], -1, 0);
        }
        if (tokens.length == 2 && (tokens[0].equals("LIST") || tokens[0].equals("LISTALL"))) {
            checkVersion(tokens[1]); // docs/INTEROP.md row 16: there is only one thing to list
            return new RequestLine("LIST", -1, RequestDeviation.LIST_WITHOUT_ALL.bit());
        }
        if (tokens.length == 3 && isMethodOfAnRfc(tokens[0]) && !tokens[1].equals("RFC")) {
            // docs/INTEROP.md row 16: METHOD number version, the number where the keyword RFC belongs
            int number = parseRfcNumber(tokens[1]);
            checkVersion(tokens[2]);
            return new RequestLine(tokens[0], number, RequestDeviation.NO_RFC_KEYWORD.bit());
        }
        if (tokens.length != 4) {
            throw badRequest("request line is not METHOD RFC number version");
        }
        String method = tokens[0];
        if (!isMethodOfAnRfc(method)) {
            throw badRequest("unknown method " + WireText.forLog(method));
        }
        if (!tokens[1].equals("RFC")) {
            throw badRequest("expected the keyword RFC after " + method);
        }
        int number = parseRfcNumber(tokens[2]);
        checkVersion(tokens[3]);
        return new RequestLine(method, number, 0);
    }

    private static boolean isMethodOfAnRfc(String method) {
        return method.equals("ADD") || method.equals("LOOKUP") || method.equals("GET") || method.equals("WITHDRAW");
    }

    private static boolean isExtensionWithoutRfc(String method) {
        return method.equals("OPTIONS") || method.equals("SEARCH") || method.equals("PEERS");
    }

    private static void checkVersion(String version) throws RequestException {
        if (version.equals(Protocol.VERSION)) {
            return;
        }
        if (OTHER_VERSION.matcher(version).matches()) {
            throw new RequestException(Status.VERSION_NOT_SUPPORTED_505,
                    "version " + version + " not supported", true);
        }
        throw badRequest("not a P2P-CI version: " + WireText.forLog(version));
    }

    /** A decimal RFC number in the range both programs accept ({@link Protocol#isRfcNumber}): no sign, no spaces. */
    private static int parseRfcNumber(String text) throws RequestException {
        long number = WireText.parseDecimal(text, Long.MAX_VALUE);
        if (number < 0) {
            throw badRequest("RFC number is not a non-negative integer: " + WireText.forLog(text));
        }
        if (!Protocol.isRfcNumber(number)) {
            throw badRequest("RFC number out of range " + Protocol.MIN_RFC_NUMBER + "-" + Protocol.MAX_RFC_NUMBER
                    + ": " + WireText.forLog(text));
        }
        return (int) number;
    }


    /**
     * The headers a request may carry; unknown ones are accepted and ignored, repeated known ones refused. Names are
     * matched in any case, and the space after the colon is optional; {@code deviations} holds the
     * {@link RequestDeviation#bit()}s of such spellings.
     */
    private static final class RequestHeaders {
        private final int maxLineBytes;
        String host;
        String port;
        String title;
        String os;
        /** The extension headers (docs/PROTOCOL.md 9): the first of each is taken, repeats ignored. */
        String wantReprDigest;
        String range;
        String words;
        int deviations;

        RequestHeaders(int maxLineBytes) {
            this.maxLineBytes = maxLineBytes;
        }

        /** A copy to try a line on that may not belong to the request after all. */
        RequestHeaders copy() {
            RequestHeaders copy = new RequestHeaders(maxLineBytes);
            copy.host = host;
            copy.port = port;
            copy.title = title;
            copy.os = os;
            copy.wantReprDigest = wantReprDigest;
            copy.range = range;
            copy.words = words;
            copy.deviations = deviations;
            return copy;
        }

        void accept(String line) throws RequestException {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw badRequest("header line without a colon: " + WireText.forLog(line));
            }
            String name = line.substring(0, colon).strip();
            if (!WireText.isHeaderName(name)) {
                throw badRequest("bad header name: " + WireText.forLog(name));
            }
            String value = line.substring(colon + 1).strip();
            if (!value.isEmpty() && line.charAt(colon + 1) != ' ' && line.charAt(colon + 1) != '\t') {
                deviations |= RequestDeviation.NO_SPACE_AFTER_COLON.bit();
            }
            // The spelling of docs/PROTOCOL.md first: it needs no lower-case copy of the name.
            switch (name) {
                case "Host" -> host = once(host, value, name);
                case "Port" -> port = once(port, value, name);
                case "Title" -> title = once(title, value, name);
                case "OS" -> os = once(os, value, name);
                case ReprDigest.WANT_HEADER -> wantReprDigest = firstOf(wantReprDigest, value);
                case FileResponse.RANGE -> range = firstOf(range, value);
                case "Words" -> words = once(words, value, name);
                default -> acceptInAnotherCase(name, value);
            }
        }

        private void acceptInAnotherCase(String name, String value) throws RequestException {
            switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "host" -> host = once(host, value, name);
                case "port" -> port = once(port, value, name);
                case "title" -> title = once(title, value, name);
                case "os" -> os = once(os, value, name);
                case "want-repr-digest" -> wantReprDigest = firstOf(wantReprDigest, value);
                case "range" -> range = firstOf(range, value);
                case "words" -> words = once(words, value, name);
                default -> {
                    return; // extensions and other implementations' extra headers are not our concern
                }
            }
            deviations |= RequestDeviation.HEADER_NAME_CASE.bit();
        }

        /** An extension header's value: the first one given, as HTTP takes a repeated Range to be none it reads. */
        private static String firstOf(String previous, String value) {
            return previous != null ? previous : value;
        }

        /** A known header's value: refused when given twice, or when the writer could not send it on in a line. */
        private String once(String previous, String value, String name) throws RequestException {
            if (previous != null) {
                throw badRequest("header " + name + " given twice");
            }
            if (writtenLength(name, value) > maxLineBytes) {
                throw badRequest("header line longer than " + maxLineBytes
                        + " bytes when written back as 'Name: value'");
            }
            return value;
        }
    }

    private static Request buildRequest(RequestLine line, RequestHeaders headers) throws RequestException {
        String host = required(headers.host, "Host");
        if (!WireText.isHost(host)) {
            throw badRequest("Host is not a single token of at most " + WireText.MAX_HOST_CHARS + " characters: "
                    + WireText.forLog(host));
        }
        try {
            return switch (line.method()) {
                case "ADD" -> new AddRequest(line.rfcNumber(), host, requiredPort(headers.port),
                        required(headers.title, "Title"));
                case "LOOKUP" -> new LookupRequest(line.rfcNumber(), host, requiredPort(headers.port),
                        optional(headers.title));
                case "LIST" -> new ListRequest(host, requiredPort(headers.port));
                case "GET" -> new GetRequest(line.rfcNumber(), host, optional(headers.os),
                        headers.wantReprDigest != null && ReprDigest.wantsSha256(headers.wantReprDigest),
                        headers.range == null ? Optional.empty() : ByteRange.parse(headers.range));
                case "OPTIONS" -> new OptionsRequest(host, requiredPort(headers.port));
                case "SEARCH" -> new SearchRequest(host, requiredPort(headers.port),
                        TitleWords.of(required(headers.words, "Words")));
                case "PEERS" -> new PeersRequest(host, requiredPort(headers.port));
                case "WITHDRAW" -> new WithdrawRequest(line.rfcNumber(), host, requiredPort(headers.port));
                default -> throw new IllegalStateException("method " + line.method());
            };
        } catch (IllegalArgumentException e) {
            throw badRequest(e.getMessage());
        }
    }

    private static String required(String value, String name) throws RequestException {
        if (value == null || value.isEmpty()) {
            throw badRequest("missing " + name + " header");
        }
        return value;
    }

    private static Optional<String> optional(String value) {
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    private static int requiredPort(String value) throws RequestException {
        long port = WireText.parseDecimal(required(value, "Port"), 65_535);
        if (port < 1) {
            throw badRequest("Port is not a number from 1 to 65535: " + WireText.forLog(value));
        }
        return (int) port;
    }

    /**
     * The length of a header line as {@link MessageWriter} writes it, without CRLF. It can exceed the line it was
     * read from by one byte, when the sender left out the space after the colon; a header kept for writing back
     * must fit the same limit, or a line accepted here would come back refused.
     */
    private static long writtenLength(String name, String value) {
        return name.getBytes(StandardCharsets.UTF_8).length + 2L + value.getBytes(StandardCharsets.UTF_8).length;
    }

    private static RequestException badRequest(String reason) {
        return new RequestException(Status.BAD_REQUEST_400, reason, true);
    }

    // ----------------------------------------------------------------------------------------------- responses

    private static Status parseStatusLine(String line) throws ResponseFormatException {
        String[] parts = WireText.fields(line.strip(), 3);
        if (parts.length < 2 || !parts[0].equals(Protocol.VERSION)) {
            throw new ResponseFormatException("not a " + Protocol.VERSION + " status line: " + WireText.forLog(line));
        }
        long code = WireText.parseDecimal(parts[1], 999);
        Status status = code < 0 ? null : Status.fromCode((int) code);
        if (status == null) {
            throw new ResponseFormatException("unknown status code: " + WireText.forLog(parts[1]));
        }
        return status;
    }

    /** {@code RFC number title host port}: the title is everything between the number and the last two fields. */
    private static RfcRecord parseRecordLine(String line) throws ResponseFormatException {
        String rest = line.strip();
        if (!rest.startsWith("RFC ") && !rest.startsWith("RFC\t")) {
            throw new ResponseFormatException("record line does not start with RFC: " + WireText.forLog(line));
        }
        rest = rest.substring(4).strip();
        int afterNumber = firstWhitespace(rest);
        int portStart = lastWhitespace(rest) + 1;
        if (afterNumber < 0 || portStart <= afterNumber) {
            throw new ResponseFormatException("record line has too few fields: " + WireText.forLog(line));
        }
        String beforePort = rest.substring(0, portStart).strip();
        int hostStart = lastWhitespace(beforePort) + 1;
        if (hostStart <= afterNumber) {
            throw new ResponseFormatException("record line has too few fields: " + WireText.forLog(line));
        }
        long number = WireText.parseDecimal(rest.substring(0, afterNumber), Integer.MAX_VALUE);
        long port = WireText.parseDecimal(rest.substring(portStart), 65_535);
        if (number < 0 || port < 1) {
            throw new ResponseFormatException("record line has a bad number or port: " + WireText.forLog(line));
        }
        try {
            return new RfcRecord((int) number, beforePort.substring(afterNumber, hostStart).strip(),
                    beforePort.substring(hostStart), (int) port);
        } catch (IllegalArgumentException e) {
            throw new ResponseFormatException("record line: " + e.getMessage());
        }
    }

    private static int firstWhitespace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastWhitespace(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }
}
