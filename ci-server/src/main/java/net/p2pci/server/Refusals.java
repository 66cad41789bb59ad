package net.p2pci.server;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Status;

/**
 * Answers a connection refused at a connection limit, so that the client has a status it can report instead of a
 * bare close: {@code P2P-CI/1.0 400 Bad Request} and the empty lines of every index answer, then the close.
 *
 * <p>The answer is written before the client's request is read; closing a socket with unread input would make the
 * kernel send a reset, which can destroy the answer before the client reads it. So the connection's output is shut
 * first and its input drained, briefly, on a virtual thread, before the close. A bounded number of refusals linger
 * so; past it, under a flood, a refused connection is closed at once.
 *
 * <p>Thread-safe: a semaphore counts the lingering refusals.
 */
final class Refusals {
    /** The whole answer to a refused connection. */
    static final byte[] ANSWER = MessageWriter.encode(IndexResponse.of(Status.BAD_REQUEST_400));
    /** Long enough for a client on any network to send its request and read the answer. */
    static final Duration LINGER = Duration.ofSeconds(2);
    /** Refusals lingering at once; each is a virtual thread and a socket for at most {@link #LINGER}. */
    static final int MAX_LINGERING = 256;
    /** The most input read from a refused connection: a request or two. */
    private static final int MAX_DRAINED_BYTES = 16 * 1024;

    private final Semaphore lingering = new Semaphore(MAX_LINGERING);

    /** Answers and closes {@code socket}; never blocks the caller for longer than a write into an empty buffer. */
    void refuse(Socket socket) {
        try {
            socket.getOutputStream().write(ANSWER);
            socket.shutdownOutput();
        } catch (IOException e) {
            AcceptLoop.closeQuietly(socket);
            return;
        }
        if (!lingering.tryAcquire()) {
            AcceptLoop.closeQuietly(socket);
            return;
        }
        Thread.ofVirtual().name("refused-connection").start(() -> {
            try (socket) {
                drain(socket);
            } catch (IOException e) {
                // the client went away first: nothing more to do
            } finally {
                lingering.release();
            }
        });
    }

    private static void drain(Socket socket) throws IOException {
        long deadline = System.nanoTime() + LINGER.toNanos();
        byte[] buffer = new byte[1024];
        int drained = 0;
        while (drained < MAX_DRAINED_BYTES) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            int read;
            try {
                read = socket.getInputStream().read(buffer);
            } catch (java.net.SocketTimeoutException e) {
                return;
            }
            if (read < 0) {
                return;
            }
            drained += read;
        }
    }
}
