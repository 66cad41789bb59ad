package net.p2pci.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;

/**
 * One benchmark peer's connection to the index server: a request goes out in one write, and its answer is read
 * and parsed before the next one is sent (no pipelining). Confined to the thread that drives it.
 *
 * <p>An answer that takes longer than its timeout ({@link #READ_TIMEOUT} unless the connection was opened with
 * another) is cut off by one watchdog thread for all
 * connections, not by a socket read timeout: a virtual thread's timed read arms and cancels a timer on every
 * read, and the profile of the load generator at 64 connections had 8 % of its samples in that timer queue.
 */
final class IndexConnection implements AutoCloseable {
    /** No answer on loopback takes this long; past it the request counts as a timeout instead of stalling a run. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(250);
    private static final Set<IndexConnection> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("index-connection-watchdog").start(IndexConnection::watch);
    }

    private final Socket socket;
    private final OutputStream out;
    private final MessageReader reader;
    private final Duration answerTimeout;
    /** When the exchange under way began (System.nanoTime()), or 0 between exchanges. */
    private volatile long exchangeStarted;
    private volatile boolean timedOut;

    private IndexConnection(Socket socket, Duration answerTimeout) throws IOException {
        this.socket = socket;
        this.answerTimeout = answerTimeout;
        this.out = socket.getOutputStream();
        this.reader = new MessageReader(socket.getInputStream());
    }

    /**
     * Connects to the index server, from {@code localAddress} when it is not null (a 127.0.0.x address, so that
     * many connections do not share one address's ephemeral ports).
     */
    static IndexConnection open(InetSocketAddress server, InetAddress localAddress) throws IOException {
        return open(server, localAddress, READ_TIMEOUT);
    }

    /** As the other {@code open}, cutting off any answer that takes longer than {@code answerTimeout}. */
    static IndexConnection open(InetSocketAddress server, InetAddress localAddress, Duration answerTimeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(server, (int) READ_TIMEOUT.toMillis());
            IndexConnection connection = new IndexConnection(socket, answerTimeout);
            OPEN.add(connection);
            return connection;
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
        exchangeStarted = System.nanoTime();
        try {
            out.write(encodedRequest);
            return reader.readIndexResponse();
        } catch (IOException e) {
            if (timedOut) {
                throw new SocketTimeoutException("no answer within " + answerTimeout.toSeconds() + " s");
            }
            throw e;
        } finally {
            exchangeStarted = 0;
        }
    }

    @Override
    public void close() throws IOException {
        OPEN.remove(this);
        socket.close();
    }

    /** The watchdog: closes the socket of every exchange that has waited longer than its connection's timeout. */
    private static void watch() {
        while (true) {
            long now = System.nanoTime();
            for (IndexConnection connection : OPEN) {
                long started = connection.exchangeStarted;
                if (started != 0 && now - started > connection.answerTimeout.toNanos()) {
                    connection.timedOut = true;
                    try {
                        connection.close();
                    } catch (IOException e) {
                        // Closing is all the watchdog can do; the exchange fails either way.
                    }
                }
            }
            try {
                Thread.sleep(WATCHDOG_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
