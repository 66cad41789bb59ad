package net.p2pci.server;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.Limits;
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
    private final Limits limits;
    private final Dispatcher dispatcher;
    private final Connections connections;
    private final CountDownLatch finished = new CountDownLatch(1);

    ConnectionHandler(long id, Socket socket, Limits limits, Dispatcher dispatcher, Connections connections) {
        this.id = id;
        this.socket = socket;
        this.limits = limits;
        this.dispatcher = dispatcher;
        this.connections = connections;
    }

    long id() {
        return id;
    }

    @Override
    public void run() {
        PeerSession session = new PeerSession(id, (InetSocketAddress) socket.getRemoteSocketAddress());
        try (socket) {
            socket.setTcpNoDelay(true);
            MessageReader reader = new MessageReader(socket.getInputStream(), limits);
            OutputStream out = socket.getOutputStream();
            serve(session, reader, out);
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
                finished.countDown();
            }
        }
    }

    private void serve(PeerSession session, MessageReader reader, OutputStream out) throws IOException {
        while (true) {
            Optional<Request> request;
            try {
                request = reader.readRequest();
            } catch (RequestException e) {
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
