package net.p2pci.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Rules for the text that may stand in a protocol field, and the one way to render untrusted text for logs.
 *
 * <p>Records validate their fields with these rules in their constructors, so anything that can be constructed
 * can also be written and parsed back unchanged.
 */
public final class WireText {
    /**
     * The longest title, in characters. RFC titles run to about 120; the cap keeps every record line
     * ({@code RFC number title host port}) far below any reader's line limit, so a LIST can always be read.
     */
    public static final int MAX_TITLE_CHARS = 512;
    /** The longest host, in characters: a DNS name is at most 253. */
    public static final int MAX_HOST_CHARS = 255;

    /** How much of an untrusted value goes into a log line; enough to recognise it, too little to flood a log. */
    public static final int MAX_LOGGED_CHARS = 120;
    /** Enough of another implementation's bytes to see what it sent, short enough for one line of a message. */
    public static final int MAX_QUOTED_BYTES = 200;

    private WireText() {
    }

    /**
     * Free text such as a title or the OS header: not empty, no surrounding white space, no control characters, and
     * no unpaired surrogates.
     */
    public static boolean isFieldText(String text) {
        if (text == null || text.isEmpty() || !text.equals(text.strip())) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i))) {
                return false;
            }
        }
        return hasOnlyPairedSurrogates(text);
    }

    /** True when the text is well-formed UTF-16, so that it can be written as UTF-8 and read back unchanged. */
    private static boolean hasOnlyPairedSurrogates(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A single token such as a host name: not empty and free of white space and control characters, because a
     * record line ends with the host and port as its last two space-separated fields.
     */
    public static boolean isToken(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)) {
                return false;
            }
        }
        return hasOnlyPairedSurrogates(text);
    }

    /** A title: free text of at most {@link #MAX_TITLE_CHARS} characters. */
    public static boolean isTitle(String text) {
        return isFieldText(text) && text.length() <= MAX_TITLE_CHARS;
    }

    /** A host: a token of at most {@link #MAX_HOST_CHARS} characters. */
    public static boolean isHost(String text) {
        return isToken(text) && text.length() <= MAX_HOST_CHARS;
    }

    /** A header name: printable ASCII without white space or a colon. */
    public static boolean isHeaderName(String text) {
        if (text == null || text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == ':') {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of a plain decimal (digits only: no sign, no spaces) no larger than {@code max}, or -1. At most 18
     * digits are read, so the value never overflows.
     */
    public static long parseDecimal(String text, long max) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value <= max ? value : -1;
    }

    /** A TCP port a peer can listen on. */
    public static boolean isPort(int port) {
        return port >= 1 && port <= 65_535;
    }

    /** Untrusted text made safe for a log line: control characters become '?', and long text is cut short. */
    public static String forLog(CharSequence untrusted) {
        return forLog(untrusted, MAX_LOGGED_CHARS);
    }

    /**
     * Like {@link #forLog(CharSequence)}, with a cap of {@code maxChars}: for a message that is already built from
     * sanitised parts (an error's reason), which the standard cap would cut again and so misreport the length of
     * the value it quotes.
     */
    public static String forLog(CharSequence untrusted, int maxChars) {
        if (untrusted == null) {
            return "null";
        }
        int shown = Math.min(untrusted.length(), maxChars);
        StringBuilder safe = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = untrusted.charAt(i);
            safe.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        if (untrusted.length() > shown) {
            safe.append("...(").append(untrusted.length()).append(" chars)");
        }
        return safe.toString();
    }

    /**
     * Bytes as they came, made readable for a message that shows another implementation's bytes: in double quotes,
     * printable ASCII as it is (a backslash and a quote escaped), CR, LF and tab as {@code \r \n \t}, other bytes
     * as {@code \xNN}, at most {@code maxBytes} of them, then how many there were in all.
     */
    public static String quoteBytes(byte[] bytes, int offset, int length, int maxBytes) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        int shown = Math.min(length, maxBytes);
        StringBuilder quoted = new StringBuilder(shown + 16).append('"');
        for (int i = offset; i < offset + shown; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> quoted.append("\\r");
                case '\n' -> quoted.append("\\n");
                case '\t' -> quoted.append("\\t");
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                default -> {
                    if (b >= 0x20 && b < 0x7f) {
                        quoted.append((char) b);
                    } else {
                        quoted.append(String.format("\\x%02x", b));
                    }
                }
            }
        }
        quoted.append('"');
        if (length > shown) {
            quoted.append("...(").append(length).append(" bytes)");
        }
        return quoted.toString();
    }

    /**
     * The fields of a request or status line: the text between runs of spaces and tabs, exactly as
     * {@code Pattern.compile("[ \t]+").split(text, limit)} gives them, without a regular expression (the line of
     * every request and every answer is split). With {@code limit > 0} there are at most {@code limit} fields, the
     * last holding the rest of the text; with 0, any number, and empty ones at the end are dropped.
     */
    static String[] fields(String text, int limit) {
        List<String> fields = new ArrayList<>(4);
        int length = text.length();
        int start = 0;
        while (true) {
            if (limit > 0 && fields.size() == limit - 1) {
                fields.add(text.substring(start));
                break;
            }
            int end = start;
            while (end < length && !isFieldSeparator(text.charAt(end))) {
                end++;
            }
            fields.add(text.substring(start, end));
            if (end == length) {
                break;
            }
            start = end;
            while (start < length && isFieldSeparator(text.charAt(start))) {
                start++;
            }
            if (start == length) {
                fields.add("");
                break;
            }
        }
        if (limit == 0) {
            int last = fields.size();
            while (last > 1 && fields.get(last - 1).isEmpty()) {
                last--;
            }
            if (last == 1 && fields.get(0).isEmpty() && length > 0) {
                last = 0; // nothing but separators: Pattern.split gives no field at all
            }
            return fields.subList(0, last).toArray(String[]::new);
        }
        return fields.toArray(String[]::new);
    }

    private static boolean isFieldSeparator(char c) {
        return c == ' ' || c == '\t';
    }

    static String require(boolean valid, String field, String value) {
        if (!valid) {
            throw new IllegalArgumentException("invalid " + field + ": " + forLog(value));
        }
        return value;
    }

    static int requirePort(int port) {
        if (!isPort(port)) {
            throw new IllegalArgumentException("port out of range 1-65535: " + port);
        }
        return port;
    }

    /** A number a request may name: in the range of {@link Protocol#isRfcNumber}, as the reader enforces. */
    static int requireRequestedRfcNumber(int number) {
        if (!Protocol.isRfcNumber(number)) {
            throw new IllegalArgumentException("RFC number out of range " + Protocol.MIN_RFC_NUMBER + "-"
                    + Protocol.MAX_RFC_NUMBER + ": " + number);
        }
        return number;
    }

    /** A number a record may carry: records from other servers are read liberally, so any non-negative one. */
    static int requireRfcNumber(int number) {
        if (number < 0) {
            throw new IllegalArgumentException("RFC number must not be negative: " + number);
        }
        return number;
    }
}
