package net.p2pci.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 as far as the {@code http-get} scenario needs it: the GET it sends (one request per connection,
 * {@code Connection: close}, as wrk sends to nginx with that header) and the response head it reads, for its status
 * and {@code Content-Length}. The body is counted by {@link Download}.
 */
final class HttpHead {
    /** nginx's heads are a few hundred bytes; past this it is no head worth reading. */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private HttpHead() {
    }

    /** {@code GET path HTTP/1.1} with Host and {@code Connection: close}. */
    static byte[] request(InetSocketAddress server, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + server.getAddress().getHostAddress() + ":" + server.getPort()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads the head into {@code scratch} up to the blank line; the status code, the Content-Length (-1 without
     * one) and how many body bytes came in the same reads (dropped, counted).
     */
    static Download.Head read(InputStream in, byte[] scratch) throws IOException {
        int limit = Math.min(scratch.length, MAX_HEAD_BYTES);
        int filled = 0;
        int end = -1;
        while (end < 0) {
            if (filled == limit) {
                throw new ProtocolException("HTTP response head over " + limit + " bytes");
            }
            int read = in.read(scratch, filled, limit - filled);
            if (read < 0) {
                throw new EOFException("connection closed inside the HTTP response head");
            }
            end = indexOfEnd(scratch, Math.max(0, filled - END_OF_HEAD.length + 1), filled + read);
            filled += read;
        }
        String[] lines = new String(scratch, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        return new Download.Head(statusCode(lines[0]), contentLength(lines), filled - end - END_OF_HEAD.length);
    }

    private static int indexOfEnd(byte[] bytes, int from, int to) {
        for (int i = from; i + END_OF_HEAD.length <= to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** The code of {@code HTTP/1.x NNN reason}. */
    private static int statusCode(String statusLine) throws ProtocolException {
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new ProtocolException("not an HTTP/1.x status line");
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new ProtocolException("HTTP status code is not a number");
        }
    }

    private static long contentLength(String[] lines) throws ProtocolException {
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT).equals("content-length")) {
                try {
                    return Long.parseLong(lines[i].substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    throw new ProtocolException("Content-Length is not a number");
                }
            }
        }
        return -1;
    }
}
