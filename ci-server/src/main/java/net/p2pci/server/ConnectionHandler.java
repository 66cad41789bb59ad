package net.p2pci.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One peer's connection, on its own virtual thread: read a request, dispatch it, write the response in one
 * write, until the connection ends; then, however it ended, remove the peer and its records.
 *
 * <p>Failures are sorted in one place: a request error is answered with its status (the connection goes on when
 * the reader could find the request's end); the peer going away is cleaned up quietly; anything else is logged
 * once with its context and cleaned up the same way.
 */
final class ConnectionHandler implements Runnable {
    private static final Logger log = LogManager.getLogger(ConnectionHandler.class);

    private final long id;
    private final Socket socket;
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final Connections connections;
    private final ConnectionLimiter limiter;
    private final CountDownLatch finished = new CountDownLatch(1);

    ConnectionHandler(long id, Socket socket, ServerConfig config, Dispatcher dispatcher, Connections connections,
            ConnectionLimiter limiter) {
        this.id = id;
        this.socket = socket;
        this.config = config;
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.limiter = limiter;
    }

    long id() {
        return id;
    }

    @Override
    public void run() {
        PeerSession session = new PeerSession(id, (InetSocketAddress) socket.getRemoteSocketAddress());
        try (socket) {
            socket.setTcpNoDelay(true);
            RequestDeadline input = new RequestDeadline(socket, config.requestTimeout());
            MessageReader reader = new MessageReader(input, config.limits());
            serve(session, input, reader, socket.getOutputStream());
        } catch (RequestDeadline.RequestTimeoutException e) {
            log.info("[Server] Closed {}: {}", session.describeRemote(), e.getMessage());
        } catch (PeerGoneException e) {
            log.debug("[Server] connection {} closed: its registration was replaced", session.describeRemote());
        } catch (IOException e) {
            log.debug("[Server] connection {} ended: {}", session.describeRemote(), e.toString());
        } catch (RuntimeException e) {
            log.error("[Server] error serving {}; closing its connection", session.describeRemote(), e);
        } finally {
            try {
                dispatcher.endSession(session);
            } catch (RuntimeException e) {
                log.error("[Server] could not remove the records of {}", session.describeRemote(), e);
            } finally {
                connections.remove(this);
                limiter.release(session.remote().getAddress());
                finished.countDown();
            }
        }
    }

    private void serve(PeerSession session, RequestDeadline input, MessageReader reader, OutputStream out)
            throws IOException {
        while (true) {
            Optional<Request> request;
            try {
                request = reader.readRequest();
                input.requestComplete(reader.bufferedBytes() > 0);
            } catch (RequestException e) {
                input.requestComplete(reader.bufferedBytes() > 0);
                log.info("[Server] {} to {}: {}", e.status(), session.describeRemote(), WireText.forLog(e.getMessage()));
                out.write(MessageWriter.encode(IndexResponse.of(e.status())));
                if (!e.connectionUsable()) {
                    return;
                }
                continue;
            }
            if (request.isEmpty()) {
                return;
            }
            out.write(MessageWriter.encode(dispatcher.dispatch(session, request.get())));
        }
    }

    /** Closes the socket from another thread; the handler's blocked read then ends and it cleans up. */
    void closeSocket() {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("[Server] closing {}: {}", socket.getRemoteSocketAddress(), e.toString());
        }
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
