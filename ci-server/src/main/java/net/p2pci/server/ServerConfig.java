package net.p2pci.server;

import java.net.InetAddress;
import java.util.Objects;
import java.util.UUID;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.Protocol;

/**
 * How an {@link IndexServer} runs: where it listens, where it keeps the index, and the limits it applies.
 *
 * @param bindAddress the address to listen on; null for every local address
 * @param port        the TCP port; 0 takes any free port
 * @param jdbcUrl     the H2 database that holds the index
 * @param limits      bounds on what one request may contain
 */
public record ServerConfig(InetAddress bindAddress, int port, String jdbcUrl, Limits limits) {
    public ServerConfig {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(limits, "limits");
    }

    /** Port 7734 on every address, with the index in a private in-memory database. */
    public static ServerConfig defaults() {
        return new ServerConfig(null, Protocol.DEFAULT_SERVER_PORT, newInMemoryDatabaseUrl(), Limits.DEFAULT);
    }

    /** A database of its own for each server, so servers in one JVM (tests) never share an index. */
    public static String newInMemoryDatabaseUrl() {
        return "jdbc:h2:mem:p2pci-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    }

    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bindAddress, newPort, jdbcUrl, limits);
    }

    public ServerConfig withBindAddress(InetAddress newBindAddress) {
        return new ServerConfig(newBindAddress, port, jdbcUrl, limits);
    }

    public ServerConfig withJdbcUrl(String newJdbcUrl) {
        return new ServerConfig(bindAddress, port, newJdbcUrl, limits);
    }

    public ServerConfig withLimits(Limits newLimits) {
        return new ServerConfig(bindAddress, port, jdbcUrl, newLimits);
    }
}
