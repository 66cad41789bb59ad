package net.p2pci.peer.index;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's one connection to the index server. The open connection is the peer's registration: when it closes,
 * the server forgets every record of this peer.
 *
 * <p>Thread-safe: a lock lets one request at a time write and read its answer, so that answers pair with requests
 * whichever thread asks. {@link #close()} does not take the lock, so that it can end a request that is waiting.
 * After any failure the connection is closed for good, because the stream may be out of step.
 */
public final class IndexClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(IndexClient.class);

    /** An index server accepts at once; a wrong address or a dead server must fail fast with a clear error. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The server answers in milliseconds; this long without a byte means it is hung or the network is. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);

    private final Socket socket;
    private final OutputStream out;
    private final MessageReader reader;
    private final HostAndPort server;
    private final String host;
    private final int uploadPort;
    private final ReentrantLock lock = new ReentrantLock();
    /** Why the connection can no longer be used; null while it can. */
    private volatile String closedReason;

    private IndexClient(Socket socket, HostAndPort server, String host, int uploadPort) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.reader = new MessageReader(socket.getInputStream());
        this.server = server;
        this.host = host;
        this.uploadPort = uploadPort;
    }

    /**
     * Connects to the index server. Nothing is sent yet: the first request registers the peer.
     *
     * @param advertisedHost the host other peers should download from; by default the local address of this
     *                       connection, which the server (and so, usually, every peer) can reach
     * @param uploadPort     the port of this peer's upload server, sent with every request
     */
    public static IndexClient connect(HostAndPort server, Optional<String> advertisedHost, int uploadPort)
            throws IOException {
        Objects.requireNonNull(server, "server");
        advertisedHost.ifPresent(name -> {
            if (!WireText.isToken(name)) {
                throw new IllegalArgumentException("host name must be one word: " + WireText.forLog(name));
            }
        });
        if (!WireText.isPort(uploadPort)) {
            throw new IllegalArgumentException("upload port out of range 1-65535: " + uploadPort);
        }
        Socket socket = new Socket();
        try {
            socket.connect(server.resolve(), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) RESPONSE_TIMEOUT.toMillis());
            socket.setKeepAlive(true);
            socket.setTcpNoDelay(true);
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            HostAndPort connected = new HostAndPort(remote.getAddress().getHostAddress(), remote.getPort());
            String host = advertisedHost.orElseGet(() -> socket.getLocalAddress().getHostAddress());
            LOG.debug("Connected to the index server {} as {}:{}", connected, host, uploadPort);
            return new IndexClient(socket, connected, host, uploadPort);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** The index server's address, as connected. */
    public HostAndPort server() {
        return server;
    }

    /** The host this peer registers under, and other peers download from. */
    public String host() {
        return host;
    }

    public int uploadPort() {
        return uploadPort;
    }

    /** This peer as it appears in the index's records. */
    public HostAndPort self() {
        return new HostAndPort(host, uploadPort);
    }

    public IndexExchange add(int rfcNumber, String title) throws IOException {
        return exchange(new AddRequest(rfcNumber, host, uploadPort, title));
    }

    public IndexExchange lookup(int rfcNumber, Optional<String> title) throws IOException {
        return exchange(new LookupRequest(rfcNumber, host, uploadPort, title));
    }

    public IndexExchange list() throws IOException {
        return exchange(new ListRequest(host, uploadPort));
    }

    /** Sends the request in one write, as the protocol asks, and reads its answer. */
    private IndexExchange exchange(IndexRequest request) throws IOException {
        lock.lock();
        try {
            String reason = closedReason;
            if (reason != null) {
                throw new IOException("not connected to the index server (" + reason + ")");
            }
            try {
                out.write(MessageWriter.encode(request));
                out.flush();
                IndexResponse response = reader.readIndexResponse();
                return new IndexExchange(request, response);
            } catch (IOException e) {
                String cause = closedReason != null ? closedReason : "connection lost: " + describe(e);
                closeBecause(cause);
                throw new IOException("index server " + server + ": " + cause, e);
            }
        } finally {
            lock.unlock();
        }
    }

    private static String describe(IOException failure) {
        return switch (failure) {
            case EOFException e -> "the server closed the connection";
            case SocketTimeoutException e -> "no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s";
            default -> Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
        };
    }

    /** Whether requests can still be sent. */
    public boolean isOpen() {
        return closedReason == null;
    }

    /** Closes the connection, and with it this peer's registration: the server removes all its records. */
    @Override
    public void close() {
        closeBecause("the peer closed the connection");
    }

    private void closeBecause(String reason) {
        if (closedReason == null) {
            closedReason = reason;
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the index connection: {}", e.toString());
        }
    }
}
