package net.p2pci.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Accepts connections until the listening socket closes: refuses those over the connection limits, turns on TCP
 * keepalive, and starts one virtual thread per connection.
 */
final class AcceptLoop implements Runnable {
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
    private final AtomicLong nextConnectionId = new AtomicLong(1);
    private boolean acceptFailing;

    AcceptLoop(ServerSocket serverSocket, ServerConfig config, Dispatcher dispatcher, Connections connections) {
        this.serverSocket = serverSocket;
        this.config = config;
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.limiter = new ConnectionLimiter(config.maxConnections(), config.maxConnectionsPerAddress());
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
            if (!limiter.tryAcquire(socket.getInetAddress())) {
                closeQuietly(socket);
                continue;
            }
            try {
                enableKeepAlive(socket);
            } catch (IOException e) {
                log.debug("[Server] cannot set keepalive on {}: {}", socket.getRemoteSocketAddress(), e.toString());
            }
            ConnectionHandler handler = new ConnectionHandler(nextConnectionId.getAndIncrement(), socket,
                    config, dispatcher, connections, limiter);
            connections.add(handler);
            handlers.start(handler);
        }
    }

    /** Keepalive with short probes finds a peer whose machine vanished without a FIN or RST. */
    private void enableKeepAlive(Socket socket) throws IOException {
        socket.setKeepAlive(true);
        ServerConfig.KeepAlive keepAlive = config.keepAlive();
        if (socket.supportedOptions().contains(ExtendedSocketOptions.TCP_KEEPIDLE)) {
            socket.setOption(ExtendedSocketOptions.TCP_KEEPIDLE, (int) keepAlive.idle().toSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) keepAlive.interval().toSeconds());
            socket.setOption(ExtendedSocketOptions.TCP_KEEPCOUNT, keepAlive.probes());
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

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            log.debug("[Server] closing a refused connection: {}", e.toString());
        }
    }
}
