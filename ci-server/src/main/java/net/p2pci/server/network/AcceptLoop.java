package net.p2pci.server.network;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.server.FatalErrors;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.index.ClientLog;
import net.p2pci.server.index.Dispatcher;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Accepts connections until the listening socket closes: admits each within the connection limits (closing the
 * oldest silent connections to make room, see {@link ConnectionLimiter}) or refuses it with an answer, turns on TCP
 * keepalive, and starts one virtual thread per connection.
 */
public final class AcceptLoop implements Runnable {
    private static final Logger log = LogManager.getLogger(AcceptLoop.class);

    /**
     * Pause after a failed accept (typically out of file descriptors), so the loop does not spin on the error;
     * connections that close meanwhile free descriptors for the next attempt.
     */
    private static final long ACCEPT_FAILURE_PAUSE_MILLIS = 50;

    private final ServerSocket serverSocket;
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final Connections connections;
    private final ConnectionLimiter limiter;
    private final ClientLog clientLog;
    private final Refusals refusals;
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private boolean acceptFailing;

    public AcceptLoop(ServerSocket serverSocket, ServerConfig config, Dispatcher dispatcher, Connections connections,
            ClientLog clientLog) {
        this.serverSocket = serverSocket;
        this.config = config;
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.clientLog = clientLog;
        this.limiter = new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerAddress(), clientLog);
        this.refusals = new Refusals();
    }

    @Override
    public void run() {
        Thread.Builder handlers = Thread.ofVirtual().name("connection-", 1);
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                pauseAfterFailedAccept(e);
                continue;
            }
            if (acceptFailing) {
                log.warn("[Server] Accepting connections again");
                acceptFailing = false;
            }
            try {
                admit(socket, handlers);
            } catch (RuntimeException | Error e) {
                if (FatalErrors.isFatal(e)) {
                    FatalErrors.halt(e);
                }
                log.error("[Server] error accepting a connection from {}", socket.getRemoteSocketAddress(), e);
                closeQuietly(socket);
            }
        }
    }

    private void admit(Socket socket, Thread.Builder handlers) {
        ConnectionHandler handler = new ConnectionHandler(nextConnectionId.getAndIncrement(), socket, config,
                dispatcher, connections, limiter, clientLog);
        switch (limiter.admit(handler)) {
            case ConnectionLimiter.Admission.Refused refused -> {
                dispatcher.events().connectionRefused();
                refusals.refuse(socket);
                return;
            }
            case ConnectionLimiter.Admission.Admitted admitted -> {
                for (ConnectionHandler silent : admitted.evicted()) {
                    clientLog.warning("evicted", silent.address().getHostAddress(),
                            "[Server] Closed {}: silent since it connected, and its slot was needed",
                            silent.describeRemote());
                    silent.closeSocket();
                }
            }
        }
        try {
            config.keepAlive().applyTo(socket);
        } catch (IOException e) {
            log.debug("[Server] cannot set keepalive on {}: {}", socket.getRemoteSocketAddress(), e.toString());
        }
        connections.add(handler);
        try {
            handlers.start(handler);
        } catch (RuntimeException | Error e) {
            // Never started, so it will not release its slot itself.
            connections.remove(handler);
            limiter.release(handler);
            throw e;
        }
    }

    private void pauseAfterFailedAccept(IOException e) {
        if (serverSocket.isClosed()) {
            return;
        }
        if (!acceptFailing) {
            log.warn("[Server] accept failed, retrying until it works again: {}", e.toString());
            acceptFailing = true;
        }
        try {
            TimeUnit.MILLISECONDS.sleep(ACCEPT_FAILURE_PAUSE_MILLIS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("[Server] closing a refused connection: {}", e.toString());
        }
    }
}
