package net.p2pci.server.network;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestDeviation;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import net.p2pci.server.FatalErrors;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.index.Answer;
import net.p2pci.server.index.ClientLog;
import net.p2pci.server.index.Dispatcher;
import net.p2pci.server.index.EndReason;
import net.p2pci.server.index.IndexEvents;
import net.p2pci.server.index.PeerSession;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerGoneException;
import net.p2pci.server.store.RecordPage;
import net.p2pci.server.store.StoreUnavailableException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One peer's connection, on its own virtual thread: read a request, dispatch it, write the answer, until the
 * connection ends; then, however it ended, remove the peer and its records.
 *
 * <p>Failures are sorted in one place: a request error is answered with its status (the connection goes on when
 * the reader could find the request's end); a timeout or the peer going away is cleaned up quietly; a failure of the
 * JVM itself ends the process ({@link FatalErrors}); anything else is logged once with its context and cleaned up.
 *
 * <p>Every write is timed: {@link #dropIfWriteOverdue} lets the watchdog find a client that does not read its answers and
 * close it, which also frees the answer it held. Those two methods and {@link #closeSocket} are called from other
 * threads; the rest runs on the connection's own.
 */
public final class ConnectionHandler implements Runnable {
    private static final Logger log = LogManager.getLogger(ConnectionHandler.class);

    /**
     * Records per page of a LIST: about 100 KB of answer, so an index of up to this many records (any class demo or
     * lab) is answered in one write, and a larger one costs one page of memory at a time per connection.
     */
    public static final int LIST_PAGE_RECORDS = 1000;
    /**
     * How long a liveness probe's timing stays before the usual one is restored: twice the time the kernel takes to
     * give up on a dead connection, since restoring it earlier would restart the kernel's count (a probe restored
     * at exactly that time let a dead connection live on for the usual 50 s).
     */
    static final Duration PROBE_WINDOW = ServerConfig.KeepAlive.PROBE.detectionTime().multipliedBy(2);

    /**
     * The most bytes of an answer written at once (a record line is at most about 2 KiB): any answer to a class demo
     * or a lab goes out in one write, as clients that read an answer with one recv need, and a client that does not
     * read holds at most this much of an answer until it is dropped.
     */
    static final int MAX_PIECE_BYTES = 128 * 1024;
    /** How much of a refusal's reason goes into a log line: the reason is built from sanitised parts already. */
    private static final int MAX_LOGGED_REASON_CHARS = 400;

    private final long id;
    private final Socket socket;
    private final InetSocketAddress remote;
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final Connections connections;
    private final ConnectionLimiter limiter;
    private final ClientLog clientLog;
    private final IndexEvents events;
    private final CountDownLatch finished = new CountDownLatch(1);
    /** The peer's side of the connection; read by other threads only for its peer id, which is volatile there. */
    private final PeerSession session;
    /** When the write under way began, in System.nanoTime() terms made odd; 0 while not writing. */
    private volatile long writeStartedNanos;
    /** Set once the watchdog has dropped this connection, so that it is dropped (and logged) once. */
    private final java.util.concurrent.atomic.AtomicBoolean dropped = new java.util.concurrent.atomic.AtomicBoolean();
    /** When a liveness probe of this connection ends, in System.nanoTime() terms made odd; 0 when none runs. */
    private volatile long probeEndsNanos;

    ConnectionHandler(long id, Socket socket, ServerConfig config, Dispatcher dispatcher, Connections connections,
            ConnectionLimiter limiter, ClientLog clientLog) {
        this.id = id;
        this.socket = socket;
        this.remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.config = config;
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.limiter = limiter;
        this.clientLog = clientLog;
        this.events = dispatcher.events();
        this.session = new PeerSession(id, remote);
    }

    long id() {
        return id;
    }

    /** The id the store gave this connection's peer; -1 until it has registered. */
    long peerId() {
        return session.peerId();
    }

    /** The address the connection comes from. */
    InetAddress address() {
        return remote.getAddress();
    }

    /**
     * Serves the connection until it ends, then cleans up. The two are methods of their own, and this one only
     * calls them: a connection's thread spends its life parked under this frame, and a virtual thread's parked
     * stack is kept on the heap, so a lean frame here (javac copies a {@code finally} block onto every way out of
     * its {@code try}) is memory saved per peer: about 1.3 KiB each with the cleanup written inline (bench hold).
     */
    @Override
    public void run() {
        try {
            serveUntilClosed();
        } finally {
            endConnection();
        }
    }

    /** Serves requests until the connection ends, and sorts out how it ended. */
    private void serveUntilClosed() {
        try (socket) {
            socket.setTcpNoDelay(true);
            RequestDeadline input = new RequestDeadline(socket, config.requestTimeout(), config.firstRequestTimeout());
            MessageReader reader = new MessageReader(input, config.limits());
            serve(session, input, reader, socket.getOutputStream());
        } catch (RequestDeadline.RequestTimeoutException e) {
            session.ended(EndReason.REQUEST_TIMEOUT);
            clientLog.warning("timeout", session.sourceAddress(), "[Server] Closed {}: {}", session.describeRemote(),
                    e.getMessage());
        } catch (PeerGoneException e) {
            session.ended(EndReason.SERVER_CLOSED);
            log.debug("[Server] connection {} closed: its registration is gone", session.describeRemote());
        } catch (StoreUnavailableException e) {
            session.ended(EndReason.DATABASE_UNAVAILABLE);
            clientLog.warning("database unavailable", session.sourceAddress(), "[Server] Closed {}: {}",
                    session.describeRemote(), e.getMessage());
        } catch (IOException e) {
            session.ended(endReasonOf(e));
            log.debug("[Server] connection {} ended: {}", session.describeRemote(), e.toString());
        } catch (RuntimeException | Error e) {
            if (FatalErrors.isFatal(e)) {
                FatalErrors.halt(e);
            }
            log.error("[Server] error serving {}; closing its connection", session.describeRemote(), e);
        }
    }

    /**
     * Why a connection whose read or write failed ended, from what the kernel said: a keepalive that timed out while
     * a probe ran means another connection's claim found this one dead.
     */
    private EndReason endReasonOf(IOException e) {
        if (dropped.get()) {
            return EndReason.NOT_READING;
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("reset")) {
            return EndReason.RESET;
        }
        if (message.contains("timed out")) {
            return probeEndsNanos != 0 ? EndReason.TAKEN_OVER : EndReason.KEEPALIVE_TIMEOUT;
        }
        return socket.isClosed() ? EndReason.SERVER_CLOSED : EndReason.ERROR;
    }

    /** However the connection ended: removes its peer and records, and frees its slot. */
    private void endConnection() {
        try {
            dispatcher.endSession(session);
        } catch (StoreUnavailableException e) {
            // The store tries the removal again, a few times a second, until the database answers.
            clientLog.warning("database unavailable", session.sourceAddress(),
                    "[Server] Could not remove the records of {} yet: {}", session.describeRemote(), e.getMessage());
        } catch (RuntimeException e) {
            log.error("[Server] could not remove the records of {}", session.describeRemote(), e);
        } finally {
            connections.remove(this);
            limiter.release(this);
            finished.countDown();
        }
    }

    private void serve(PeerSession session, RequestDeadline input, MessageReader reader, OutputStream out)
            throws IOException {
        while (true) {
            Optional<Request> request;
            try {
                request = reader.readRequest();
            } catch (RequestException e) {
                long started = System.nanoTime();
                clientLog.error("bad request", session.sourceAddress(), "[Server] {} to {}: {}", e.status(),
                        session.describeRemote(), WireText.forLog(e.getMessage(), MAX_LOGGED_REASON_CHARS));
                noteDeviations(session, reader);
                write(out, MessageWriter.encode(IndexResponse.of(e.status())));
                events.requestAnswered(null, e.status(), System.nanoTime() - started);
                if (!e.connectionUsable()) {
                    session.ended(EndReason.BAD_REQUEST);
                    return;
                }
                input.requestComplete(reader.bufferedBytes() > 0);
                continue;
            }
            if (request.isEmpty()) {
                session.ended(EndReason.CLOSED);
                return;
            }
            noteDeviations(session, reader);
            long started = System.nanoTime();
            boolean registering = !session.isRegistered() && request.get() instanceof IndexRequest;
            if (registering) {
                // A valid index request registers the peer, always: from now on the connection is no longer one
                // that a newcomer may displace, even while its registration is being written.
                limiter.registered(this);
                input.registered(reader.bufferedBytes() > 0);
            }
            Answer answer = dispatcher.dispatch(session, request.get());
            if (registering) {
                connections.registered(this); // findable by its peer id, for a probe
            }
            Status status = switch (answer) {
                case Answer.Whole whole -> {
                    IndexResponse response = whole.response();
                    if (response.headers().isEmpty() && response.peers().isEmpty()) {
                        writeInPieces(out, response.status(), response.records(), true, true);
                    } else {
                        // An extension's answer: at most Extensions.MAX_RESULT_LINES lines, held whole.
                        write(out, MessageWriter.encode(response));
                    }
                    yield response.status();
                }
                case Answer.Pages pages -> {
                    writePages(out, pages.store());
                    yield Status.OK_200;
                }
            };
            events.requestAnswered(request.get(), status, System.nanoTime() - started);
            // The next request's clock starts once this answer is out: a LIST may take many writes.
            input.requestComplete(reader.bufferedBytes() > 0);
        }
    }

    /**
     * Notes each way this client's requests differ from docs/PROTOCOL.md once per connection, e.g. {@code client
     * 10.0.0.5:40000 ends requests without the empty line; answering after 250 ms of silence}; free when there is
     * none new, as for every standard request.
     */
    private void noteDeviations(PeerSession session, MessageReader reader) {
        java.util.Set<RequestDeviation> fresh = reader.takeNewDeviations();
        if (fresh.isEmpty()) {
            return;
        }
        for (RequestDeviation deviation : fresh) {
            clientLog.error("request form", session.sourceAddress(), "[Server] Note: client {} {}",
                    session.describeRemote(), deviation.description());
        }
    }

    /** Writes LIST ALL's answer a page at a time; the pages' bytes, in order, are those of the whole answer. */
    private void writePages(OutputStream out, IndexStore store) throws IOException {
        RecordPage page = store.listPage(RecordPage.Cursor.START, LIST_PAGE_RECORDS);
        writeInPieces(out, Status.OK_200, page.records(), true, !page.hasMore());
        while (page.hasMore()) {
            page = store.listPage(page.next(), LIST_PAGE_RECORDS);
            writeInPieces(out, Status.OK_200, page.records(), false, !page.hasMore());
        }
    }

    /**
     * Writes the record lines of {@code records}, after the status line when {@code first} and with the final empty
     * line when {@code last}, in writes of at most about {@link #MAX_PIECE_BYTES}: an answer that fits goes out in
     * one write, and no answer, however long its records, is ever held whole in memory.
     */
    private void writeInPieces(OutputStream out, Status status, java.util.List<RfcRecord> records, boolean first,
            boolean last) throws IOException {
        int from = 0;
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += MessageWriter.recordLineBytesAtMost(records.get(i));
            if (bytes > MAX_PIECE_BYTES && i > from) {
                write(out, MessageWriter.encodePart(first ? status : null, records.subList(from, i), false));
                first = false;
                from = i;
                bytes = MessageWriter.recordLineBytesAtMost(records.get(i));
            }
        }
        write(out, MessageWriter.encodePart(first ? status : null, records.subList(from, records.size()), last));
    }

    /** One write, timed so that the watchdog can drop a client that does not read. */
    private void write(OutputStream out, byte[] bytes) throws IOException {
        writeStartedNanos = System.nanoTime() | 1;
        try {
            out.write(bytes);
        } finally {
            writeStartedNanos = 0;
        }
    }

    /**
     * Closes the connection if a write has waited longer than {@code timeoutNanos} for the client to read, at
     * {@code nowNanos}, counting from {@code countsFromNanos} (0 for none) if the write began earlier (the end of a
     * stall of the server's own, see {@link Watchdog}), or longer than {@code hardLimitNanos} in all; true the one
     * time it does so. The blocked write may take a moment to end after the close.
     */
    boolean dropIfWriteOverdue(long nowNanos, long timeoutNanos, long countsFromNanos, long hardLimitNanos) {
        long started = writeStartedNanos;
        if (started == 0) {
            return false;
        }
        long from = countsFromNanos != 0 && countsFromNanos - started > 0 ? countsFromNanos : started;
        boolean overdue = nowNanos - from > timeoutNanos || nowNanos - started > hardLimitNanos;
        if (!overdue || !dropped.compareAndSet(false, true)) {
            return false;
        }
        closeSocket();
        return true;
    }

    /**
     * Finds out within seconds whether this connection is dead, because another connection claims its host and port:
     * keepalive probes it at once ({@link ServerConfig.KeepAlive#PROBE}); a dead one is then closed by the kernel and
     * its records go, a live one answers and keeps them. The watchdog restores the usual timing afterwards.
     */
    void probeLiveness() {
        try {
            ServerConfig.KeepAlive.PROBE.applyTo(socket);
            probeEndsNanos = (System.nanoTime() + PROBE_WINDOW.toNanos()) | 1;
        } catch (IOException e) {
            log.debug("[Server] cannot probe {}: {}", remote, e.toString());
        }
    }

    /** Restores the usual keepalive timing once a probe has had its time, at {@code nowNanos}. */
    void endProbeIfDue(long nowNanos) {
        long ends = probeEndsNanos;
        if (ends == 0 || nowNanos - ends < 0) {
            return;
        }
        probeEndsNanos = 0;
        try {
            config.keepAlive().applyTo(socket);
        } catch (IOException e) {
            log.debug("[Server] cannot restore keepalive on {}: {}", remote, e.toString());
        }
    }

    /** Closes the socket from another thread; the handler's blocked read or write then ends and it cleans up. */
    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("[Server] closing {}: {}", remote, e.toString());
        }
    }

    /** The remote end as {@code address:port}, for log lines written by other threads. */
    String describeRemote() {
        return remote.getAddress().getHostAddress() + ":" + remote.getPort();
    }

    boolean awaitFinished(long nanos) {
        try {
            return finished.await(nanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
