package net.p2pci.peer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The attack of a host that takes a peer's upload slots: from one loopback address it keeps many connections open
 * to the upload port, sends nothing on them, and opens each again shortly after the peer closes it.
 */
final class SilentFlood implements AutoCloseable {
    /** How soon a closed connection is opened again: fast, without making a busy loop of the test's own CPU. */
    private static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);
    private static final Duration CLOSE_DEADLINE = Duration.ofSeconds(20);

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connectionsMade = new AtomicLong();
    private volatile boolean stopped;

    private SilentFlood() {
    }

    static SilentFlood start(String source, int port, int connections) {
        SilentFlood flood = new SilentFlood();
        for (int i = 0; i < connections; i++) {
            flood.threads.submit(() -> flood.holdConnection(source, port));
        }
        return flood;
    }

    /** Connections made so far, counting each one opened again. */
    long connectionsMade() {
        return connectionsMade.get();
    }

    private void holdConnection(String source, int port) {
        while (!stopped) {
            try (Socket socket = new Socket()) {
                open.add(socket);
                if (stopped) {
                    return;
                }
                socket.bind(new InetSocketAddress(source, 0));
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                connectionsMade.incrementAndGet();
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // silent: whatever the peer sends is dropped, until it closes
                }
            } catch (IOException e) {
                // closed by the peer, refused, or stopped: open it again
            } finally {
                open.removeIf(Socket::isClosed);
            }
            try {
                Thread.sleep(RECONNECT_PAUSE);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        for (Socket socket : open) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all that is left to do with it
            }
        }
        threads.shutdownNow();
        if (!threads.awaitTermination(CLOSE_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the flood did not stop");
        }
    }
}
