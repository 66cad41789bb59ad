package net.p2pci.peer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.ExtensionRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;

/**
 * An index server or an upload server of another implementation, played by a test on loopback: it reads our peer's
 * requests (which are standard, so the protocol's reader reads them: P2S requests, or GET) and answers each with the
 * bytes a {@link Dialect} chooses, in the pieces it chooses, on every connection the peer opens; after an answer
 * that does not close, it waits for the next request, holding the connection open until the peer closes it. The
 * dialects reproduce the rows of docs/INTEROP.md.
 */
final class DeviantServer implements AutoCloseable {
    /** A pause between the pieces of an answer written in several writes: what a line-by-line writer produces. */
    static final Duration PAUSE_BETWEEN_PIECES = Duration.ofMillis(30);

    /** How the other implementation answers. */
    interface Dialect {
        /** The answer to {@code request}: pieces written one by one; an empty answer is no answer at all. */
        Answer answer(Request request);
    }

    /** Bytes to write as separate pieces, and whether the connection {@code closes} after them. */
    record Answer(List<byte[]> pieces, boolean closes) {
        /** One write of this text's UTF-8 bytes. */
        static Answer of(String text) {
            return new Answer(List.of(text.getBytes(StandardCharsets.UTF_8)), false);
        }

        /** One write per piece of text. */
        static Answer inPieces(String... pieces) {
            return new Answer(List.of(pieces).stream().map(piece -> piece.getBytes(StandardCharsets.UTF_8)).toList(),
                    false);
        }

        static Answer bytes(byte[] bytes) {
            return new Answer(List.of(bytes), false);
        }

        /** One write per piece of bytes. */
        static Answer bytesInPieces(byte[]... pieces) {
            return new Answer(List.of(pieces), false);
        }

        static Answer none() {
            return new Answer(List.of(), false);
        }

        Answer thenClose() {
            return new Answer(pieces, true);
        }
    }

    /**
     * A server that knows only the standard requests: an extension is answered 400, as its reader would refuse it;
     * an ADD is echoed, and LOOKUP and LIST are answered with {@code listed}.
     */
    static Dialect standardOnly(List<RfcRecord> listed) {
        return request -> {
            IndexResponse response = switch (request) {
                case ExtensionRequest extension -> IndexResponse.of(Status.BAD_REQUEST_400);
                case AddRequest add -> IndexResponse.ok(List.of(new RfcRecord(add.rfcNumber(), add.title(),
                        add.host(), add.port())));
                default -> IndexResponse.ok(listed);
            };
            return Answer.bytes(MessageWriter.encode(response));
        };
    }

    private final ServerSocket listener;
    private final Dialect dialect;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    DeviantServer(Dialect dialect) throws IOException {
        this.dialect = dialect;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("deviant-server").start(this::acceptConnections);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How many connections the peer has opened to it so far. */
    int connectionsAccepted() {
        return connections.size();
    }

    /** Every request read so far, in order. */
    List<Request> received() {
        return List.copyOf(received);
    }

    private void acceptConnections() {
        while (!listener.isClosed()) {
            try {
                Socket connection = listener.accept();
                connections.add(connection);
                Thread.ofVirtual().name("deviant-server-connection").start(() -> serve(connection));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            MessageReader reader = new MessageReader(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                Optional<Request> request = reader.readRequest();
                if (request.isEmpty()) {
                    return;
                }
                received.add(request.get());
                Answer answer = dialect.answer(request.get());
                for (int i = 0; i < answer.pieces().size(); i++) {
                    if (i > 0) {
                        Thread.sleep(PAUSE_BETWEEN_PIECES); // how a writer that sends line by line paces them
                    }
                    out.write(answer.pieces().get(i));
                    out.flush();
                }
                if (answer.closes()) {
                    return;
                }
            }
        } catch (Exception e) {
            // The peer went away, or the test closed this server: either ends the connection.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket connection : connections) {
            connection.close();
        }
    }
}
