package net.p2pci.peer.index;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import jdk.net.ExtendedSocketOptions;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.IndexAnswerReader;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.OptionsRequest;
import net.p2pci.protocol.PeersRequest;
import net.p2pci.protocol.ResponseFormatException;
import net.p2pci.protocol.SearchRequest;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import net.p2pci.protocol.WithdrawRequest;
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
    /** Held while the server is asked for its extensions, so that it is asked once. */
    private final ReentrantLock discoveryLock = new ReentrantLock();
    /** The server's extensions, once asked; under {@link #discoveryLock}. */
    private Set<String> extensions;

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /**
     * The server answers in milliseconds; this long without its whole answer means it is hung or the network is, and
     * the request fails with a line saying so (--help states it).
     */
    public static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * Some servers end answers without the final empty line (docs/INTEROP.md), so only their silence ends an answer:
     * this long without a byte, once an answer has begun, and it is taken as complete. A standard server's answer
     * arrives whole with its final empty line, so it never waits for this.
     */
    public static final Duration ANSWER_QUIET = Duration.ofMillis(300);
    /**
     * The same silence, once this connection's server has shown that it ends its answers with the final empty line:
     * long enough that a pause inside an answer (a lost segment retransmitted on a slow network) never cuts it, short
     * of {@link #RESPONSE_TIMEOUT} so that a server that changes its ways is still understood.
     */
    static final Duration ANSWER_QUIET_OF_STANDARD_SERVER = Duration.ofSeconds(3);
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
    /**
     * Requests of {@link #sendAdd} not yet written to the socket, guarded by the send lock: they go out together
     * when an answer is waited for that is not in yet, when another request is sent, or when
     * {@value #UNSENT_LIMIT} bytes are waiting, so that a library's registration costs a write per batch, not one per
     * RFC, on both sides of the connection.
     */
    private final ByteArrayOutputStream unsent = new ByteArrayOutputStream();
    private static final int UNSENT_LIMIT = 16 * 1024;
    /** Requests sent so far; guarded by the send lock. */
    private long requestsSent;
    /** Set when the server closed the connection as a refusal of it (see {@link #REFUSAL_CLOSE_GRACE}). */
    private volatile boolean refused;
    /** Told each way the server's answers deviate, once per connection. */
    private final Consumer<AnswerDeviation> deviationListener;
    private final Set<AnswerDeviation.Kind> deviationsTold = ConcurrentHashMap.newKeySet();
    /** Whether every answer so far ended with its final empty line; only the receiver thread uses it. */
    private boolean endsAnswersAsStandard;

    private IndexClient(Socket socket, HostAndPort server, String host, int uploadPort,
                        Consumer<AnswerDeviation> deviationListener) throws IOException {
        this.socket = socket;
        this.deviationListener = deviationListener;
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
        return connect(server, advertisedHost, uploadPort, deviation -> { });
    }

    /**
     * As {@link #connect(HostAndPort, Optional, int)}; {@code deviationListener} is told, once per kind, each way in
     * which the server's answers differ from docs/PROTOCOL.md while they can still be understood. It is called on the
     * connection's receiving thread or a requesting one, and must be quick and thread-safe.
     */
    public static IndexClient connect(HostAndPort server, Optional<String> advertisedHost, int uploadPort,
                                      Consumer<AnswerDeviation> deviationListener) throws IOException {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(deviationListener, "deviationListener");
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
            IndexClient client = new IndexClient(socket, connected, host, uploadPort, deviationListener);
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
     * The extensions (docs/PROTOCOL.md section 8) this connection's server offers, upper-case: asked with
     * {@code OPTIONS *} the first time something needs to know, and kept for the connection's life. Nothing is sent
     * before that, so a peer that uses no extension sends a standard server nothing but standard requests. A
     * standard server answers 400, and offers none; so does one that answers 200 without naming any (a server that
     * takes an unknown method for another).
     */
    public Set<String> extensions() throws IOException {
        discoveryLock.lock();
        try {
            if (extensions == null) {
                IndexResponse answer = exchange(new OptionsRequest(host, uploadPort)).response();
                String offered = answer.status() == Status.OK_200 ? answer.header(Extensions.EXTENSIONS_HEADER) : null;
                extensions = offered == null ? Set.of() : Extensions.parseHeaderValue(offered);
                LOG.debug("Index server {} offers {}", server, extensions.isEmpty() ? "no extensions" : extensions);
            }
            return extensions;
        } finally {
            discoveryLock.unlock();
        }
    }

    /** Whether this connection's server offers {@code extension} ({@link #extensions()}). */
    public boolean offers(String extension) throws IOException {
        return extensions().contains(extension);
    }

    /** SEARCH for the titles with every word of {@code words}; empty when the server does not offer it. */
    public Optional<IndexExchange> search(String words) throws IOException {
        SearchRequest request = SearchRequest.of(host, uploadPort, words);
        return offers(Extensions.SEARCH) ? Optional.of(exchange(request)) : Optional.empty();
    }

    /** PEERS: the active peers; empty when the server does not offer it. */
    public Optional<IndexExchange> peers() throws IOException {
        return offers(Extensions.PEERS) ? Optional.of(exchange(new PeersRequest(host, uploadPort)))
                : Optional.empty();
    }

    /**
     * WITHDRAW RFC {@code rfcNumber}: this connection stops offering it (200 with the record withdrawn, or 404 when it
     * held none); empty when the server does not offer it, and then nothing was sent but, once, the discovery.
     */
    public Optional<IndexExchange> withdrawExchange(int rfcNumber) throws IOException {
        return offers(Extensions.WITHDRAW)
                ? Optional.of(exchange(new WithdrawRequest(rfcNumber, host, uploadPort))) : Optional.empty();
    }

    /**
     * Drops this peer's record of RFC {@code rfcNumber} if the server offers a way to, and says whether it did: with
     * {@code WITHDRAW RFC n} where the server offers it ({@link Withdrawal#WITHDRAWN}, whether the connection held the
     * record or not); where it does not, nothing is sent but, once, the discovery, and the record stays until the
     * connection ends ({@link Withdrawal#UNSUPPORTED}), so the session above re-registers on a new connection instead.
     */
    public Withdrawal withdraw(int rfcNumber) throws IOException {
        Optional<IndexExchange> exchange = withdrawExchange(rfcNumber);
        if (exchange.isEmpty()) {
            return Withdrawal.UNSUPPORTED;
        }
        Status status = exchange.get().response().status();
        if (status != Status.OK_200 && status != Status.NOT_FOUND_404) {
            throw new IOException("index server " + server + " answered WITHDRAW RFC " + rfcNumber + " with "
                    + status.code() + " " + status.phrase());
        }
        return Withdrawal.WITHDRAWN;
    }

    /**
     * Sends ADD without waiting for its answer, so that many can be on their way at once; the server answers them in
     * the order sent (the protocol allows such pipelining). The request may wait in {@link #unsent} for others to
     * join it; it is written at the latest when an answer is waited for. {@link Pending#await()} waits for this
     * one's answer.
     */
    public Pending sendAdd(int rfcNumber, String title) throws IOException {
        return send(new AddRequest(rfcNumber, host, uploadPort, title), false);
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
            if (!answer.isDone()) {
                writeUnsent();
            }
            IndexResponse response = awaitAnswer(answer);
            if (first && isRefusal(response.status()) && closesWithin(REFUSAL_CLOSE_GRACE) && refused) {
                throw failure(null);
            }
            return new IndexExchange(request, understood(request, response));
        }
    }

    /**
     * The answer as the standard would have put it, where a server says the same thing its own way
     * (docs/INTEROP.md rows 8, 12 and 13), each way told once.
     */
    private IndexResponse understood(IndexRequest request, IndexResponse response) {
        boolean noRecords = response.records().isEmpty();
        if (request instanceof ListRequest && response.status() == Status.NOT_FOUND_404 && noRecords) {
            tell(AnswerDeviation.of(AnswerDeviation.Kind.EMPTY_LIST_AS_404));
            return IndexResponse.ok(List.of());
        }
        if (request instanceof LookupRequest && response.status() == Status.OK_200 && noRecords) {
            tell(AnswerDeviation.of(AnswerDeviation.Kind.LOOKUP_MISS_AS_200));
            return IndexResponse.of(Status.NOT_FOUND_404);
        }
        if (request instanceof AddRequest && response.status() == Status.OK_200 && noRecords) {
            tell(AnswerDeviation.of(AnswerDeviation.Kind.ADD_WITHOUT_ECHO));
        }
        return response;
    }

    /** Tells the listener of a deviation, the first time its kind is seen on this connection. */
    private void tell(AnswerDeviation deviation) {
        if (deviationsTold.add(deviation.kind())) {
            LOG.debug("Index server {} {}", server, deviation.describe());
            deviationListener.accept(deviation);
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
        return send(request, true);
    }

    /**
     * Queues the answer's slot and writes the request, with any of {@link #unsent} before it; with {@code now}
     * false, the request joins {@link #unsent} instead, unless that is full.
     */
    private Pending send(IndexRequest request, boolean now) throws IOException {
        CompletableFuture<IndexResponse> answer = new CompletableFuture<>();
        sendLock.lock();
        try {
            String reason = closed.getNow(null);
            if (reason != null) {
                throw new IOException("not connected to the index server (" + reason + ")");
            }
            awaitingAnswers.add(answer); // before the write, so that the receiver finds the slot for the answer
            unsent.writeBytes(MessageWriter.encode(request));
            if (now || unsent.size() >= UNSENT_LIMIT) {
                writeUnsentLocked();
            }
            requestsSent++;
            return new Pending(request, answer, requestsSent == 1);
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Writes the requests of {@link #unsent}, if any, as one. A waiter gives up, closing the connection, when the
     * send lock does not come within {@link #RESPONSE_TIMEOUT} (another thread's write stuck on a server that no
     * longer reads), as it would had the answer not come: the close ends that write too.
     */
    private void writeUnsent() throws IOException {
        boolean locked;
        try {
            locked = sendLock.tryLock(RESPONSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            throw interruptedWaiting(e);
        }
        if (!locked) {
            closeBecause("no answer within " + RESPONSE_TIMEOUT.toSeconds() + " s");
            throw failure(null);
        }
        try {
            writeUnsentLocked();
        } finally {
            sendLock.unlock();
        }
    }

    private void writeUnsentLocked() throws IOException {
        if (unsent.size() == 0) {
            return;
        }
        try {
            unsent.writeTo(out);
            out.flush();
        } catch (IOException e) {
            closeBecause("connection lost: " + describe(e));
            throw failure(e);
        } finally {
            unsent.reset();
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
        IndexAnswerReader answerReader = new IndexAnswerReader(reader, new AnswerQuiet(), Limits.DEFAULT);
        try {
            while (true) {
                IndexAnswerReader.Answer read = answerReader.read();
                read.deviations().forEach(this::tell);
                endsAnswersAsStandard = (answers == 0 || endsAnswersAsStandard)
                        && read.deviations().stream().noneMatch(deviation -> ENDLESS.contains(deviation.kind()));
                IndexResponse response = read.response();
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

    /** Deviations after which only the server's silence told where its answer ended. */
    private static final Set<AnswerDeviation.Kind> ENDLESS = EnumSet.of(AnswerDeviation.Kind.NO_FINAL_EMPTY_LINE,
            AnswerDeviation.Kind.NO_FINAL_LINE_END, AnswerDeviation.Kind.END_LINE);

    /** The read timeout inside an answer: see {@link #ANSWER_QUIET}; confined to the receiver thread. */
    private final class AnswerQuiet implements IndexAnswerReader.QuietPeriod {
        @Override
        public void begin() throws IOException {
            Duration quiet = endsAnswersAsStandard ? ANSWER_QUIET_OF_STANDARD_SERVER : ANSWER_QUIET;
            socket.setSoTimeout((int) quiet.toMillis());
        }

        @Override
        public void end() throws IOException {
            socket.setSoTimeout(0);
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
