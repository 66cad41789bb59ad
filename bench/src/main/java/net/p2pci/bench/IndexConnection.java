package net.p2pci.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;

/**
 * One benchmark peer's connection to the index server: a request goes out in one write, and its answer is read
 * and parsed before the next one is sent (no pipelining). Confined to the thread that drives it.
 */
final class IndexConnection implements AutoCloseable {
    /** No answer on loopback takes this long; past it the request counts as a timeout instead of stalling a run. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final OutputStream out;
    private final MessageReader reader;

    private IndexConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = new MessageReader(socket.getInputStream());
    }

    /**
     * Connects to the index server, from {@code localAddress} when it is not null (a 127.0.0.x address, so that
     * many connections do not share one address's ephemeral ports).
     */
    static IndexConnection open(InetSocketAddress server, InetAddress localAddress) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(server, (int) READ_TIMEOUT.toMillis());
            return new IndexConnection(socket);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    IndexResponse exchange(IndexRequest request) throws IOException {
        return exchange(MessageWriter.encode(request));
    }

    /** Sends a request encoded beforehand (by {@link MessageWriter}) and reads its answer. */
    IndexResponse exchange(byte[] encodedRequest) throws IOException {
        out.write(encodedRequest);
        return reader.readIndexResponse();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
