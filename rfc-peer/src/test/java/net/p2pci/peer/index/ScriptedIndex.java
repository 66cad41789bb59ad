package net.p2pci.peer.index;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;

/**
 * An index server played by a test over a real loopback socket: it reads each request with the protocol's reader
 * and answers with what the test's function returns, written by the protocol's writer.
 */
final class ScriptedIndex implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread script;
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private volatile Socket connection;

    ScriptedIndex(Function<Request, IndexResponse> answers) throws IOException {
        this(answers, Integer.MAX_VALUE);
    }

    /** Closes the connection right after its {@code answersBeforeClosing}th answer, as a refusing server does. */
    ScriptedIndex(Function<Request, IndexResponse> answers, int answersBeforeClosing) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        script = Thread.ofVirtual().name("scripted-index").start(() -> serve(answers, answersBeforeClosing));
    }

    HostAndPort address() {
        return new HostAndPort("127.0.0.1", listener.getLocalPort());
    }

    /** Every request read so far, in order. */
    List<Request> received() {
        return List.copyOf(received);
    }

    /** Drops the peer's connection, as a crashing server would. */
    void disconnect() throws IOException {
        Socket open = connection;
        if (open != null) {
            open.close();
        }
    }

    private void serve(Function<Request, IndexResponse> answers, int answersBeforeClosing) {
        try (Socket accepted = listener.accept()) {
            connection = accepted;
            MessageReader reader = new MessageReader(accepted.getInputStream());
            OutputStream out = accepted.getOutputStream();
            int answered = 0;
            for (Optional<Request> request = reader.readRequest(); request.isPresent(); request = reader.readRequest()) {
                received.add(request.get());
                out.write(MessageWriter.encode(answers.apply(request.get())));
                out.flush();
                if (++answered == answersBeforeClosing) {
                    return;
                }
            }
        } catch (Exception e) {
            // The peer or the test ended the connection: the script is over.
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        disconnect();
        if (!script.join(Duration.ofSeconds(10))) {
            throw new IllegalStateException("the scripted index did not finish");
        }
    }
}
