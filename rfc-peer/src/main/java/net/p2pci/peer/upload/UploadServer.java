package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.peer.library.RfcLibrary;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's upload server: accepts connections from other peers and serves each, one GET then close, on its own
 * virtual thread by an {@link UploadHandler}.
 *
 * <p>Thread-safe: one acceptor thread owns the listening socket; the set of open connections is concurrent so that
 * {@link #close()}, from any thread, can end them all.
 */
public final class UploadServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(UploadServer.class);

    /** Each upload holds a socket and an open file; past this many at once, new connections are closed unserved. */
    public static final int MAX_CONCURRENT_UPLOADS = 256;
    /** Pause after a failed accept (e.g. out of file descriptors), so that the acceptor does not spin. */
    private static final long ACCEPT_FAILURE_BACKOFF_MILLIS = 100;
    /** How long close() waits for the acceptor to notice; it only has to return from accept(). */
    private static final long ACCEPTOR_JOIN_MILLIS = 2_000;

    private final ServerSocketChannel listener;
    private final UploadHandler handler;
    private final InetSocketAddress boundAddress;
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;

    private UploadServer(ServerSocketChannel listener, UploadHandler handler) throws IOException {
        this.listener = listener;
        this.handler = handler;
        this.boundAddress = (InetSocketAddress) listener.getLocalAddress();
        this.acceptor = Thread.ofPlatform().name("upload-acceptor-" + boundAddress.getPort()).daemon()
                .unstarted(this::acceptConnections);
    }

    /**
     * Listens on {@code bindAddress} (port 0 for any free port) and starts serving the files of {@code library}.
     *
     * @param os the value of the OS header in every response
     */
    public static UploadServer start(InetSocketAddress bindAddress, RfcLibrary library, String os) throws IOException {
        Objects.requireNonNull(bindAddress, "bindAddress");
        ServerSocketChannel listener = ServerSocketChannel.open();
        try {
            listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listener.bind(bindAddress);
            UploadServer server = new UploadServer(listener, new UploadHandler(library, os));
            server.acceptor.start();
            LOG.debug("Upload server listening on {}", server.boundAddress);
            return server;
        } catch (IOException | RuntimeException e) {
            listener.close();
            throw e;
        }
    }

    /** The port other peers connect to. */
    public int port() {
        return boundAddress.getPort();
    }

    public InetSocketAddress boundAddress() {
        return boundAddress;
    }

    private void acceptConnections() {
        while (!closed.get()) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                return; // close() was called
            } catch (IOException e) {
                LOG.warn("Upload server on port {} could not accept a connection: {}", port(), e.toString());
                pauseAfterAcceptFailure();
                continue;
            }
            if (connections.size() >= MAX_CONCURRENT_UPLOADS) {
                LOG.warn("Upload server busy ({} connections): closing a new one unserved", MAX_CONCURRENT_UPLOADS);
                closeQuietly(connection);
                continue;
            }
            connections.add(connection);
            if (closed.get()) {
                closeQuietly(connection); // close() may have swept the set just before this connection joined it
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
        connections.forEach(UploadServer::closeQuietly);
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
