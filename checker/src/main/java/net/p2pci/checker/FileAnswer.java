package net.p2pci.checker;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An upload server's answer to GET as it came (docs/PROTOCOL.md 4.2 and 4.3), split the liberal way: the head up to
 * the first empty line (CRLF or LF), its status line and headers in order, and the body after it.
 *
 * @param raw     every byte received
 * @param closed  whether the server closed the connection (rather than the checker's timeout ending the read)
 * @param headEnd where the body starts, or -1 when no empty line ends the head
 */
public record FileAnswer(byte[] raw, boolean closed, int headEnd, String statusLine, List<Header> headers,
                         boolean lfLineEnds) {
    /** The headers of a 200 answer, in PROTOCOL.md 4.2's order. */
    public static final List<String> OK_HEADERS = List.of("Date", "OS", "Last-Modified", "Content-Length",
            "Content-Type");
    /** The headers of an error answer (PROTOCOL.md 4.3). */
    public static final List<String> ERROR_HEADERS = List.of("Date", "OS", "Content-Length");
    private static final DateTimeFormatter RFC_1123_GMT = DateTimeFormatter
            .ofPattern("EEE, dd MMM uuuu HH:mm:ss 'GMT'", Locale.US).withResolverStyle(ResolverStyle.STRICT);

    /** One header line: its name and value as sent, and whether it was written exactly {@code Name: value}. */
    public record Header(String name, String value, boolean exactForm) {
    }

    public static FileAnswer parse(byte[] raw, boolean closed) {
        int crlf = indexOf(raw, Bytes.utf8("\r\n\r\n"));
        int lf = indexOf(raw, Bytes.utf8("\n\n"));
        int headEnd;
        String head;
        if (crlf >= 0 && (lf < 0 || crlf < lf)) {
            headEnd = crlf + 4;
            head = Bytes.text(Arrays.copyOf(raw, crlf));
        } else if (lf >= 0) {
            headEnd = lf + 2;
            head = Bytes.text(Arrays.copyOf(raw, lf));
        } else {
            headEnd = -1;
            head = Bytes.text(raw);
        }
        boolean lfLineEnds = head.replace("\r\n", "").contains("\n") || (headEnd > 0 && crlf != headEnd - 4);
        List<String> lines = Arrays.asList(head.split("\r?\n", -1));
        List<Header> headers = new ArrayList<>();
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon);
                String value = line.substring(colon + 1).strip();
                headers.add(new Header(name.strip(), value, line.equals(name + ": " + value)));
            }
        }
        return new FileAnswer(raw, closed, headEnd, lines.getFirst(), List.copyOf(headers), lfLineEnds);
    }

    /** The status code, or -1 when the status line is not {@code P2P-CI/1.0 <code> ...}. */
    public int statusCode() {
        String[] fields = statusLine.strip().split("[ \t]+", 3);
        return fields.length >= 2 && fields[0].equals("P2P-CI/1.0") && fields[1].matches("[0-9]{3}")
                ? Integer.parseInt(fields[1]) : -1;
    }

    /** A header's value, its name compared without case, as liberal readers do. */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    /** The bytes after the head; empty when no empty line ends it. */
    public byte[] body() {
        return headEnd < 0 ? new byte[0] : Arrays.copyOfRange(raw, headEnd, raw.length);
    }

    /** Whether {@code value} is an RFC 1123 date in GMT with a two-digit day and the right weekday. */
    public static boolean isRfc1123(String value) {
        try {
            LocalDateTime parsed = LocalDateTime.parse(value, RFC_1123_GMT);
            DayOfWeek weekday = parsed.getDayOfWeek();
            return value.startsWith(weekday.getDisplayName(java.time.format.TextStyle.SHORT, Locale.US) + ", ");
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /**
     * Judges the status line and header block against the exact form: {@code P2P-CI/1.0 code phrase}, the given
     * headers in order as {@code Name: value}, CRLF line ends, the empty line. A deviation liberal readers cope with
     * (docs/INTEROP.md rows 1, 9, 14, 15, 37) is NON-STRICT; another status, or no empty line, fails.
     */
    public Outcome judgeHead(int code, String phrase, List<String> expectedHeaders) {
        if (raw.length == 0) {
            return Outcome.fail("no answer: the connection " + (closed ? "was closed without a byte" : "stayed silent"));
        }
        if (statusCode() != code) {
            return Outcome.fail("status line: expected " + Bytes.quote("P2P-CI/1.0 " + code + " " + phrase)
                    + ", saw " + Bytes.quote(raw));
        }
        if (headEnd < 0) {
            return Outcome.fail("no empty line ends the header block: " + Bytes.quote(raw));
        }
        List<String> deviations = new ArrayList<>();
        if (!statusLine.equals("P2P-CI/1.0 " + code + " " + phrase)) {
            deviations.add("status line " + Bytes.quote(statusLine) + ", not " + Bytes.quote("P2P-CI/1.0 " + code
                    + " " + phrase));
        }
        if (lfLineEnds) {
            deviations.add("ends lines with LF alone, not CRLF");
        }
        List<String> names = headers.stream().map(Header::name).toList();
        if (!names.equals(expectedHeaders)) {
            List<String> lower = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
            List<String> expectedLower = expectedHeaders.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
            if (lower.equals(expectedLower)) {
                deviations.add("writes header names in another case: " + Bytes.quote(String.join(", ", names)));
            } else {
                deviations.add("sends headers " + Bytes.quote(String.join(", ", names)) + ", not "
                        + String.join(", ", expectedHeaders) + " in that order");
            }
        }
        if (headers.stream().anyMatch(h -> !h.exactForm())) {
            deviations.add("writes a header line other than 'Name: value'");
        }
        return deviations.isEmpty() ? Outcome.pass() : Outcome.nonStrict(deviations);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
