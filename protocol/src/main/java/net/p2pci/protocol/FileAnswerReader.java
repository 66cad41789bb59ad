package net.p2pci.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import net.p2pci.protocol.AnswerDeviation.Kind;
import net.p2pci.protocol.MessageReader.LineEnd;
import net.p2pci.protocol.MessageReader.RawLine;

/**
 * Reads an upload server's answer to GET liberally, for a peer that must download from every implementation of
 * P2P-CI/1.0 in the wild (docs/INTEROP.md rows 1, 2, 9-11, 14, 15, 26, 32-39): LF or CRLF, status phrases of their
 * own, header names in any case, no empty line before the file, empty lines among the headers, two headers on one
 * line, no Content-Length, a body whose length differs from it, a connection left open after the file. What it
 * tolerates it reports as {@link AnswerDeviation}s; what it cannot make sense of fails with the bytes received,
 * quoted.
 *
 * <p>Where the head ends is the hard part when no empty line ends it: the file's own first lines may look like
 * anything. The head ends at the first line that is not {@code Name: value}; header-like lines after the last header
 * of a known name ({@link FileResponse#DATE} and the others) count as the file's when such a line follows, and as
 * headers when an empty line does. An empty line ends the head, unless no Content-Length has come yet and a known
 * header follows it (row 33). An empty line LF alone may also be the file's first line (most RFC texts begin with
 * empty lines, and the servers that end lines with LF mostly send no empty line before the file): Content-Length
 * tells which, once the body is read.
 *
 * <p>Not thread-safe: it belongs to the one thread that reads the connection.
 */
public final class FileAnswerReader {
    /** Sets how long a read of the holder's connection may wait; an implementation maps these on its socket. */
    public interface Waits {
        /** From now on a read that waits {@code silence} without a byte fails with a SocketTimeoutException. */
        void quiet(Duration silence) throws IOException;

        /**
         * Every byte the answer announced is here: reads from now on fail after {@code silence} without a byte, and
         * are no longer held to a minimum rate (there may be nothing more to come).
         */
        void lastBytes(Duration silence) throws IOException;

        /** Reads wait as long as the connection's own deadlines allow (inside a body whose length is known). */
        void patient() throws IOException;
    }

    /** Where the file goes. */
    public interface BodySink {
        void write(byte[] bytes, int offset, int length) throws IOException;

        /** Puts bytes before everything written so far: the empty line taken for the head's end was the file's. */
        void prepend(byte[] bytes) throws IOException;
    }

    /** A body that cannot be the whole file: too short, too long, or cut off by silence. */
    public static final class UnbelievableBodyException extends IOException {
        UnbelievableBodyException(String reason) {
            super(reason);
        }
    }

    /** The headers PROTOCOL.md gives a GET answer, as it spells them. */
    private static final List<String> CANONICAL_NAMES = List.of(FileResponse.DATE, FileResponse.OS,
            FileResponse.LAST_MODIFIED, FileResponse.CONTENT_LENGTH, FileResponse.CONTENT_TYPE);
    /** The same names in lower case, for comparing without regard to case. */
    private static final Set<String> KNOWN_NAMES = CANONICAL_NAMES.stream()
            .map(name -> name.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    /** The start of a status line, which some servers send again after the file (row 38). */
    private static final byte[] STATUS_START = "P2P-CI/".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LF = {'\n'};
    /** Longer values of headers the peer only shows (Date, OS, ...) are cut: no honest one comes near. */
    private static final int MAX_SHOWN_VALUE_CHARS = 1024;
    /** A line that does not fit the line limit: never a header, so the file has begun. */
    private static final RawLine TOO_LONG = new RawLine(new byte[0], LineEnd.NONE);
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final MessageReader reader;
    private final Waits waits;
    private final Duration answerQuiet;
    private final Duration bodyQuiet;
    private final int maxHeaderCount;
    private final Set<AnswerDeviation> deviations = new LinkedHashSet<>();
    private FileResponse head;
    /** Lines read as the head's that turned out to be the file's first. */
    private final List<RawLine> bodyStart = new ArrayList<>();
    /** The head ended at an empty line of LF alone, which may have been the file's first line. */
    private boolean endedAtBareEmptyLine;

    /** Whether a read timeout now is the silence that ends the file, rather than a stall to report. */
    private boolean silenceEnds;
    /** Set when the last copy or read ended in the holder's silence rather than the stream's end or its count. */
    private boolean quietEnded;

    /**
     * @param answerQuiet how long a silence ends a head without its empty line, and is waited for after the announced
     *                    bytes before taking the file as complete on a connection left open
     * @param bodyQuiet   how long a silence ends a file without Content-Length on a connection left open
     */
    public FileAnswerReader(MessageReader reader, Waits waits, Duration answerQuiet, Duration bodyQuiet,
                            Limits limits) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.waits = Objects.requireNonNull(waits, "waits");
        this.answerQuiet = Objects.requireNonNull(answerQuiet, "answerQuiet");
        this.bodyQuiet = Objects.requireNonNull(bodyQuiet, "bodyQuiet");
        this.maxHeaderCount = limits.maxHeaderCount();
    }

    /** Every deviation seen so far, each once, in the order seen. */
    public List<AnswerDeviation> deviations() {
        return List.copyOf(deviations);
    }

    /**
     * Reads the status line and headers, waiting for the first byte as long as the connection's deadlines allow.
     *
     * @throws EOFException            when the holder closes the connection before a byte, or inside the status line
     * @throws ResponseFormatException when the bytes cannot be read as an answer; its message quotes them
     */
    public FileResponse readHead() throws IOException {
        waits.patient();
        if (!reader.awaitBytes()) {
            throw new EOFException("closed the connection without an answer (not a byte)");
        }
        try {
            waits.quiet(answerQuiet);
            RawLine statusLine = readStatusLine();
            Status status = IndexAnswerReader.parseStatusLine(statusLine, deviations);
            List<Header> headers = readHeaders(status);
            if (headers.stream().noneMatch(header -> header.name().equals(FileResponse.CONTENT_LENGTH))) {
                deviations.add(AnswerDeviation.of(Kind.NO_CONTENT_LENGTH));
            }
            head = new FileResponse(status, headers);
            return head;
        } catch (IllegalArgumentException e) {
            throw new ResponseFormatException("a head that cannot be a head (" + e.getMessage() + ")");
        } finally {
            waits.patient();
        }
    }

    private RawLine readStatusLine() throws IOException {
        for (int emptyLines = 0; ; emptyLines++) {
            RawLine line = nextHeadLine();
            if (line == TOO_LONG) {
                throw new ResponseFormatException("not a " + Protocol.VERSION + " status line; received "
                        + reader.quoteBuffered());
            }
            if (line == null) {
                throw new EOFException("sent empty lines and no status line before it closed the connection or"
                        + " went quiet");
            }
            if (!line.isEmpty()) {
                noteLineEnd(line);
                return line;
            }
            if (emptyLines == maxHeaderCount) {
                throw new ResponseFormatException("more than " + maxHeaderCount + " empty lines before the status"
                        + " line");
            }
        }
    }

    /** The header lines after the status line, up to the head's end (see the class comment). */
    private List<Header> readHeaders(Status status) throws IOException {
        List<Header> headers = new ArrayList<>();
        List<RawLine> unknown = new ArrayList<>(); // header-like lines of unknown names after the last known one
        int lines = 0;
        while (true) {
            RawLine line = nextHeadLine();
            if (line == null) {
                // The stream ended, or the holder went quiet: the head ends without its empty line.
                deviations.add(AnswerDeviation.of(status == Status.OK_200 ? Kind.NO_EMPTY_LINE_BEFORE_BODY
                        : Kind.NO_FINAL_EMPTY_LINE));
                addAll(headers, unknown);
                return headers;
            }
            if (line == TOO_LONG) {
                fileBegins(unknown);
                return headers;
            }
            noteLineEnd(line);
            if (line.isEmpty()) {
                if (!hasContentLength(headers) && knownHeaderFollows()) {
                    deviations.add(AnswerDeviation.of(Kind.EMPTY_LINE_INSIDE_HEADERS));
                    continue;
                }
                addAll(headers, unknown);
                endedAtBareEmptyLine = line.end() == LineEnd.LF;
                return headers;
            }
            String name = headerName(line);
            if (name == null) {
                reader.unreadLine();
                fileBegins(unknown);
                return headers;
            }
            if (++lines > maxHeaderCount) {
                throw new ResponseFormatException("more than " + maxHeaderCount + " header lines");
            }
            if (KNOWN_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
                addAll(headers, unknown);
                unknown.clear();
                addHeaderLine(headers, line);
            } else {
                unknown.add(line);
            }
        }
    }

    /** The line that was not a header starts the file, and so do the header-like lines of unknown names before it. */
    private void fileBegins(List<RawLine> unknown) {
        deviations.add(AnswerDeviation.of(Kind.NO_EMPTY_LINE_BEFORE_BODY));
        bodyStart.addAll(unknown);
    }

    /** After an empty line: whether a header of a known name comes next (left unread either way). */
    private boolean knownHeaderFollows() throws IOException {
        RawLine next = nextHeadLine();
        if (next == null || next == TOO_LONG) {
            return false;
        }
        reader.unreadLine();
        String name = headerName(next);
        return name != null && KNOWN_NAMES.contains(name.toLowerCase(Locale.ROOT));
    }

    /**
     * The next line of the head; null when the stream ends or the holder goes quiet at a line's end; {@link #TOO_LONG},
     * with nothing consumed, for a line over the limit.
     */
    private RawLine nextHeadLine() throws IOException {
        try {
            return reader.nextLineFits() ? reader.readRawLine() : TOO_LONG;
        } catch (SocketTimeoutException e) {
            RawLine unfinished = reader.takeUnfinishedLine();
            if (unfinished != null) {
                deviations.add(AnswerDeviation.of(Kind.NO_FINAL_LINE_END));
            }
            return unfinished;
        }
    }

    private void noteLineEnd(RawLine line) {
        if (line.end() == LineEnd.LF) {
            deviations.add(AnswerDeviation.of(Kind.LF_LINE_ENDS));
        }
    }

    /** The name of a {@code Name: value} line, or null when the line is not one. */
    private static String headerName(RawLine line) {
        String text = line.text();
        int colon = text.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String name = text.substring(0, colon).stripTrailing();
        return WireText.isHeaderName(name) ? name : null;
    }

    private void addAll(List<Header> headers, List<RawLine> lines) throws ResponseFormatException {
        for (RawLine line : lines) {
            addHeaderLine(headers, line);
        }
    }

    /**
     * One header line, or two when a server wrote a second header into the first one's line (row 34: {@code Date:
     * Saturday, 21 Nov 2026 15:12:05 OS: Linux}). Names are compared without regard to case and kept as PROTOCOL.md
     * spells them; values only shown are made safe; Content-Length must be a number when it has a value at all.
     */
    private void addHeaderLine(List<Header> headers, RawLine line) throws ResponseFormatException {
        String text = line.text();
        while (true) {
            int colon = text.indexOf(':');
            String name = text.substring(0, colon).stripTrailing();
            String value = text.substring(colon + 1);
            if (!value.isEmpty() && value.charAt(0) != ' ' && value.charAt(0) != '\t') {
                deviations.add(new AnswerDeviation(Kind.MALFORMED_HEADER, "no space after '"
                        + WireText.forLog(name) + ":'"));
            }
            int second = secondHeaderAt(value);
            String rest = second < 0 ? null : value.substring(second).strip();
            if (second >= 0) {
                value = value.substring(0, second);
                deviations.add(new AnswerDeviation(Kind.MALFORMED_HEADER, "two headers on one line"));
            }
            addHeader(headers, name, value.strip(), line);
            if (rest == null) {
                return;
            }
            text = rest;
        }
    }

    /** Where, in a header's value, a header of a known name begins after a blank; -1 if none does. */
    private static int secondHeaderAt(String value) {
        String lower = value.toLowerCase(Locale.ROOT);
        int first = -1;
        for (String name : KNOWN_NAMES) {
            for (String blank : List.of(" ", "\t")) {
                int at = lower.indexOf(blank + name + ":");
                if (at >= 0 && (first < 0 || at < first)) {
                    first = at;
                }
            }
        }
        return first;
    }

    private void addHeader(List<Header> headers, String name, String value, RawLine line)
            throws ResponseFormatException {
        String canonical = canonicalName(name);
        if (canonical != null && !canonical.equals(name)) {
            deviations.add(new AnswerDeviation(Kind.HEADER_NAME_CASE, "'" + WireText.forLog(name) + "'"));
        }
        if (headers.size() == maxHeaderCount) { // two headers on a line count as two
            throw new ResponseFormatException("more than " + maxHeaderCount + " header lines");
        }
        String shownName = canonical != null ? canonical : name;
        if (FileResponse.CONTENT_LENGTH.equals(canonical)) {
            if (value.isEmpty()) {
                return; // row 37: an error answer's empty Content-Length says no more than none
            }
            if (FileResponse.parseLength(value) < 0) {
                throw new ResponseFormatException("a Content-Length that is not a number; received " + line.quoted());
            }
            for (Header header : headers) {
                if (header.name().equals(FileResponse.CONTENT_LENGTH) && !header.value().equals(value)) {
                    throw new ResponseFormatException("two different Content-Lengths; received " + line.quoted());
                }
            }
        }
        boolean safe = value.isEmpty() || (WireText.isFieldText(value) && value.length() <= MAX_SHOWN_VALUE_CHARS);
        headers.add(new Header(shownName, safe ? value : WireText.forLog(value).strip()));
    }

    private static String canonicalName(String name) {
        for (String canonical : CANONICAL_NAMES) {
            if (canonical.equalsIgnoreCase(name)) {
                return canonical;
            }
        }
        return null;
    }

    private static boolean hasContentLength(List<Header> headers) {
        return headers.stream().anyMatch(header -> header.name().equals(FileResponse.CONTENT_LENGTH));
    }

    /**
     * Reads the file after {@link #readHead()} into {@code sink}: with Content-Length, exactly that many bytes
     * without waiting for the holder to close (a moment's wait shows whether more comes); without it, everything up to
     * the close, or up to a silence of the body quiet period after a line end. A length that differs from the
     * announced one is taken when re-encoded line ends account for the difference exactly, a byte a line (row 39).
     *
     * @return the file's length
     * @throws UnbelievableBodyException when what came cannot be the whole file
     */
    public long readBody(BodySink sink, long maxBytes) throws IOException {
        if (head == null) {
            throw new IllegalStateException("the head is not read yet");
        }
        BodyCopy copy = new BodyCopy(sink, maxBytes);
        for (RawLine line : bodyStart) {
            copy.write(line.bytes(), 0, line.bytes().length);
            copy.write(lineEndOf(line), 0, lineEndOf(line).length);
        }
        InputStream in = reader.remaining();
        OptionalLong announced = head.contentLength();
        try {
            return announced.isEmpty() ? readToEnd(in, copy) : readAnnounced(in, copy, announced.getAsLong());
        } finally {
            waitPatiently();
        }
    }

    private long readAnnounced(InputStream in, BodyCopy copy, long length) throws IOException {
        if (length > copy.maxBytes) {
            throw new UnbelievableBodyException("announced " + length + " bytes, over the limit of " + copy.maxBytes);
        }
        // The empty line that ended the head may be the file's first: if so the file ends one byte early.
        int doubt = endedAtBareEmptyLine && length > 0 ? 1 : 0;
        waitPatiently();
        if (!copy.copy(in, length - doubt - copy.bytes)) {
            return shortBody(copy, length);
        }
        waitForLastBytes(answerQuiet);
        byte[] after = new byte[doubt + STATUS_START.length];
        int got = copy.readAtMost(in, after);
        if (doubt == 1 && (got == 0 || startsStatusLine(after, 0, got))) {
            copy.prepend(LF); // the empty line was the file's: now it has all its bytes
            deviations.add(AnswerDeviation.of(Kind.NO_EMPTY_LINE_BEFORE_BODY));
            noteAfterFile(got);
            return copy.bytes;
        }
        if (got == doubt || startsStatusLine(after, doubt, got)) {
            copy.write(after, 0, doubt); // the file's last byte: the empty line was the head's end
            noteAfterFile(got - doubt);
            return copy.bytes;
        }
        // More than announced (row 39): the rest, to the close. The servers that re-encode send no empty line
        // before the file, so an empty line there was the file's.
        copy.write(after, 0, got);
        if (doubt == 1) {
            copy.prepend(LF);
            deviations.add(AnswerDeviation.of(Kind.NO_EMPTY_LINE_BEFORE_BODY));
        }
        waitForLastBytes(bodyQuiet);
        boolean ended = !copy.copy(in, copy.maxBytes + 1 - copy.bytes);
        if (!ended || copy.bytes > copy.maxBytes) {
            throw new UnbelievableBodyException("sent more than the limit of " + copy.maxBytes + " bytes");
        }
        if (copy.bytes - length != copy.lineEnds) {
            throw new UnbelievableBodyException("sent more than the " + length + " bytes it announced");
        }
        noteAfterFile(0);
        mismatch(copy, length);
        return copy.bytes;
    }

    /**
     * The stream ended before the announced bytes: taken when the file ends with a line end and is short by exactly
     * a byte a line (a file of CRLF lines sent with LF), else refused. A transfer cut short at a line end is short by
     * whatever was left, which is a byte a line only by chance.
     */
    private long shortBody(BodyCopy copy, long length) throws IOException {
        int emptyLine = endedAtBareEmptyLine ? 1 : 0;
        boolean believable = copy.bytes > 0 && copy.lastByte == '\n'
                && length - (copy.bytes + emptyLine) == copy.lineEnds + emptyLine;
        if (!believable) {
            throw new UnbelievableBodyException("closed the connection after " + copy.bytes + " of " + length
                    + " bytes");
        }
        if (endedAtBareEmptyLine) {
            copy.prepend(LF);
            deviations.add(AnswerDeviation.of(Kind.NO_EMPTY_LINE_BEFORE_BODY));
        }
        mismatch(copy, length);
        return copy.bytes;
    }

    private void mismatch(BodyCopy copy, long length) {
        deviations.add(new AnswerDeviation(Kind.CONTENT_LENGTH_MISMATCH, copy.bytes + " bytes for Content-Length "
                + length));
    }

    /** What came after the file: the close, a silence, or ({@code extra} bytes) the start of another status line. */
    private void noteAfterFile(int extra) {
        if (extra > 0) {
            deviations.add(AnswerDeviation.of(Kind.STATUS_LINE_AFTER_FILE));
        } else if (quietEnded) {
            deviations.add(AnswerDeviation.of(Kind.NO_CLOSE_AFTER_FILE));
        }
    }

    /** Without Content-Length: to the close, or to a silence after a line end. */
    private long readToEnd(InputStream in, BodyCopy copy) throws IOException {
        waitQuietly(bodyQuiet);
        boolean ended = !copy.copy(in, copy.maxBytes + 1 - copy.bytes);
        if (!ended || copy.bytes > copy.maxBytes) {
            throw new UnbelievableBodyException("sent more than the limit of " + copy.maxBytes + " bytes");
        }
        if (quietEnded) {
            if (copy.bytes == 0 || copy.lastByte != '\n') {
                throw new UnbelievableBodyException("sent " + copy.bytes + " bytes without Content-Length, then"
                        + " nothing for " + bodyQuiet.toMillis() + " ms without closing; the file would end "
                        + copy.quotedEnd());
            }
            deviations.add(AnswerDeviation.of(Kind.NO_CLOSE_AFTER_FILE));
        }
        return copy.bytes;
    }

    private void waitPatiently() throws IOException {
        silenceEnds = false;
        waits.patient();
    }

    private void waitQuietly(Duration silence) throws IOException {
        silenceEnds = true;
        waits.quiet(silence);
    }

    private void waitForLastBytes(Duration silence) throws IOException {
        silenceEnds = true;
        waits.lastBytes(silence);
    }

    private static boolean startsStatusLine(byte[] bytes, int from, int to) {
        if (to - from < STATUS_START.length) {
            return false;
        }
        for (int i = 0; i < STATUS_START.length; i++) {
            if (Character.toUpperCase(bytes[from + i]) != STATUS_START[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] lineEndOf(RawLine line) {
        return switch (line.end()) {
            case CRLF -> new byte[] {'\r', '\n'};
            case LF -> LF;
            case NONE -> new byte[0];
        };
    }

    /**
     * The body's bytes on their way to the sink, counted: how many, how many line ends, and the last few. A read
     * timeout while {@link #silenceEnds} is the holder's silence that ends the file; otherwise it is a stall, and
     * fails the download.
     */
    private final class BodyCopy {
        /** How much of the file's end a message quotes when the end is not believable. */
        private static final int QUOTED_END_BYTES = 64;

        private final BodySink sink;
        private final long maxBytes;
        private final byte[] buffer = new byte[COPY_BUFFER_BYTES];
        private final byte[] end = new byte[QUOTED_END_BYTES];
        private int endLength;
        private long bytes;
        private long lineEnds;
        private int lastByte = -1;

        BodyCopy(BodySink sink, long maxBytes) {
            this.sink = sink;
            this.maxBytes = maxBytes;
        }

        void write(byte[] source, int offset, int length) throws IOException {
            if (length <= 0) {
                return;
            }
            sink.write(source, offset, length);
            for (int i = offset; i < offset + length; i++) {
                if (source[i] == '\n') {
                    lineEnds++;
                }
            }
            keepEnd(source, offset, length);
            bytes += length;
            lastByte = source[offset + length - 1] & 0xff;
        }

        void prepend(byte[] prefix) throws IOException {
            sink.prepend(prefix);
            for (byte b : prefix) {
                if (b == '\n') {
                    lineEnds++;
                }
            }
            bytes += prefix.length;
        }

        /** Copies up to {@code count} bytes; false when the stream ended or the holder went quiet first. */
        boolean copy(InputStream in, long count) throws IOException {
            quietEnded = false;
            for (long left = count; left > 0; ) {
                int read = readOrQuiet(in, buffer, 0, (int) Math.min(buffer.length, left));
                if (read <= 0) {
                    return false;
                }
                write(buffer, 0, read);
                left -= read;
            }
            return true;
        }

        /** Reads up to {@code into.length} bytes, not written anywhere; fewer when the stream ends or goes quiet. */
        int readAtMost(InputStream in, byte[] into) throws IOException {
            quietEnded = false;
            int got = 0;
            while (got < into.length) {
                int read = readOrQuiet(in, into, got, into.length - got);
                if (read <= 0) {
                    return got;
                }
                got += read;
            }
            return got;
        }

        /**
         * One read of at least one byte: the count, -1 at the end of the stream, or 0 when the holder went quiet
         * while its silence ends the file ({@link #quietEnded} is then set); a timeout at other times is a stall.
         */
        private int readOrQuiet(InputStream in, byte[] into, int offset, int length) throws IOException {
            try {
                return in.read(into, offset, length);
            } catch (SocketTimeoutException e) {
                if (!silenceEnds) {
                    throw e;
                }
                quietEnded = true;
                return 0;
            }
        }

        private void keepEnd(byte[] source, int offset, int length) {
            if (length >= end.length) {
                System.arraycopy(source, offset + length - end.length, end, 0, end.length);
                endLength = end.length;
                return;
            }
            int keep = Math.min(endLength, end.length - length);
            System.arraycopy(end, endLength - keep, end, 0, keep);
            System.arraycopy(source, offset, end, keep, length);
            endLength = keep + length;
        }

        /** The last bytes written, quoted. */
        String quotedEnd() {
            return WireText.quoteBytes(end, 0, endLength, QUOTED_END_BYTES);
        }
    }
}
