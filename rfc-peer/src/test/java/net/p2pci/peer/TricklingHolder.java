package net.p2pci.peer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.RequestException;

/**
 * A holder that answers every GET with 200 and a large Content-Length, then sends the body a byte at a time, each
 * byte well within any read timeout, until the downloader hangs up: the attack of a holder that ties downloads up.
 * It records how long each downloader stayed.
 */
final class TricklingHolder implements AutoCloseable {
    /** The body it announces, larger than it will ever send. */
    static final long ANNOUNCED_BYTES = 100_000;
    private static final Duration TRICKLE_INTERVAL = Duration.ofMillis(500);
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final Thread acceptor;
    private final List<Thread> connections = new CopyOnWriteArrayList<>();
    private final List<Duration> heldFor = new CopyOnWriteArrayList<>();

    TricklingHolder() throws IOException {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("trickling-holder").start(this::acceptConnections);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** How long each downloader that hung up stayed, from its connection to its hanging up. */
    List<Duration> heldFor() {
        return List.copyOf(heldFor);
    }

    private void acceptConnections() {
        while (true) {
            Socket connection;
            try {
                connection = listener.accept();
            } catch (IOException e) {
                return; // closed by the test
            }
            connections.add(Thread.ofVirtual().start(() -> trickle(connection)));
        }
    }

    private void trickle(Socket connection) {
        long accepted = System.nanoTime();
        try (connection) {
            new MessageReader(connection.getInputStream()).readRequest();
            OutputStream out = connection.getOutputStream();
            out.write(MessageWriter.encode(FileResponse.ok(Instant.now(), "Trickler", Instant.now(),
                    ANNOUNCED_BYTES)));
            while (true) {
                out.write('x'); // fails once the downloader has hung up
                out.flush();
                Thread.sleep(TRICKLE_INTERVAL); // the holder's pace, which is the attack
            }
        } catch (IOException e) {
            heldFor.add(Duration.ofNanos(System.nanoTime() - accepted));
        } catch (RequestException | InterruptedException e) {
            // not a GET, or closed by the test
        }
    }

    Optional<Duration> longestHold() {
        return heldFor.stream().max(Duration::compareTo);
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(CLOSE_DEADLINE);
        for (Thread connection : connections) {
            connection.interrupt();
            connection.join(CLOSE_DEADLINE);
        }
    }
}
