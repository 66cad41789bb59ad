package net.p2pci.checker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * Cuts the requests a peer sends into messages: at the empty line that ends a request (CRLF or LF), or, for a peer
 * that sends none (docs/INTEROP.md row 3), when nothing more comes for the quiet interval. Reads with deadlines.
 */
final class RequestStream {
    /** No request is longer; a peer that sends more without an end has its bytes cut there. */
    static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final Timing timing;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    RequestStream(Socket socket, Timing timing) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.timing = timing;
    }

    /**
     * The next request, waiting up to {@code firstByteMillis} for it to begin (0: for ever, for an index connection
     * that idles between commands); null when the connection ends or nothing came in time.
     */
    byte[] next(long firstByteMillis) throws IOException {
        byte[] buffer = new byte[8192];
        long start = System.nanoTime();
        while (true) {
            byte[] request = cut();
            if (request != null) {
                return request;
            }
            int wait;
            if (pending.size() == 0) {
                long left = firstByteMillis == 0 ? 0 : firstByteMillis - (System.nanoTime() - start) / 1_000_000;
                if (firstByteMillis != 0 && left <= 0) {
                    return null;
                }
                wait = (int) left;
            } else {
                wait = (int) Math.max(1, timing.quiet().toMillis());
            }
            try {
                socket.setSoTimeout(wait);
                int read = in.read(buffer);
                if (read < 0) {
                    return takePending();
                }
                pending.write(buffer, 0, read);
            } catch (SocketTimeoutException e) {
                if (pending.size() > 0) {
                    return takePending(); // a request without its empty line: complete by timing
                }
            } catch (SocketException e) {
                return takePending();
            }
        }
    }

    /** The first complete request in the pending bytes, or null. */
    private byte[] cut() {
        byte[] bytes = pending.toByteArray();
        int end = -1;
        for (int i = 0; i + 1 < bytes.length; i++) {
            if (bytes[i] == '\n' && bytes[i + 1] == '\n') {
                end = i + 2;
                break;
            }
            if (i + 2 < bytes.length && bytes[i] == '\n' && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') {
                end = i + 3;
                break;
            }
        }
        if (end < 0) {
            if (bytes.length >= MAX_REQUEST_BYTES) {
                return takePending();
            }
            return null;
        }
        pending.reset();
        pending.write(bytes, end, bytes.length - end);
        return Arrays.copyOf(bytes, end);
    }

    private byte[] takePending() {
        if (pending.size() == 0) {
            return null;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        return bytes;
    }
}
