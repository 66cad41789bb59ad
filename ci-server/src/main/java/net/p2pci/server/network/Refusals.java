package net.p2pci.server.network;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Status;

/**
 * Answers a connection refused at a connection limit, so that the client has a status it can report instead of a
 * bare close: its first request gets {@code P2P-CI/1.0 400 Bad Request} and the empty lines of every index answer,
 * then the connection closes.
 *
 * <p>The answer waits for the request: a client that reads answers on a thread of its own would take an answer that
 * came before its request for a server speaking out of turn. So the request is read, briefly and only as far as its
 * empty line (or, from a client that sends none, until it falls silent after its request line for the reader's
 * {@link MessageReader#QUIET_PERIOD}, or closes its side), on a virtual thread; a bounded number of refusals wait so; past that bound, under a flood, and for a
 * client that sends nothing in time, the connection is closed without an answer.
 *
 * <p>Thread-safe: a semaphore counts the refusals under way.
 */
final class Refusals {
    /** The whole answer to a refused connection's first request. */
    static final byte[] ANSWER = MessageWriter.encode(IndexResponse.of(Status.BAD_REQUEST_400));
    /** Long enough for a client on any network to send its first request. */
    static final Duration REQUEST_WAIT = Duration.ofSeconds(2);
    /** Refusals under way at once; each is a virtual thread and a socket for at most {@link #REQUEST_WAIT}. */
    static final int MAX_WAITING = 256;
    /** The most of a refused connection's input read to find its request's end: a request or two. */
    private static final int MAX_READ_BYTES = 16 * 1024;

    private final Semaphore waiting = new Semaphore(MAX_WAITING);

    /** Answers and closes {@code socket} on a thread of its own; never blocks the caller. */
    void refuse(Socket socket) {
        if (!waiting.tryAcquire()) {
            AcceptLoop.closeQuietly(socket);
            return;
        }
        Thread.ofVirtual().name("refused-connection").start(() -> {
            try (socket) {
                if (awaitRequestEnd(socket)) {
                    socket.getOutputStream().write(ANSWER);
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // the client went away first: nothing more to do
            } finally {
                waiting.release();
            }
        });
    }

    /**
     * Reads until the empty line that ends a request, or until the client, having sent a request line, is silent
     * for the quiet period or closes its side; false if no request came in time, or the client closed first.
     */
    private static boolean awaitRequestEnd(Socket socket) throws IOException {
        long deadline = System.nanoTime() + REQUEST_WAIT.toNanos();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[1024];
        int read = 0;
        int lineLength = -1; // bytes on the current line, CR not counted; -1 before the first byte
        boolean requestLineSeen = false;
        while (read < MAX_READ_BYTES) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            long wait = Duration.ofNanos(left).toMillis();
            boolean quietEnds = requestLineSeen && wait > MessageReader.QUIET_PERIOD.toMillis();
            socket.setSoTimeout((int) Math.max(1, quietEnds ? MessageReader.QUIET_PERIOD.toMillis() : wait));
            int count;
            try {
                count = in.read(buffer);
            } catch (SocketTimeoutException e) {
                return quietEnds;
            }
            if (count < 0) {
                return requestLineSeen;
            }
            for (int i = 0; i < count; i++) {
                byte b = buffer[i];
                if (b == '\n') {
                    if (lineLength == 0) {
                        return true; // an empty line after a request line: the request is complete
                    }
                    if (lineLength > 0) {
                        lineLength = 0;
                        requestLineSeen = true;
                    } // line ends before the request line are skipped, as the reader skips them
                } else if (b != '\r') {
                    lineLength = lineLength < 0 ? 1 : lineLength + 1;
                }
            }
            read += count;
        }
        return true; // a request this long is refused all the same
    }
}
