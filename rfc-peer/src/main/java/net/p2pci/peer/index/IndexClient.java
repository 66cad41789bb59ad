package net.p2pci.peer.index;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import jdk.net.ExtendedSocketOptions;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.ResponseFormatException;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's one connection to the index server. The open connection is the peer's registration: when it closes,
 * the server forgets every record of this peer.
 *
 * <p>Thread-safe: requests are written one at a time under a lock, and each one's answer slot joins a queue in the
 * same order; one receiver thread reads every answer and hands it to the oldest slot. The server answers in order, so
 * answers pair with requests whichever thread asks. Because the receiver is always reading, it also sees the server
 * go away while the peer is idle, and {@link #awaitClosed()} tells whoever waits for that. {@link #close()} takes no
 * lock, so that it can end a request that is waiting. After any failure the connection is closed for good, because
 * the stream may be out of step.
 */
public final class IndexClient implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(IndexClient.class);

    /** An index server accepts at once; a wrong address or a dead server must fail fast with a clear error. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The server answers in milliseconds; this long without its answer means it is hung or the network is. */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /**
     * TCP keepalive timing, as the server's default: an idle connection to a server that vanished without a FIN or
     * RST (power loss, a cable pulled) is found dead within 30 s + 4 x 5 s, not after the system's two hours.
     */
    static final Duration KEEPALIVE_IDLE = Duration.ofSeconds(30);
    /**
     * A server that refuses a connection (at its connection limit, say) answers the first request with an error and
     * closes at once, so the close arrives with the answer or a moment after. A close this soon after an error answer
     * to the first request is read as that refusal; anything later is an ordinary lost connection.
     */
    public static final Duration REFUSAL_CLOSE_GRACE = Duration.ofSeconds(1);
    static final Duration KEEPALIVE_INTERVAL = Duration.ofSeconds(5);
    static final int KEEPALIVE_PROBES = 4;

    private final Socket socket;
    private final OutputStream out;
    private final HostAndPort server;
    private final String host;
    private final int uploadPort;
    private final ReentrantLock sendLock = new ReentrantLock();
    /** The answer slots of requests sent and not yet answered, oldest first. */
    private final Queue<CompletableFuture<IndexResponse>> awaitingAnswers = new ConcurrentLinkedQueue<>();
    /** Completed, with the reason, when the connection closes for whatever cause; the first reason stays. */
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    /** Requests sent so far; guarded by the send lock. */
    private long requestsSent;
    /** Set when the server closed the connection as a refusal of it (see {@link #REFUSAL_CLOSE_GRACE}). */
    private volatile boolean refused;

    private IndexClient(Socket socket, HostAndPort server, String host, int uploadPort) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
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
            if (!WireText.isHost(name)) {
                throw new IllegalArgumentException("host name must be one word of at most " + WireText.MAX_HOST_CHARS
                        + " characters: " + WireText.forLog(name));
            }
        });
        if (!WireText.isPort(uploadPort)) {
            throw new IllegalArgumentException("upload port out of range 1-65535: " + uploadPort);
        }
        Socket socket = new Socket();
        try {
            socket.connect(server.resolve(), (int) CONNECT_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            enableKeepAlive(socket);
            InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
            HostAndPort connected = new HostAndPort(remote.getAddress().getHostAddress(), remote.getPort());
            String host = advertisedHost.orElseGet(() -> socket.getLocalAddress().getHostAddress());
            LOG.debug("Connected to the index server {} as {}:{}", connected, host, uploadPort);
            IndexClient client = new IndexClient(socket, connected, host, uploadPort);
            MessageReader reader = new MessageReader(socket.getInputStream());
            Thread.ofVirtual().name("index-receiver-" + connected).start(() -> client.receiveAnswers(reader));
            return client;
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

    /**
     * Sends ADD without waiting for its answer, so that many can be on their way at once; the server answers them in
     * the order sent (the protocol allows such pipelining). {@link Pending#await()} waits for this one's answer.
     */
    public Pending sendAdd(int rfcNumber, String title) throws IOException {
        return send(new AddRequest(rfcNumber, host, uploadPort, title));
    }

    /** A request sent whose answer is still to come. */
    public final class Pending {
        private final IndexRequest request;
        private final CompletableFuture<IndexResponse> answer;
        private final boolean first;

        private Pending(IndexRequest request, CompletableFuture<IndexResponse> answer, boolean first) {
            this.request = request;
            this.answer = answer;
            this.first = first;
        }

        /**
         * Waits for the answer; fails at once when the connection is lost. An error answer (404 aside, which a LOOKUP
         * gets in the normal course) to the connection's first request that the server follows with a close is the
         * server refusing the connection, not the request: that fails too, saying so, once the close has come or
         * {@link #REFUSAL_CLOSE_GRACE} has passed without it.
         */
        public IndexExchange await() throws IOException {
            IndexResponse response = awaitAnswer(answer);
            if (first && isRefusal(response.status()) && closesWithin(REFUSAL_CLOSE_GRACE) && refused) {
                throw failure(null);
            }
            return new IndexExchange(request, response);
        }
    }

    /** Waits up to {@code grace} for the connection to close; true if it did. */
    private boolean closesWithin(Duration grace) throws IOException {
        try {
            closed.get(grace.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close reason is never an exception", e);
        } catch (InterruptedException e) {
            throw interruptedWaiting(e);
        }
    }

    /** A status a server refusing a connection may answer with: an error, and not 404, a normal LOOKUP answer. */
    private static boolean isRefusal(Status status) {
        return status != Status.OK_200 && status != Status.NOT_FOUND_404;
    }

    /** Whether the server refused this connection: it closed it at once after an error answer to its first request. */
    public boolean wasRefused() {
        return refused;
    }

    /** Sends the request in one write, as the protocol asks, and waits for its answer. */
    private IndexExchange exchange(IndexRequest request) throws IOException {
        return send(request).await();
    }

    /** Sends the request in one write, as the protocol asks, with a slot for its answer queued before it. */
    private Pending send(IndexRequest request) throws IOException {
        CompletableFuture<IndexResponse> answer = new CompletableFuture<>();
        sendLock.lock();
        try {
            String reason = closed.getNow(null);
            if (reason != null) {
                throw new IOException("not connected to the index server (" + reason + ")");
            }
            awaitingAnswers.add(answer); // before the write, so that the receiver finds the slot for the answer
            try {
                out.write(MessageWriter.encode(request));
                out.flush();
            } catch (IOException e) {
                closeBecause("connection lost: " + describe(e));
                throw failure(e);
            }
            requestsSent++;
            return new Pending(request, answer, requestsSent == 1);
        } finally {
            sendLock.unlock();
        }
    }

    private IndexResponse awaitAnswer(CompletableFuture<IndexResponse> answer) throws IOException {
        try {
            return answer.get(RESPONSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            closeBecause("no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s");
            throw failure(e);
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        } catch (InterruptedException e) {
            // The slot stays queued, so the answer still goes to it when it comes and later answers stay paired.
            throw interruptedWaiting(e);
        }
    }

    /** Keeps the interrupt for the caller and says what was interrupted. */
    private static InterruptedIOException interruptedWaiting(InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException interrupted = new InterruptedIOException("interrupted while waiting for the index"
                + " server's answer");
        interrupted.initCause(e);
        return interrupted;
    }

    private IOException failure(Throwable cause) {
        return new IOException("index server " + server + ": " + closed.getNow("connection lost"), cause);
    }

    /** The receiver thread: hands each answer to the oldest waiting request, until the connection ends. */
    private void receiveAnswers(MessageReader reader) {
        long answers = 0;
        Status firstStatus = null;
        long firstAnsweredNanos = 0;
        try {
            while (true) {
                IndexResponse response = reader.readIndexResponse();
                if (answers++ == 0) {
                    firstStatus = response.status();
                    firstAnsweredNanos = System.nanoTime();
                }
                CompletableFuture<IndexResponse> answer = awaitingAnswers.poll();
                if (answer == null) {
                    closeBecause("the server sent an answer to no request");
                    return;
                }
                answer.complete(response);
            }
        } catch (IOException e) {
            // The close comes as an end of stream, or as a reset when the server closed with requests unread.
            if (answers == 1 && isRefusal(firstStatus)
                    && System.nanoTime() - firstAnsweredNanos < REFUSAL_CLOSE_GRACE.toNanos()) {
                refused = true;
                closeBecause("the index server refused the connection: " + firstStatus);
                return;
            }
            closeBecause("connection lost: " + describe(e));
        } catch (RuntimeException e) {
            LOG.error("Reading the index server's answers failed", e);
            closeBecause("internal error: " + e);
        }
    }

    private static String describe(IOException failure) {
        return switch (failure) {
            case EOFException e -> "the server closed the connection";
            case ResponseFormatException e -> "malformed answer: " + e.getMessage();
            default -> Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
        };
    }

    /** Whether requests can still be sent. */
    public boolean isOpen() {
        return !closed.isDone();
    }

    /**
     * Waits until the connection closes, for whatever cause: the server went away, a request failed, or
     * {@link #close()} was called.
     *
     * @return why it closed, in a few words
     */
    public String awaitClosed() throws InterruptedException {
        try {
            return closed.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("the close reason is never an exception", e);
        }
    }

    /** Closes the connection, and with it this peer's registration: the server removes all its records. */
    @Override
    public void close() {
        closeBecause("the peer closed the connection");
    }

    private void closeBecause(String reason) {
        if (closed.complete(reason)) {
            LOG.debug("Index connection to {} closed: {}", server, reason);
        }
        try {
            socket.close();
        } catch (IOException e) {
            LOG.debug("Closing the index connection: {}", e.toString());
        }
        // Every request still waiting fails now; one that queues its slot after this fails on its write.
        for (CompletableFuture<IndexResponse> answer = awaitingAnswers.poll(); answer != null;
                answer = awaitingAnswers.poll()) {
            answer.completeExceptionally(new IOException(closed.getNow(reason)));
        }
    }

    /** Keepalive with the timing above where the platform allows it, else with the system's own timing. */
    private static void enableKeepAlive(Socket socket) throws IOException {
        socket.setKeepAlive(true);
        if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) KEEPALIVE_IDLE.toSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) KEEPALIVE_INTERVAL.toSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, KEEPALIVE_PROBES);
        }
    }
}
