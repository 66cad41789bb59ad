package net.p2pci.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.server.index.ClientLog;
import net.p2pci.server.index.Dispatcher;
import net.p2pci.server.index.IndexEvents;
import net.p2pci.server.index.IndexRules;
import net.p2pci.server.network.AcceptLoop;
import net.p2pci.server.network.Connections;
import net.p2pci.server.network.Watchdog;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.embedded.EmbeddedStore;
import net.p2pci.server.store.shared.SharedStore;
import net.p2pci.server.web.WebServer;
import net.p2pci.server.web.WebSettings;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A running index server: the index store, the listening socket and the {@link AcceptLoop} that hands each
 * connection to its own {@link ConnectionHandler}. Closing it stops accepting, closes every connection (so every
 * peer's records go) and closes the store.
 */
public final class IndexServer implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(IndexServer.class);

    /** Queued connections the kernel may hold while the accept loop catches up with a burst of peers. */
    private static final int ACCEPT_BACKLOG = 1024;
    /** How long close() waits for connection handlers to remove their peers before it closes the store. */
    private static final long HANDLER_DRAIN_SECONDS = 5;

    private final IndexStore store;
    private final ServerSocket serverSocket;
    private final Connections connections;
    private final Thread acceptThread;
    private final Watchdog watchdog;
    /** The dashboard and metrics, when asked for. */
    private final Optional<WebServer> web;
    private final AtomicBoolean closed = new AtomicBoolean();

    private IndexServer(IndexStore store, ServerSocket serverSocket, Connections connections, Thread acceptThread,
            Watchdog watchdog, Optional<WebServer> web) {
        this.store = store;
        this.serverSocket = serverSocket;
        this.connections = connections;
        this.acceptThread = acceptThread;
        this.watchdog = watchdog;
        this.web = web;
    }

    /** Binds the port, opens the store and starts accepting; the server is ready when this returns. */
    public static IndexServer start(ServerConfig config) throws IOException {
        return start(config, Optional.empty());
    }

    /**
     * Binds the port, opens the store, starts the dashboard and metrics where {@code webSettings} say (if given),
     * and starts accepting; the server is ready when this returns.
     *
     * @throws HttpBindException when the HTTP port cannot be bound
     */
    public static IndexServer start(ServerConfig config, Optional<WebSettings> webSettings) throws IOException {
        FatalErrors.prepare();
        IndexRules rules = new IndexRules(config.maxRecordsPerPeer(), config.indexBudget());
        ServerSocket serverSocket = new ServerSocket();
        Connections connections = new Connections();
        IndexStore store;
        try {
            serverSocket.setReuseAddress(true);
            serverSocket.bind(new InetSocketAddress(config.bindAddress(), config.port()), ACCEPT_BACKLOG);
            store = openStore(config, rules, serverSocket, connections);
        } catch (IOException | RuntimeException e) {
            serverSocket.close();
            throw e;
        }
        Optional<WebServer> web;
        try {
            web = startWeb(webSettings, store, connections);
        } catch (IOException | RuntimeException e) {
            store.close();
            serverSocket.close();
            throw e;
        }
        IndexEvents events = web.map(WebServer::events).orElse(IndexEvents.NONE);
        ClientLog clientLog = new ClientLog();
        Dispatcher dispatcher = new Dispatcher(store, rules, connections, config.recordSourceAddress(), clientLog,
                events);
        AcceptLoop acceptLoop = new AcceptLoop(serverSocket, config, dispatcher, connections, clientLog);
        Watchdog watchdog = new Watchdog(connections, store, clientLog, config.writeTimeout());
        watchdog.start();
        Thread acceptThread = Thread.ofPlatform().name("accept-loop").daemon(false).start(acceptLoop);
        log.info("[Server] Listening on {}:{}", serverSocket.getInetAddress().getHostAddress(),
                serverSocket.getLocalPort());
        return new IndexServer(store, serverSocket, connections, acceptThread, watchdog, web);
    }

    /** The web side, if asked for, showing the whole index and, in a shared store, which instance holds each peer. */
    private static Optional<WebServer> startWeb(Optional<WebSettings> settings, IndexStore store,
            Connections connections) throws IOException {
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> instance = store instanceof SharedStore shared ? Optional.of(shared.instanceName())
                : Optional.empty();
        try {
            return Optional.of(WebServer.start(settings.get(), store, instance, connections::size));
        } catch (BindException e) {
            throw new HttpBindException(e.getMessage());
        }
    }

    /** The HTTP port (dashboard and metrics) could not be bound. */
    public static final class HttpBindException extends BindException {
        HttpBindException(String message) {
            super(message);
        }
    }

    /**
     * The store {@code config} names: the shared store for a PostgreSQL URL, under a default instance name taken
     * from where {@code serverSocket} listens, whose lost lease closes every connection, and which relays other
     * instances' probes of contested claims; the embedded store otherwise.
     */
    private static IndexStore openStore(ServerConfig config, IndexRules rules, ServerSocket serverSocket,
            Connections connections) {
        if (!config.isShared()) {
            return EmbeddedStore.open(config.jdbcUrl(), rules);
        }
        InetAddress bound = serverSocket.getInetAddress();
        String where = (bound.isAnyLocalAddress() ? "*" : bound.getHostAddress()) + ":" + serverSocket.getLocalPort();
        return SharedStore.open(config.jdbcUrl(), config.shared(), rules, localHostName() + "/" + where,
                connections::dropAll, connections::probe);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** The port the server listens on, which tells a test what port 0 became. */
    public int port() {
        return serverSocket.getLocalPort();
    }

    /** The port the dashboard and metrics listen on; empty when they were not asked for. */
    public Optional<Integer> httpPort() {
        return web.map(WebServer::port);
    }

    public IndexStore store() {
        return store;
    }

    /** Blocks until the server has been closed. */
    public void awaitTermination() throws InterruptedException {
        acceptThread.join();
    }

    /** Stops the server; calling it again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        web.ifPresent(WebServer::close);
        try {
            serverSocket.close();
            acceptThread.join(TimeUnit.SECONDS.toMillis(HANDLER_DRAIN_SECONDS));
        } catch (IOException e) {
            log.warn("[Server] error closing the listening socket: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        connections.closeAll(HANDLER_DRAIN_SECONDS, TimeUnit.SECONDS);
        watchdog.close();
        store.close();
        log.info("[Server] Stopped");
    }
}
