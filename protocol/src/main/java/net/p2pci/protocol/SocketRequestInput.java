package net.p2pci.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * A socket's input as a {@link RequestInput}, for a server whose request deadline is kept by other means (a watchdog
 * that closes the socket): reads wait as the socket's own timeout says, and a read within a quiet period waits at
 * most that long.
 *
 * <p>Confined to the thread that reads the socket.
 */
public final class SocketRequestInput extends InputStream implements RequestInput {
    private final Socket socket;
    private final InputStream in;
    /** The socket's read timeout, restored after every quiet read; 0 waits as long as it takes. */
    private final int usualTimeoutMillis;

    public SocketRequestInput(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.usualTimeoutMillis = socket.getSoTimeout();
    }

    @Override
    public int read() throws IOException {
        return in.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    @Override
    public int available() throws IOException {
        return in.available();
    }

    @Override
    public int readWithin(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        boolean ownTimeoutFirst = usualTimeoutMillis > 0 && usualTimeoutMillis <= waitMillis;
        if (ownTimeoutFirst) {
            return in.read(buffer, offset, length);
        }
        socket.setSoTimeout(waitMillis);
        try {
            return in.read(buffer, offset, length);
        } catch (SocketTimeoutException e) {
            return 0; // a timed-out read leaves the socket as it was: the sender is only quiet
        } finally {
            socket.setSoTimeout(usualTimeoutMillis);
        }
    }

    @Override
    public void requestNotBegun() {
        // No deadline of its own to stop.
    }
}
