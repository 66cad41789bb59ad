package net.p2pci.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One download on a fresh connection, whatever the protocol (a P2P-CI GET from a peer's upload server, an HTTP/1.1
 * GET with {@code Connection: close}): the request in one write, the response head read by the protocol's
 * {@link HeadReader}, then the body read to the end of the stream and counted, nothing kept. The socket, its
 * options and the body's counting are this one class. Each downloading thread has its own instance, for its
 * receive buffer.
 */
final class Download {
    /** Large enough that a loopback transfer takes few reads; direct, so the kernel copies straight into it. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    /** Room for what a head reader may have read past the head. */
    private static final int HEAD_OVERFLOW_BYTES = 64 * 1024;

    /**
     * A response head as read: its status code, the body length it announced (-1 without one), and the body bytes
     * read with it.
     */
    record Head(int statusCode, long announcedLength, long bodyBytesRead) {
    }

    /** Reads a response head from the start of a connection's input, in the protocol's format. */
    @FunctionalInterface
    interface HeadReader {
        /** The head; {@code scratch} is a buffer the reader may use for bytes read past it. */
        Head read(InputStream in, byte[] scratch) throws IOException;
    }

    /** What came back: the status code, the length the head announced (-1 without one), the body bytes that came. */
    record Outcome(int statusCode, long announcedLength, long receivedBytes) {
        /** A 200 whose body is exactly the announced length, and that length is {@code expected}. */
        boolean isComplete(long expected) {
            return statusCode == 200 && announcedLength == expected && receivedBytes == expected;
        }

        /** Throws unless {@link #isComplete(long)}, naming what was wrong. */
        void requireComplete(long expected) throws WrongAnswer {
            if (statusCode != 200) {
                throw new WrongAnswer("status-" + statusCode);
            }
            if (!isComplete(expected)) {
                throw new WrongAnswer("wrong-length");
            }
        }
    }

    private final ByteBuffer receive = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
    private final byte[] headOverflow = new byte[HEAD_OVERFLOW_BYTES];

    /** Sends {@code request} on a new connection to {@code server}, reads the head with {@code head}, counts the rest. */
    Outcome fetch(InetSocketAddress server, byte[] request, HeadReader head) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // A connection per request never lives long enough for the kernel to grow its receive window, so a
            // download would go in small windows, each a wake-up of the reading thread; with a receive buffer as
            // large as the read buffer the server can put a whole file on its way at once.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.connect(server);
            ByteBuffer bytes = ByteBuffer.wrap(request);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            Head answer = head.read(channel.socket().getInputStream(), headOverflow);
            long received = answer.bodyBytesRead();
            for (int read = channel.read(receive); read >= 0; read = channel.read(receive)) {
                received += read;
                receive.clear();
            }
            return new Outcome(answer.statusCode(), answer.announcedLength(), received);
        }
    }
}
