package net.p2pci.server;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** Accepts connections until the listening socket closes, and starts one virtual thread per connection. */
final class AcceptLoop implements Runnable {
    private static final Logger log = LogManager.getLogger(AcceptLoop.class);

    private final ServerSocket serverSocket;
    private final ServerConfig config;
    private final Dispatcher dispatcher;
    private final Connections connections;
    private final AtomicLong nextConnectionId = new AtomicLong(1);

    AcceptLoop(ServerSocket serverSocket, ServerConfig config, Dispatcher dispatcher, Connections connections) {
        this.serverSocket = serverSocket;
        this.config = config;
        this.dispatcher = dispatcher;
        this.connections = connections;
    }

    @Override
    public void run() {
        Thread.Builder handlers = Thread.ofVirtual().name("connection-", 1);
        while (!serverSocket.isClosed()) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!serverSocket.isClosed()) {
                    log.warn("[Server] accept failed: {}", e.toString());
                }
                continue;
            }
            ConnectionHandler handler = new ConnectionHandler(nextConnectionId.getAndIncrement(), socket,
                    config.limits(), dispatcher, connections);
            connections.add(handler);
            handlers.start(handler);
        }
    }
}
