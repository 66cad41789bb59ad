package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.LogThrottle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's upload server: accepts connections from other peers and serves each, one GET then close, on its own
 * virtual thread by an {@link UploadHandler}, within the {@link UploadLimits}: a connection over the limit on all
 * connections, or on those from one address, is answered 400 and closed at once, so that one host cannot take every
 * slot. A watchdog thread closes every connection that misses its deadline: a request not complete in time, or a
 * transfer the requester stopped reading. Every log line a client causes goes through one {@link ClientCausedLog},
 * whose summaries the watchdog thread writes each second.
 *
 * <p>Thread-safe: one acceptor thread owns the listening socket and is the only one to add to the counts of
 * connections by source; a connection's own thread takes it off when it ends. The set of open connections is
 * concurrent so that the watchdog and {@link #close()}, from any thread, can end them.
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
    /**
     * How often the summaries of throttled log lines are looked for: a summary comes at most this long after its
     * interval ended, even when the flood that caused it has stopped.
     */
    private static final Duration LOG_SUMMARY_PERIOD = Duration.ofSeconds(1);
    private static final int IPV6_ADDRESS_BYTES = 16;
    /** An IPv6 /64, the network one host is usually given. */
    private static final int IPV6_NETWORK_PREFIX_BYTES = 8;
    /**
     * The source of a connection whose remote address cannot be had (it closed at once): all such share one count,
     * under an address no connection comes from.
     */
    private static final InetAddress UNKNOWN_SOURCE = unspecifiedAddress();

    private final ServerSocketChannel listener;
    private final UploadHandler handler;
    private final UploadLimits limits;
    private final ClientCausedLog clientLog;
    private final InetSocketAddress boundAddress;
    /** Why a connection whose request is overdue is cut off, for the log line. */
    private final String requestAwaited;
    private final Set<UploadConnection> connections = ConcurrentHashMap.newKeySet();
    /** Open connections by {@link #sourceOf source}; an address with none has no entry. */
    private final Map<InetAddress, Integer> connectionsBySource = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;
    private final ScheduledExecutorService watchdog;

    private UploadServer(ServerSocketChannel listener, UploadHandler handler, UploadLimits limits,
                         ClientCausedLog clientLog) throws IOException {
        this.listener = listener;
        this.handler = handler;
        this.clientLog = clientLog;
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
        return start(bindAddress, library, os, limits, new LogThrottle());
    }

    /** With the throttle of the log lines that clients cause given, so that a test can set its clock. */
    static UploadServer start(InetSocketAddress bindAddress, RfcLibrary library, String os, UploadLimits limits,
                              LogThrottle logThrottle) throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(limits, "limits");
        ClientCausedLog clientLog = new ClientCausedLog(logThrottle);
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(bindAddress);
            UploadServer server = new UploadServer(listener, new UploadHandler(library, os, limits, clientLog), limits,
                    clientLog);
            server.acceptor.start();
            long periodMillis = watchdogPeriod(limits).toMillis();
            server.watchdog.scheduleWithFixedDelay(server::cutOffOverdueConnections, periodMillis, periodMillis,
                    TimeUnit.MILLISECONDS);
            server.watchdog.scheduleWithFixedDelay(server::flushLogSummaries, LOG_SUMMARY_PERIOD.toMillis(),
                    LOG_SUMMARY_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
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
                // Often caused by clients too: a flood of connections runs the process out of file descriptors.
                clientLog.log(LOG, Level.WARN, "accept failed", "the listening socket",
                        "Upload server on port {} could not accept a connection: {}", port(), e.toString());
                pauseAfterAcceptFailure();
                continue;
            }
            InetAddress source = sourceOf(channel);
            if (connections.size() >= limits.maxConcurrentUploads()) {
                clientLog.log(LOG, Level.WARN, "upload server busy", source.getHostAddress(),
                        "Upload server busy ({} connections): refused one from {} with 400",
                        limits.maxConcurrentUploads(), UploadConnection.describe(channel));
                handler.refuse(channel, source.getHostAddress());
                continue;
            }
            // Only this thread adds to the counts, so the one read here is still true when it adds.
            if (connectionsBySource.getOrDefault(source, 0) >= limits.maxUploadsPerAddress()) {
                clientLog.log(LOG, Level.WARN, "address at its cap", source.getHostAddress(),
                        "Upload server: {} connections from {} already, the most from one address: refused one"
                        + " from {} with 400", limits.maxUploadsPerAddress(), source.getHostAddress(),
                        UploadConnection.describe(channel));
                handler.refuse(channel, source.getHostAddress());
                continue;
            }
            connectionsBySource.merge(source, 1, Integer::sum);
            UploadConnection connection = new UploadConnection(channel, source);
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
                    connectionsBySource.computeIfPresent(source, (address, count) -> count == 1 ? null : count - 1);
                }
            });
        }
    }

    /**
     * The address a connection counts against: the requester's; for IPv6 its /64 network, since one host is
     * commonly given a whole /64 and could otherwise open connections from as many addresses as it liked.
     */
    static InetAddress sourceOf(SocketChannel channel) {
        InetAddress address;
        try {
            address = channel.getRemoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
        } catch (IOException e) {
            address = null;
        }
        if (address == null) {
            return UNKNOWN_SOURCE;
        }
        if (address instanceof Inet6Address) {
            byte[] network = Arrays.copyOf(address.getAddress(), IPV6_ADDRESS_BYTES);
            Arrays.fill(network, IPV6_NETWORK_PREFIX_BYTES, IPV6_ADDRESS_BYTES, (byte) 0);
            try {
                return InetAddress.getByAddress(network);
            } catch (UnknownHostException e) {
                throw new IllegalStateException("sixteen bytes are always an IPv6 address", e);
            }
        }
        return address;
    }

    private static InetAddress unspecifiedAddress() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }

    private void flushLogSummaries() {
        try {
            clientLog.flush();
        } catch (RuntimeException e) {
            LOG.error("Logging the summaries of throttled lines failed", e); // and the next round tries again
        }
    }

    /** The watchdog's round: closes every connection past its deadline, which ends its handler's blocked I/O. */
    private void cutOffOverdueConnections() {
        long now = System.nanoTime();
        for (UploadConnection connection : connections) {
            if (connection.isOverdue(now) && !connection.wasCutOff()) {
                clientLog.log(LOG, Level.INFO, "connection cut off", connection.source().getHostAddress(),
                        "Closed the upload connection from {}: {}", connection.requester(), connection.awaited());
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
