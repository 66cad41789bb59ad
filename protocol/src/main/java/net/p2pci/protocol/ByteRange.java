package net.p2pci.protocol;

import java.util.Optional;

/**
 * The byte range a GET asks for with the range extension (docs/PROTOCOL.md 9.3): {@code Range: bytes=first-last}, or
 * {@code bytes=first-} for the rest of the file. Only a single range of this form is understood; anything else in a
 * Range header is ignored and the whole file sent, as HTTP allows.
 *
 * @param first the offset of the first byte asked for
 * @param last  the offset of the last byte asked for, or {@link #TO_END}
 */
public record ByteRange(long first, long last) {
    /** {@link #last} when the range runs to the end of the file. */
    public static final long TO_END = -1;
    /** The one range unit there is. */
    private static final String UNIT = "bytes=";
    /** Offsets beyond an exabyte name no file; the decimal then cannot overflow a long. */
    private static final long MAX_OFFSET = 1_000_000_000_000_000_000L - 1;

    public ByteRange {
        if (first < 0 || first > MAX_OFFSET || (last != TO_END && (last < first || last > MAX_OFFSET))) {
            throw new IllegalArgumentException("not a byte range: " + first + "-" + last);
        }
    }

    /** The range from {@code first} to the end of the file. */
    public static ByteRange from(long first) {
        return new ByteRange(first, TO_END);
    }

    /** The header value, {@code bytes=first-last} or {@code bytes=first-}. */
    public String headerValue() {
        return UNIT + first + "-" + (last == TO_END ? "" : Long.toString(last));
    }

    /** The range a Range header's value asks for, or empty when it is not a single range this reads. */
    public static Optional<ByteRange> parse(String value) {
        String text = value.strip();
        if (!text.regionMatches(true, 0, UNIT, 0, UNIT.length())) {
            return Optional.empty();
        }
        String spec = text.substring(UNIT.length()).strip();
        int dash = spec.indexOf('-');
        if (dash <= 0) {
            return Optional.empty(); // a suffix range (bytes=-n) or no dash: not read
        }
        long first = WireText.parseDecimal(spec.substring(0, dash).strip(), MAX_OFFSET);
        String lastText = spec.substring(dash + 1).strip();
        long last = lastText.isEmpty() ? TO_END : WireText.parseDecimal(lastText, MAX_OFFSET);
        if (first < 0 || (lastText.length() > 0 && (last < 0 || last < first))) {
            return Optional.empty();
        }
        return Optional.of(new ByteRange(first, last));
    }

    /**
     * The offset of the last byte this range selects in a file of {@code size} bytes (a last offset past the end
     * means the end), or -1 when it selects nothing: it starts at or past the end.
     */
    public long lastIn(long size) {
        if (first >= size) {
            return -1;
        }
        return last == TO_END || last >= size ? size - 1 : last;
    }

    /** {@code bytes first-last/size}, the Content-Range of a 206 answer for {@code first..last} of such a file. */
    public static String contentRange(long first, long last, long size) {
        return "bytes " + first + "-" + last + "/" + size;
    }

    /**
     * The first offset, last offset and total size a Content-Range value states, or empty when it is not of the
     * form {@code bytes first-last/size} with first &lt;= last &lt; size.
     */
    public static Optional<long[]> parseContentRange(String value) {
        String text = value.strip();
        if (!text.regionMatches(true, 0, "bytes ", 0, 6)) {
            return Optional.empty();
        }
        String spec = text.substring(6).strip();
        int dash = spec.indexOf('-');
        int slash = spec.indexOf('/');
        if (dash <= 0 || slash < dash) {
            return Optional.empty();
        }
        long first = WireText.parseDecimal(spec.substring(0, dash), MAX_OFFSET);
        long last = WireText.parseDecimal(spec.substring(dash + 1, slash), MAX_OFFSET);
        long size = WireText.parseDecimal(spec.substring(slash + 1), MAX_OFFSET);
        if (first < 0 || last < first || size <= last) {
            return Optional.empty();
        }
        return Optional.of(new long[] {first, last, size});
    }
}
