package net.p2pci.checker;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A server the checker plays for the client role: the index server (requests on one connection after another) or
 * an upload server (one request per connection, then close). Each request the peer sends is queued, exactly as it
 * came, for the cases to judge, and answered by a rule the cases set: the standard answer unless a case has asked
 * for a variation of the next answer to that method. Safe for the cases' thread and the connections' threads: the
 * queue and the map of variations are concurrent, and each connection has a thread of its own.
 */
public final class PlayedServer implements AutoCloseable {
    /** How long a connection left open after a GET answer stays so, at most. */
    private static final java.time.Duration LEFT_OPEN = java.time.Duration.ofMinutes(2);

    private final ServerSocket listener;
    private final boolean uploads;
    private final Timing timing;
    private final Function<SeenRequest, PlayedAnswer> standard;
    private final Map<String, Function<SeenRequest, PlayedAnswer>> nextVariation = new ConcurrentHashMap<>();
    private final BlockingQueue<SeenRequest> seen = new LinkedBlockingQueue<>();
    private final Map<Socket, Boolean> connections = new ConcurrentHashMap<>();

    private PlayedServer(ServerSocket listener, boolean uploads, Timing timing,
                         Function<SeenRequest, PlayedAnswer> standard) {
        this.listener = listener;
        this.uploads = uploads;
        this.timing = timing;
        this.standard = standard;
        Thread.ofVirtual().name("played-accept-" + listener.getLocalPort()).start(this::acceptLoop);
    }

    /** Listens on {@code port} (0: any) of every address, so that a peer on another machine can take part. */
    static PlayedServer start(int port, boolean uploads, Timing timing, Function<SeenRequest, PlayedAnswer> standard)
            throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReuseAddress(true);
        try {
            listener.bind(new InetSocketAddress((InetAddress) null, port));
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        return new PlayedServer(listener, uploads, timing, standard);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next answer to {@code method} (ADD, LOOKUP, LIST, GET) is {@code variation}'s instead of the standard. */
    void varyNext(String method, Function<SeenRequest, PlayedAnswer> variation) {
        nextVariation.put(method, variation);
    }

    /** The next request the peer sent, waiting up to {@code millis}; null when none came in time. */
    SeenRequest next(long millis) throws InterruptedException {
        return seen.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Requests that came and were not yet taken are dropped, so that a case judges only its own. */
    void clear() {
        seen.clear();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                connections.put(socket, Boolean.TRUE);
                Thread.ofVirtual().name("played-connection").start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            RequestStream requests = new RequestStream(socket, timing);
            do {
                byte[] raw = requests.next(uploads ? timing.timeout().toMillis() : 0);
                if (raw == null) {
                    return;
                }
                SeenRequest request = SeenRequest.of(raw);
                Function<SeenRequest, PlayedAnswer> variation = nextVariation.remove(request.method());
                PlayedAnswer answer = (variation != null ? variation : standard).apply(request);
                seen.add(request);
                answer.writeTo(socket.getOutputStream());
                if (uploads) {
                    request.closedAfterAnswer().complete(awaitClose(socket, answer.keepOpen()));
                    return;
                }
                if (answer.closeAfter()) {
                    return;
                }
            } while (true);
        } catch (IOException e) {
            // the peer went away: its requests so far are queued, and the cases judge what is missing
        } finally {
            connections.remove(socket);
        }
    }

    /** Whether the peer closes the connection after the answer (a FIN, not a reset) within the timeout. */
    private boolean awaitClose(Socket socket, boolean keepOpen) {
        try {
            if (!keepOpen) {
                socket.shutdownOutput(); // the upload server closes after the body: PROTOCOL.md 4.2
            }
            // Left open, the connection outlasts any case's wait, as a holder that never closes does; the end of
            // the run closes it.
            socket.setSoTimeout((int) (keepOpen ? LEFT_OPEN.toMillis() : timing.timeout().toMillis()));
            byte[] drain = new byte[4096];
            while (socket.getInputStream().read(drain) >= 0) {
                // a peer may send more; its close is what counts
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : connections.keySet()) {
            socket.close();
        }
    }
}
