package net.p2pci.server.network;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.RequestInput;

/**
 * The socket's input with the request timeouts applied. Until the connection has registered, it must do so within
 * the first-request timeout of its accept, however it spends that time (silent, dripping, or sending requests that
 * fail), so a connection that never registers cannot hold a slot for long. After that, while the connection is idle
 * between requests a read may wait indefinitely (an idle connection is a live registration), but once a request's
 * first byte has arrived the rest must arrive before the deadline, so a client dripping bytes cannot hold a thread
 * and its buffer forever. A read within the reader's quiet period ({@link RequestInput}) waits no longer than that
 * deadline either: silence never buys a request more time.
 *
 * <p>Confined to the connection's thread.
 */
final class RequestDeadline extends InputStream implements RequestInput {
    /** Thrown when a started request, or the first one, did not complete in time. */
    static final class RequestTimeoutException extends SocketTimeoutException {
        RequestTimeoutException(String what, Duration timeout) {
            super(what + " not complete within " + timeout.toMillis() + " ms");
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final Duration timeout;
    private final Duration firstRequestTimeout;
    /** When the current request must be complete, in System.nanoTime() terms; 0 while idle. */
    private long deadline;
    /** Whether the connection has yet to register; until then {@link #deadline} is the first request's. */
    private boolean awaitingFirst = true;

    RequestDeadline(Socket socket, Duration timeout, Duration firstRequestTimeout) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.timeout = timeout;
        this.firstRequestTimeout = firstRequestTimeout;
        this.deadline = System.nanoTime() + firstRequestTimeout.toNanos();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (deadline == 0) {
            socket.setSoTimeout(0);
            int read = in.read(buffer, offset, length);
            if (startsRequest(buffer, offset, read)) {
                deadline = System.nanoTime() + timeout.toNanos();
            }
            return read;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw timedOut();
        }
        socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, Duration.ofNanos(left).toMillis())));
        try {
            return in.read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            throw timedOut();
        }
    }

    @Override
    public int readWithin(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        if (deadline == 0) {
            return read(buffer, offset, length); // idle: a request's first bytes have yet to come
        }
        long left = deadline - System.nanoTime();
        if (left <= TimeUnit.MILLISECONDS.toNanos(waitMillis)) {
            return read(buffer, offset, length); // the deadline comes first, and ends the read as it always does
        }
        socket.setSoTimeout(waitMillis);
        try {
            return in.read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            return 0; // the socket stays usable after a timed-out read: the sender is only silent
        }
    }

    /** What was read held no request after all (an END line after the last one): the connection is idle again. */
    @Override
    public void requestNotBegun() {
        requestComplete(false);
    }

    /**
     * Whether bytes read while idle begin a request: any but line ends, which some clients send after a request and
     * the reader skips, and which must not start a clock on a connection that is in fact idle.
     */
    private static boolean startsRequest(byte[] buffer, int offset, int read) {
        for (int i = offset; i < offset + read; i++) {
            if (buffer[i] != '\r' && buffer[i] != '\n') {
                return true;
            }
        }
        return false;
    }

    private RequestTimeoutException timedOut() {
        return awaitingFirst
                ? new RequestTimeoutException("first request", firstRequestTimeout)
                : new RequestTimeoutException("request", timeout);
    }

    /**
     * Marks the end of a request. When the next request has already begun (its bytes are buffered), its clock
     * starts now; otherwise the connection is idle.
     */
    void requestComplete(boolean nextRequestBegun) {
        if (!awaitingFirst) {
            deadline = nextRequestBegun ? System.nanoTime() + timeout.toNanos() : 0;
        }
    }

    /** The connection has registered: from now on only started requests have a deadline. */
    void registered(boolean nextRequestBegun) {
        awaitingFirst = false;
        requestComplete(nextRequestBegun);
    }
}
