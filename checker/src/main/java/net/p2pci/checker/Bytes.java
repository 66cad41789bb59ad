package net.p2pci.checker;

import java.nio.charset.StandardCharsets;
import net.p2pci.protocol.WireText;

/** The one way the checker shows bytes it received: quoted, control bytes escaped, and capped in length. */
public final class Bytes {
    /** Enough of an answer to see what went wrong, short enough for one line of a report. */
    static final int MAX_SHOWN_BYTES = 240;

    private Bytes() {
    }

    public static String quote(byte[] bytes) {
        return WireText.quoteBytes(bytes, 0, bytes.length, MAX_SHOWN_BYTES);
    }

    public static String quote(String text) {
        return quote(text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
