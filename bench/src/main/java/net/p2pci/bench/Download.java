package net.p2pci.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Status;

/**
 * One GET on a fresh connection to a peer's upload server, as the protocol has it: the request in one write, the
 * response head, then the body read to the end of the stream and counted, nothing kept. Each downloading thread
 * has its own instance, for its receive buffer.
 */
final class Download {
    /** Large enough that a loopback transfer takes few reads; direct, so the kernel copies straight into it. */
    private static final int RECEIVE_BUFFER_BYTES = 1 << 20;
    private static final String OS = "Linux (p2pci bench)";

    /** What came back: the status, the length the head announced (-1 without one) and the body bytes that came. */
    record Outcome(Status status, long announcedLength, long receivedBytes) {
        /** A 200 whose body is exactly the announced length, and that length is {@code expected}. */
        boolean isComplete(long expected) {
            return status == Status.OK_200 && announcedLength == expected && receivedBytes == expected;
        }
    }

    private final ByteBuffer receive = ByteBuffer.allocateDirect(RECEIVE_BUFFER_BYTES);
    private final byte[] headOverflow = new byte[64 * 1024];

    Outcome fetch(InetSocketAddress uploadServer, int rfcNumber) throws IOException {
        try (SocketChannel channel = SocketChannel.open()) {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            // A connection per request never lives long enough for the kernel to grow its receive window, so a
            // download would go in small windows, each a wake-up of the reading thread; with a receive buffer as
            // large as the read buffer the peer can put a whole RFC on its way at once.
            channel.setOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER_BYTES);
            channel.connect(uploadServer);
            ByteBuffer request = ByteBuffer.wrap(MessageWriter.encode(
                    new GetRequest(rfcNumber, uploadServer.getAddress().getHostAddress(), Optional.of(OS))));
            while (request.hasRemaining()) {
                channel.write(request);
            }
            MessageReader reader = new MessageReader(channel.socket().getInputStream());
            FileResponse head = reader.readFileResponseHead();
            long received = 0;
            // The reader may have read past the head into the body; those bytes count too.
            InputStream rest = reader.remaining();
            for (int buffered = reader.bufferedBytes(); buffered > 0; buffered = reader.bufferedBytes()) {
                received += rest.read(headOverflow, 0, Math.min(buffered, headOverflow.length));
            }
            for (int read = channel.read(receive); read >= 0; read = channel.read(receive)) {
                received += read;
                receive.clear();
            }
            return new Outcome(head.status(), head.contentLength().orElse(-1), received);
        }
    }
}
