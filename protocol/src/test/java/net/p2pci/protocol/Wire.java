package net.p2pci.protocol;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

/** Test helpers that turn readable text into the bytes a socket would carry. */
final class Wire {
    private Wire() {
    }

    /** The text as UTF-8, with every "\n" turned into CRLF, as the protocol sends it. */
    static byte[] crlf(String text) {
        return text.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static MessageReader reader(byte[] bytes) {
        return new MessageReader(new ByteArrayInputStream(bytes));
    }

    static MessageReader reader(String rawText) {
        return reader(rawText.getBytes(StandardCharsets.UTF_8));
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
