package net.p2pci.checker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;

/**
 * One raw TCP connection to the implementation under test, in which every read has a deadline: the checker sends
 * exactly the bytes a case gives and returns exactly the bytes that came back, and never waits longer than the
 * run's timeout for anything. Used by one case's thread at a time.
 */
public final class WireConnection implements AutoCloseable {
    /** No answer the checker judges is this long; a target that sends more is cut off there. */
    static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final Timing timing;
    private boolean ended;

    private WireConnection(Socket socket, Timing timing) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.timing = timing;
    }

    /** Connects within the run's timeout. */
    public static WireConnection open(Target target, Timing timing) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(target.host(), target.port()), (int) timing.timeout().toMillis());
            socket.setTcpNoDelay(true);
            return new WireConnection(socket, timing);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Wraps a connection the checker accepted, when it plays the server. */
    static WireConnection accepted(Socket socket, Timing timing) throws IOException {
        socket.setTcpNoDelay(true);
        return new WireConnection(socket, timing);
    }

    public void send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void send(String text) throws IOException {
        send(Bytes.utf8(text));
    }

    /**
     * Reads an answer expected to be {@code expected} bytes long: until that many have come, the connection ends,
     * the timeout passes, or, once something came, nothing more comes for the quiet interval. When the bytes differ
     * from what was expected, reading goes on until quiet, so that the whole of a deviant answer is judged.
     */
    public byte[] readAnswer(byte[] expected) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timing.timeout().toNanos();
        while (seen.size() < expected.length && readSome(seen, deadline, true)) {
            // until the expected length, the end, or a pause
        }
        if (!Arrays.equals(seen.toByteArray(), expected) && seen.size() >= expected.length) {
            while (readSome(seen, deadline, true)) {
                // the rest of a deviant answer
            }
        }
        return seen.toByteArray();
    }

    /** Reads until the connection ends or the timeout passes, at most {@link #MAX_ANSWER_BYTES}. */
    public byte[] readToEnd() throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timing.timeout().toNanos();
        while (seen.size() < MAX_ANSWER_BYTES && readSome(seen, deadline, false)) {
            // until the end
        }
        return seen.toByteArray();
    }

    /** Reads until something came and then a pause, or the connection ends, or the timeout passes. */
    public byte[] readUntilQuiet() throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timing.timeout().toNanos();
        while (seen.size() < MAX_ANSWER_BYTES && readSome(seen, deadline, true)) {
            // until quiet
        }
        return seen.toByteArray();
    }

    /** One read, as a client that reads an answer with a single recv does; empty when nothing came in time. */
    public byte[] readOnce() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try {
            socket.setSoTimeout((int) timing.timeout().toMillis());
            int read = in.read(buffer);
            if (read < 0) {
                ended = true;
                return new byte[0];
            }
            return Arrays.copyOf(buffer, read);
        } catch (SocketTimeoutException e) {
            return new byte[0];
        }
    }

    /**
     * Reads one chunk into {@code seen}; false when the connection ended, the deadline passed, or (with
     * {@code stopWhenQuiet}, after the first byte) the quiet interval went by without a byte.
     */
    private boolean readSome(ByteArrayOutputStream seen, long deadline, boolean stopWhenQuiet) throws IOException {
        if (ended) {
            return false;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        long wait = stopWhenQuiet && seen.size() > 0 ? Math.min(left, timing.quiet().toNanos()) : left;
        byte[] buffer = new byte[8192];
        try {
            socket.setSoTimeout((int) Math.max(1, wait / 1_000_000));
            int read = in.read(buffer);
            if (read < 0) {
                ended = true;
                return false;
            }
            seen.write(buffer, 0, read);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            ended = true; // a reset: what came before it stands
            return false;
        }
    }

    /** Whether the other side has closed (or reset) the connection, waiting up to the timeout; bytes are dropped. */
    public boolean awaitEnd() throws IOException {
        ByteArrayOutputStream dropped = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timing.timeout().toNanos();
        while (readSome(dropped, deadline, false)) {
            dropped.reset();
        }
        return ended;
    }

    /** Whether the other side was seen to close; only reads tell. */
    public boolean ended() {
        return ended;
    }

    /** Closes with an RST instead of a FIN, as the kernel of a crashed peer does. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** Sends a FIN but keeps reading, so that an answer written before the other side closes can still be read. */
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
