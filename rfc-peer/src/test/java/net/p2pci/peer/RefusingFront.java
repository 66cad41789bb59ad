package net.p2pci.peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.p2pci.protocol.MessageReader;

/**
 * An index server at its connection limit, in front of a real one: it answers the first request of each of its first
 * connections as a server refusing a connection does, {@code P2P-CI/1.0 400 Bad Request} and an empty record list,
 * and closes; every later connection it relays, byte for byte, to the real server behind it.
 */
public final class RefusingFront implements AutoCloseable {
    /** What the index server answers to the first request of a connection it refuses at its limit, then closes. */
    public static final byte[] REFUSAL = "P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final int backendPort;
    private final int refusals;
    private final AtomicInteger refused = new AtomicInteger();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** Refuses the first {@code refusals} connections, then relays to the index server on {@code backendPort}. */
    public RefusingFront(int backendPort, int refusals) throws IOException {
        this(0, backendPort, refusals);
    }

    /** As {@link #RefusingFront(int, int)}, listening on {@code port}, where the index server was before. */
    public RefusingFront(int port, int backendPort, int refusals) throws IOException {
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        this.backendPort = backendPort;
        this.refusals = refusals;
        threads.submit(this::acceptConnections);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections refused so far. */
    public int refused() {
        return refused.get();
    }

    private void acceptConnections() {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                return; // closed by the test
            }
            if (refused.get() < refusals) {
                threads.submit(() -> refuse(connection));
            } else {
                threads.submit(() -> relay(connection));
            }
        }
    }

    private void refuse(Socket connection) {
        try (connection) {
            new MessageReader(connection.getInputStream()).readRequest();
            connection.getOutputStream().write(REFUSAL);
            connection.getOutputStream().flush();
            refused.incrementAndGet();
        } catch (Exception e) {
            // the peer went away first
        }
    }

    private void relay(Socket connection) {
        try (connection; Socket backend = new Socket(InetAddress.getLoopbackAddress(), backendPort)) {
            threads.submit(() -> copy(backend.getInputStream(), connection.getOutputStream(), connection));
            copy(connection.getInputStream(), backend.getOutputStream(), backend);
        } catch (IOException e) {
            // either side went away
        }
    }

    /** Copies until the end of {@code from}, then closes {@code to}'s socket so that the other direction ends too. */
    private static Void copy(InputStream from, OutputStream to, Socket toSocket) {
        try (toSocket) {
            from.transferTo(to);
        } catch (IOException e) {
            // either side went away
        }
        return null;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        listener.close();
        threads.shutdownNow();
        if (!threads.awaitTermination(CLOSE_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the refusing front did not stop");
        }
    }
}
