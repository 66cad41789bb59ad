package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.peer.library.RfcLibrary;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's upload server: accepts connections from other peers and serves each, one GET then close, on its own
 * virtual thread by an {@link UploadHandler}, within the {@link UploadLimits}. A watchdog thread closes every
 * connection that misses its deadline: a request not complete in time, or a transfer the requester stopped reading.
 *
 * <p>Thread-safe: one acceptor thread owns the listening socket; the set of open connections is concurrent so that
 * the watchdog and {@link #close()}, from any thread, can end them.
 */
public final class UploadServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(UploadServer.class);

    /** Pause after a failed accept (e.g. out of file descriptors), so that the acceptor does not spin. */
    private static final long ACCEPT_FAILURE_BACKOFF_MILLIS = 100;
    /** How long close() waits for the acceptor to notice; it only has to return from accept(). */
    private static final long ACCEPTOR_JOIN_MILLIS = 2_000;
    /** The watchdog looks this many times per shortest timeout, so that a connection is cut at most that much late. */
    private static final int WATCHDOG_CHECKS_PER_TIMEOUT = 4;
    /** However long the timeouts, the watchdog looks at least this often: a few hundred deadlines are cheap. */
    private static final Duration WATCHDOG_MAX_PERIOD = Duration.ofSeconds(1);

    private final ServerSocketChannel listener;
    private final UploadHandler handler;
    private final UploadLimits limits;
    private final InetSocketAddress boundAddress;
    /** Why a connection whose request is overdue is cut off, for the log line. */
    private final String requestAwaited;
    private final Set<UploadConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;
    private final ScheduledExecutorService watchdog;

    private UploadServer(ServerSocketChannel listener, UploadHandler handler, UploadLimits limits)
            throws IOException {
        this.listener = listener;
        this.handler = handler;
        this.limits = limits;
        this.boundAddress = (InetSocketAddress) listener.getLocalAddress();
        this.requestAwaited = "no complete request within " + limits.requestTimeout().toMillis() + " ms";
        this.acceptor = Thread.ofPlatform().name("upload-acceptor-" + boundAddress.getPort()).daemon()
                .unstarted(this::acceptConnections);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("upload-watchdog-" + boundAddress.getPort()).daemon().factory());
    }

    /**
     * Listens on {@code bindAddress} (port 0 for any free port) and starts serving the files of {@code library},
     * within the default limits.
     *
     * @param os the value of the OS header in every response
     */
    public static UploadServer start(InetSocketAddress bindAddress, RfcLibrary library, String os) throws IOException {
        return start(bindAddress, library, os, UploadLimits.DEFAULT);
    }

    public static UploadServer start(InetSocketAddress bindAddress, RfcLibrary library, String os,
                                     UploadLimits limits) throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(limits, "limits");
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(bindAddress);
            UploadServer server = new UploadServer(listener, new UploadHandler(library, os, limits), limits);
            server.acceptor.start();
            long periodMillis = watchdogPeriod(limits).toMillis();
            server.watchdog.scheduleWithFixedDelay(server::cutOffOverdueConnections, periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
            LOG.debug("Upload server listening on {}", server.boundAddress);
            return server;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    private static Duration watchdogPeriod(UploadLimits limits) {
        Duration shortest = limits.requestTimeout().compareTo(limits.stallTimeout()) < 0 ? limits.requestTimeout()
                : limits.stallTimeout();
        Duration period = shortest.dividedBy(WATCHDOG_CHECKS_PER_TIMEOUT);
        return period.compareTo(WATCHDOG_MAX_PERIOD) > 0 ? WATCHDOG_MAX_PERIOD
                : period.toMillis() < 1 ? Duration.ofMillis(1) : period;
    }

    /** The port other peers connect to. */
    public int port() {
        return boundAddress.getPort();
    }

    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    /** How many connections are being served now. */
    public int openConnections() {
        return connections.size();
    }

    private void acceptConnections() {
        while (!closed.get()) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close() was called
            } catch (IOException e) {
                LOG.warn("Upload server on port {} could not accept a connection: {}", port(), e.toString());
                pauseAfterAcceptFailure();
                continue;
            }
            if (connections.size() >= limits.maxConcurrentUploads()) {
                LOG.warn("Upload server busy ({} connections): closing a new one unserved",
                        limits.maxConcurrentUploads());
                closeQuietly(channel);
                continue;
            }
            UploadConnection connection = new UploadConnection(channel);
            connection.expectProgressWithin(limits.requestTimeout(), requestAwaited);
            connections.add(connection);
            if (closed.get()) {
                connection.close(); // close() may have swept the set just before this connection joined it
            }
            Thread.ofVirtual().name("upload-" + port()).start(() -> {
                try {
                    handler.handle(connection);
                } finally {
                    connections.remove(connection);
                }
            });
        }
    }

    /** The watchdog's round: closes every connection past its deadline, which ends its handler's blocked I/O. */
    private void cutOffOverdueConnections() {
        long now = System.nanoTime();
        for (UploadConnection connection : connections) {
            if (connection.isOverdue(now) && !connection.wasCutOff()) {
                LOG.info("Closed the upload connection from {}: {}", connection.requester(), connection.awaited());
                connection.cutOff();
            }
        }
    }

    private static void pauseAfterAcceptFailure() {
        try {
            Thread.sleep(ACCEPT_FAILURE_BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and ends every transfer in progress; their requesters see a short body and discard it. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(listener);
        watchdog.shutdownNow();
        connections.forEach(UploadConnection::close);
        try {
            acceptor.join(ACCEPTOR_JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.debug("Upload server on port {} stopped", port());
    }

    private static void closeQuietly(Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that is left to do with it.
        }
    }
}
