package net.p2pci.bench;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.p2pci.protocol.WireText;

/**
 * Redis's wire format (RESP) as far as the {@code redis-get} and {@code redis-set} scenarios need it: commands
 * written as arrays of bulk strings, and one reply read to its end and checked (a simple string such as
 * {@code +OK}, or a bulk string with the value expected). A reply that breaks the format is a
 * {@link ProtocolException}, since the connection can no longer be read; a well-formed but wrong one is a
 * {@link WrongAnswer}. Confined to the thread that owns the connection.
 */
final class RespReader {
    /** A reply's first line (type and length, or a simple string) is short; longer means it is not RESP. */
    static final int MAX_LINE_BYTES = 512;
    /** The values the scenarios store are short; a larger bulk string is not an answer to them. */
    static final int MAX_BULK_BYTES = 1 << 20;
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final byte[] OK = "OK".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final byte[] line = new byte[MAX_LINE_BYTES];

    RespReader(InputStream in) {
        this.in = new BufferedInputStream(in, BUFFER_BYTES);
    }

    /** {@code *N\r\n} then each argument as {@code $LEN\r\nBYTES\r\n}: how every Redis client sends a command. */
    static byte[] command(String... arguments) {
        StringBuilder text = new StringBuilder().append('*').append(arguments.length).append("\r\n");
        for (String argument : arguments) {
            byte[] bytes = argument.getBytes(StandardCharsets.UTF_8);
            text.append('$').append(bytes.length).append("\r\n").append(argument).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads one reply; it must be the simple string {@code +OK}. */
    void expectOk() throws IOException, WrongAnswer {
        int type = readType();
        int length = readLine();
        if (type != '+') {
            throw wrong(type);
        }
        if (!Arrays.equals(line, 0, length, OK, 0, OK.length)) {
            throw new WrongAnswer("resp-wrong-status");
        }
    }

    /** Reads one reply; it must be a bulk string holding exactly {@code expected}. */
    void expectBulk(byte[] expected) throws IOException, WrongAnswer {
        int type = readType();
        int length = readLine();
        if (type != '$') {
            throw wrong(type);
        }
        long size = parseLength(length);
        if (size < 0) {
            throw new WrongAnswer("resp-nil");
        }
        if (size > MAX_BULK_BYTES) {
            throw new ProtocolException("RESP bulk string of " + size + " bytes, over " + MAX_BULK_BYTES);
        }
        byte[] value = in.readNBytes((int) size);
        if (value.length < size) {
            throw new EOFException("connection closed inside a RESP bulk string");
        }
        if (in.read() != '\r' || in.read() != '\n') {
            throw new ProtocolException("RESP bulk string not followed by CRLF");
        }
        if (!Arrays.equals(value, expected)) {
            throw new WrongAnswer("resp-wrong-value");
        }
    }

    private int readType() throws IOException {
        int type = in.read();
        if (type < 0) {
            throw new EOFException("connection closed before a RESP reply");
        }
        return type;
    }

    /** Reads up to CRLF into {@link #line}, stopping at the cap before reading more; the line's length. */
    private int readLine() throws IOException {
        int length = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a RESP line");
            }
            if (b == '\n' && length > 0 && line[length - 1] == '\r') {
                return length - 1;
            }
            if (length == MAX_LINE_BYTES) {
                throw new ProtocolException("RESP line over " + MAX_LINE_BYTES + " bytes");
            }
            line[length++] = (byte) b;
        }
    }

    private long parseLength(int length) throws ProtocolException {
        String text = new String(line, 0, length, StandardCharsets.US_ASCII);
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new ProtocolException("RESP length is not a number: " + WireText.forLog(text));
        }
    }

    /** The wrong answer of a reply of {@code type} whose line is read: its kind only, never its bytes. */
    private static WrongAnswer wrong(int type) {
        return new WrongAnswer(switch (type) {
            case '-' -> "resp-error";
            case '+', '$', ':', '*' -> "resp-wrong-type";
            default -> "resp-unknown-type";
        });
    }
}
