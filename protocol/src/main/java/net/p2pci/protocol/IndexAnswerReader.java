package net.p2pci.protocol;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import net.p2pci.protocol.AnswerDeviation.Kind;
import net.p2pci.protocol.MessageReader.LineEnd;
import net.p2pci.protocol.MessageReader.RawLine;

/**
 * Reads an index server's answers liberally, for a peer that must work with every implementation of P2P-CI/1.0 in
 * the wild (docs/INTEROP.md): LF or CRLF, no empty line after the status line, no final empty line, status phrases
 * and spaces of their own, record lines without the leading {@code RFC}, a line {@code END} after an answer. What it
 * tolerates it reports with the answer as {@link AnswerDeviation}s; what it cannot make sense of fails with the bytes
 * received, quoted.
 *
 * <p>An answer without its final empty line has no end on the wire: it ends where the next answer's status line
 * begins, at the end of the stream, or when the server goes quiet for a moment. That moment is the only wait this
 * reader adds, and a standard server never causes it, because its answer arrives whole with its final empty line.
 *
 * <p>Not thread-safe: it belongs to the one thread that reads the connection.
 */
public final class IndexAnswerReader {
    /** Sets the socket's read timeout for the reads inside one answer, and takes it away again. */
    public interface QuietPeriod {
        /** From now on a read that waits longer than the quiet period fails with a SocketTimeoutException. */
        void begin() throws IOException;

        /** Reads wait as long as it takes again (between answers the connection may be idle for hours). */
        void end() throws IOException;
    }

    /** One answer and how it deviated from the standard bytes. */
    public record Answer(IndexResponse response, Set<AnswerDeviation> deviations) {
        public Answer {
            Objects.requireNonNull(response, "response");
            deviations = Set.copyOf(deviations);
        }
    }

    private static final Pattern THREE_DIGITS = Pattern.compile("[0-9]{3}");
    private static final String VERSION_PREFIX = "P2P-CI/";

    private final MessageReader reader;
    private final QuietPeriod quiet;
    private final int maxRecords;

    public IndexAnswerReader(MessageReader reader, QuietPeriod quiet, Limits limits) {
        this.reader = Objects.requireNonNull(reader, "reader");
        this.quiet = Objects.requireNonNull(quiet, "quiet");
        this.maxRecords = limits.maxRecords();
    }

    /**
     * Reads the next answer, waiting as long as it takes for its first byte.
     *
     * @throws EOFException            when the stream ends before an answer begins
     * @throws ResponseFormatException when the bytes cannot be read as an answer; its message quotes them
     */
    public Answer read() throws IOException {
        Set<AnswerDeviation> deviations = new LinkedHashSet<>();
        try {
            RawLine statusLine = nextStatusLine(deviations);
            Status status = parseStatusLine(statusLine, deviations);
            return new Answer(readBody(status, deviations), deviations);
        } finally {
            quiet.end();
        }
    }

    /**
     * The rest of the answer after its status line: the records, with or without the empty lines around them; and
     * for an extension's answer (docs/PROTOCOL.md section 8) its headers, between the status line and its empty
     * line, and a PEERS answer's peer lines. A header line cannot be taken for a record: a record line begins with
     * {@code RFC} and a space, or with its number.
     */
    private IndexResponse readBody(Status status, Set<AnswerDeviation> deviations) throws IOException {
        List<Header> headers = new ArrayList<>();
        List<RfcRecord> records = new ArrayList<>();
        List<PeerLine> peers = new ArrayList<>();
        readLines(headers, records, peers, deviations);
        return new IndexResponse(status, headers, records, peers);
    }

    private void readLines(List<Header> headers, List<RfcRecord> records, List<PeerLine> peers,
            Set<AnswerDeviation> deviations) throws IOException {
        boolean first = true;
        while (true) {
            RawLine line = nextLineOrQuiet(deviations);
            if (line == null) {
                deviations.add(AnswerDeviation.of(Kind.NO_FINAL_EMPTY_LINE));
                return;
            }
            if (first && line.end() != LineEnd.NONE) {
                Header header = headerOf(line.text());
                if (header != null) {
                    noteLineEnd(line, deviations);
                    headers.add(header);
                    continue;
                }
            }
            noteLineEnd(line, deviations);
            if (line.isEmpty()) {
                if (first) {
                    first = false;
                    continue; // the empty line after the status line
                }
                return; // the final empty line
            }
            if (first) {
                deviations.add(AnswerDeviation.of(Kind.NO_EMPTY_LINE_AFTER_STATUS));
                first = false;
            }
            String text = line.text();
            if (startsStatusLine(text)) {
                reader.unreadLine(); // the next answer has begun
                deviations.add(AnswerDeviation.of(Kind.NO_FINAL_EMPTY_LINE));
                return;
            }
            if (text.strip().equals("END")) {
                deviations.add(AnswerDeviation.of(Kind.END_LINE));
                return;
            }
            if (records.size() + peers.size() == maxRecords) {
                throw new ResponseFormatException("more than " + maxRecords + " records in one answer");
            }
            if (text.startsWith("PEER ")) {
                peers.add(parsePeerLine(line));
            } else {
                records.add(parseRecordLine(line, deviations));
            }
            if (line.end() == LineEnd.NONE) {
                deviations.add(AnswerDeviation.of(Kind.NO_FINAL_LINE_END));
                return;
            }
        }
    }

    /**
     * The first line of an answer, past empty lines and {@code END} lines that a previous answer left. It waits
     * without limit for the first byte, and then at most the quiet period for each further one, so that bytes that
     * never make a line (another framing altogether) come back as a line to be quoted rather than waited on.
     */
    private RawLine nextStatusLine(Set<AnswerDeviation> deviations) throws IOException {
        while (true) {
            quiet.end();
            if (!reader.awaitBytes()) {
                throw new EOFException("the server closed the connection");
            }
            quiet.begin();
            RawLine line = nextLineOrQuiet(deviations);
            if (line == null) {
                continue; // what was buffered was the end of a line, and nothing followed it
            }
            String text = line.text().strip();
            if (text.isEmpty()) {
                deviations.add(AnswerDeviation.of(Kind.EXTRA_EMPTY_LINES));
            } else if (text.equals("END")) {
                deviations.add(AnswerDeviation.of(Kind.END_LINE));
            } else {
                noteLineEnd(line, deviations);
                return line;
            }
        }
    }

    /** The next line of this answer; null when the stream ends or the server goes quiet at a line's end. */
    private RawLine nextLineOrQuiet(Set<AnswerDeviation> deviations) throws IOException {
        try {
            return reader.readRawLine();
        } catch (SocketTimeoutException e) {
            RawLine unfinished = reader.takeUnfinishedLine();
            if (unfinished != null) {
                deviations.add(AnswerDeviation.of(Kind.NO_FINAL_LINE_END));
            }
            return unfinished;
        }
    }

    private static void noteLineEnd(RawLine line, Set<AnswerDeviation> deviations) {
        if (line.end() == LineEnd.LF) {
            deviations.add(AnswerDeviation.of(Kind.LF_LINE_ENDS));
        }
    }

    private static boolean startsStatusLine(String text) {
        return text.regionMatches(true, 0, VERSION_PREFIX, 0, VERSION_PREFIX.length());
    }

    /**
     * {@code P2P-CI/1.0 code phrase}, read by its code: the phrase may be spelled any way, the version may be missing
     * (some servers send {@code 505 P2P-CI Version Not Supported} alone), but a code we do not know, or another
     * version, means we cannot tell what the server meant.
     */
    static Status parseStatusLine(RawLine line, Set<AnswerDeviation> deviations) throws ResponseFormatException {
        String text = line.text();
        String[] fields = WireText.fields(text.strip(), 3);
        if (fields.length == 0) {
            throw notUnderstood("an empty status line", line);
        }
        String code;
        String phrase;
        if (fields[0].equalsIgnoreCase(Protocol.VERSION) && fields.length >= 2) {
            code = fields[1];
            phrase = fields.length == 3 ? fields[2] : "";
        } else if (THREE_DIGITS.matcher(fields[0]).matches()) {
            deviations.add(AnswerDeviation.of(Kind.STATUS_WITHOUT_VERSION));
            code = fields[0];
            phrase = text.strip().substring(3).strip();
        } else {
            throw notUnderstood("not a " + Protocol.VERSION + " status line", line);
        }
        Status status = THREE_DIGITS.matcher(code).matches() ? Status.fromCode(Integer.parseInt(code)) : null;
        if (status == null) {
            throw notUnderstood("a status code P2P-CI/1.0 does not have", line);
        }
        if (!phrase.equals(status.phrase())) {
            deviations.add(new AnswerDeviation(Kind.STATUS_PHRASE, "'" + WireText.forLog(phrase) + "' for "
                    + status.code()));
        }
        if (!text.equals(text.strip()) || text.contains("  ")) {
            deviations.add(AnswerDeviation.of(Kind.EXTRA_SPACES));
        }
        return status;
    }

    /**
     * {@code RFC number title host port}, or the same without {@code RFC}: the title is everything between the
     * number and the last two fields.
     */
    static RfcRecord parseRecordLine(RawLine line, Set<AnswerDeviation> deviations) throws ResponseFormatException {
        String text = line.text();
        String rest = text.strip();
        if (!text.equals(rest)) {
            deviations.add(AnswerDeviation.of(Kind.EXTRA_SPACES));
        }
        if (rest.length() > 3 && rest.regionMatches(true, 0, "RFC", 0, 3) && isBlank(rest.charAt(3))) {
            rest = rest.substring(4).strip();
        } else {
            deviations.add(AnswerDeviation.of(Kind.RECORD_WITHOUT_RFC));
        }
        int afterNumber = firstBlank(rest);
        int portStart = lastBlank(rest) + 1;
        String beforePort = rest.substring(0, Math.max(0, portStart)).strip();
        int hostStart = lastBlank(beforePort) + 1;
        if (afterNumber < 0 || hostStart <= afterNumber) {
            throw notUnderstood("a record line needs a number, a title, a host and a port", line);
        }
        long number = WireText.parseDecimal(rest.substring(0, afterNumber), Integer.MAX_VALUE);
        long port = WireText.parseDecimal(rest.substring(portStart), 65_535);
        if (number < 0 || port < 1) {
            throw notUnderstood("a record line's number or port is not a number", line);
        }
        try {
            return new RfcRecord((int) number, beforePort.substring(afterNumber, hostStart).strip(),
                    beforePort.substring(hostStart), (int) port);
        } catch (IllegalArgumentException e) {
            throw notUnderstood("a record line that cannot be a record (" + e.getMessage() + ")", line);
        }
    }

    /** {@code Name: value}, where Name is a header name that begins with a letter; null for any other line. */
    static Header headerOf(String text) {
        int colon = text.indexOf(':');
        if (colon < 1 || !Character.isLetter(text.charAt(0))) {
            return null;
        }
        String name = text.substring(0, colon);
        String value = text.substring(colon + 1).strip();
        if (!WireText.isHeaderName(name) || !(value.isEmpty() || WireText.isFieldText(value))) {
            return null;
        }
        return new Header(name, value);
    }

    /** {@code PEER host port records}, a line of a PEERS answer. */
    static PeerLine parsePeerLine(RawLine line) throws ResponseFormatException {
        String[] fields = WireText.fields(line.text().strip(), 0);
        if (fields.length != 4) {
            throw notUnderstood("a peer line needs PEER, a host, a port and a record count", line);
        }
        long port = WireText.parseDecimal(fields[2], 65_535);
        long count = WireText.parseDecimal(fields[3], Integer.MAX_VALUE);
        if (port < 1 || count < 0 || !WireText.isHost(fields[1])) {
            throw notUnderstood("a peer line's host, port or record count is not one", line);
        }
        return new PeerLine(fields[1], (int) port, (int) count);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static int firstBlank(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (isBlank(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static int lastBlank(String text) {
        for (int i = text.length() - 1; i >= 0; i--) {
            if (isBlank(text.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static ResponseFormatException notUnderstood(String what, RawLine line) {
        return new ResponseFormatException(what + "; received " + line.quoted());
    }
}
