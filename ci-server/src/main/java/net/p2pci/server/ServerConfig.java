package net.p2pci.server;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.Protocol;
import net.p2pci.server.index.IndexBudget;
import net.p2pci.server.store.shared.SharedStoreSettings;

/**
 * How an {@link IndexServer} runs: where it listens, where it keeps the index, and the limits that keep any one
 * client, however buggy or hostile, from hurting the others.
 *
 * @param bindAddress              the address to listen on; null for every local address
 * @param port                     the TCP port; 0 takes any free port
 * @param jdbcUrl                  the database that holds the index: H2 (the embedded store) or PostgreSQL (the
 *                                 shared store, for several instances)
 * @param limits                   bounds on what one request may contain (line length, header count)
 * @param requestTimeout           how long a request may take from its first byte to its last; an idle
 *                                 connection between requests is a live registration and has no time limit
 * @param firstRequestTimeout      how long a new connection has to complete the request that registers it; a
 *                                 connection that sends nothing, or nothing valid, is closed then
 * @param writeTimeout             how long one write of an answer may wait for the client to read; a client that
 *                                 does not read its answers is dropped then, and its buffers freed
 * @param maxConnections           the most connections open at once
 * @param maxConnectionsPerAddress the most connections open at once from one source address
 * @param maxRecordsPerPeer        the most records one peer may hold
 * @param indexBudget              the memory the index's records may take, in all and per source address
 * @param keepAlive                TCP keepalive timing, which finds peers that vanished without a FIN or RST
 * @param recordSourceAddress      record the connection's source address as the peer's host, instead of the
 *                                 Host it claims
 * @param shared                   how this instance takes part in a shared store ({@code jdbc:postgresql:} URLs)
 */
public record ServerConfig(
        InetAddress bindAddress,
        int port,
        String jdbcUrl,
        Limits limits,
        Duration requestTimeout,
        Duration firstRequestTimeout,
        Duration writeTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        int maxRecordsPerPeer,
        IndexBudget indexBudget,
        KeepAlive keepAlive,
        boolean recordSourceAddress,
        SharedStoreSettings shared) {

    /** A request takes milliseconds on any real network; 10 s tolerates a slow link and cuts slow-drip clients off. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** A peer sends its first request as soon as it connects; 10 s tolerates a slow link and frees silent slots. */
    public static final Duration DEFAULT_FIRST_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * An answer is written in pieces of at most a LIST page; a client that takes 10 s to make room for one is not
     * reading, and holding its answer would let a few hundred such clients fill the heap.
     */
    public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(10);
    /** Below the common 20,000-descriptor limit, leaving room for the database, logs and the listening socket. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16_000;
    /** Room for many peers behind one NAT, while no single host can take every connection. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 1_000;
    /** More than every RFC ever published (under 10,000), so only a broken or hostile peer reaches it. */
    public static final int DEFAULT_MAX_RECORDS_PER_PEER = 20_000;

    /**
     * TCP keepalive timing: probe a connection after {@code idle} without traffic, every {@code interval}, and
     * drop it after {@code probes} unanswered probes.
     */
    public record KeepAlive(Duration idle, Duration interval, int probes) {
        /** A vanished peer is found within 30 s + 4 × 5 s = 50 s: "within about a minute". */
        public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(30), Duration.ofSeconds(5), 4);

        public KeepAlive {
            if (idle.toSeconds() < 1 || interval.toSeconds() < 1 || probes < 1) {
                throw new IllegalArgumentException("keepalive timing must be at least 1 s, 1 s and 1 probe");
            }
        }

        /**
         * The timing used to find out within seconds whether a connection is dead, when another connection claims
         * its host and port: a live peer's kernel answers the probes, a vanished one's does not.
         */
        public static final KeepAlive PROBE = new KeepAlive(Duration.ofSeconds(1), Duration.ofSeconds(1), 3);

        /** Turns keepalive on for {@code socket} with this timing, where the platform lets it be set. */
        public void applyTo(java.net.Socket socket) throws java.io.IOException {
            socket.setKeepAlive(true);
            if (socket.supportedOptions().contains(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE)) {
                socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE, (int) idle.toSeconds());
                socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) interval.toSeconds());
                socket.setOption(jdk.net.ExtendedSocketOptions.TCP_KEEPCOUNT, probes);
            }
        }

        /** How long after its last traffic a vanished peer is dropped at the latest. */
        public Duration detectionTime() {
            return idle.plus(interval.multipliedBy(probes));
        }
    }

    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(keepAlive, "keepAlive");
        Objects.requireNonNull(shared, "shared");
        if (requestTimeout.toMillis() < 1 || firstRequestTimeout.toMillis() < 1 || writeTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("timeouts must be at least 1 ms");
        }
        Objects.requireNonNull(indexBudget, "indexBudget");
        if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxRecordsPerPeer < 0) {
            throw new IllegalArgumentException("connection and record limits must be positive");
        }
    }

    /**
     * Port 7734 on every address, with the index in a private in-memory database and the default limits, its memory
     * budget a share of this JVM's heap.
     */
    public static ServerConfig defaults() {
        return new ServerConfig(null, Protocol.DEFAULT_SERVER_PORT, newInMemoryDatabaseUrl(), Limits.DEFAULT,
                DEFAULT_REQUEST_TIMEOUT, DEFAULT_FIRST_REQUEST_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, DEFAULT_MAX_RECORDS_PER_PEER, IndexBudget.forThisHeap(),
                KeepAlive.DEFAULT, false, SharedStoreSettings.DEFAULT);
    }

    /** A database of its own for each server, so servers in one JVM (tests) never share an index. */
    public static String newInMemoryDatabaseUrl() {
        return "jdbc:h2:mem:p2pci-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    public ServerConfig withPort(int value) {
        return new ServerConfig(bindAddress, value, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withBindAddress(InetAddress value) {
        return new ServerConfig(value, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout, writeTimeout,
                maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withJdbcUrl(String value) {
        return new ServerConfig(bindAddress, port, value, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withLimits(Limits value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, value, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withRequestTimeout(Duration value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, value, firstRequestTimeout, writeTimeout,
                maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withFirstRequestTimeout(Duration value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, value, writeTimeout,
                maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withWriteTimeout(Duration value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout, value,
                maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withMaxConnections(int total, int perAddress) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, total, perAddress, maxRecordsPerPeer, indexBudget, keepAlive, recordSourceAddress,
                shared);
    }

    public ServerConfig withMaxRecordsPerPeer(int value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, value, indexBudget, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withIndexBudget(IndexBudget value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, value, keepAlive,
                recordSourceAddress, shared);
    }

    public ServerConfig withKeepAlive(KeepAlive value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, value,
                recordSourceAddress, shared);
    }

    public ServerConfig withShared(SharedStoreSettings value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                recordSourceAddress, value);
    }

    /** Whether the index is kept in a shared store, which several instances use at once. */
    public boolean isShared() {
        return jdbcUrl.startsWith("jdbc:postgresql:");
    }

    public ServerConfig withRecordSourceAddress(boolean value) {
        return new ServerConfig(bindAddress, port, jdbcUrl, limits, requestTimeout, firstRequestTimeout,
                writeTimeout, maxConnections, maxConnectionsPerAddress, maxRecordsPerPeer, indexBudget, keepAlive,
                value, shared);
    }
}
