package net.p2pci.bench;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How one scenario runs: its size, its duration, and the programs it runs against.
 *
 * @param scenario         the scenario's name, e.g. {@code lookup}
 * @param connections      simulated peers sending load (C), or concurrent downloads
 * @param records          RFCs each simulated peer ADDs first, or keys each Redis connection SETs first (K)
 * @param duration         the measured phase (S)
 * @param warmup           the unmeasured phase before it, for the JIT of both sides
 * @param heldPeers        idle peers registered by {@code hold} (N)
 * @param sourceAddresses  how many 127.0.0.x addresses the many-connection scenarios spread over
 * @param holdTime         how long {@code hold} keeps its peers idle before counting them
 * @param largeFileBytes   the size of the file {@code get-large} generates
 * @param largeFile        an existing file for {@code get-large} to serve instead
 * @param rfcFile          the file {@code get} serves as RFC 2616
 * @param files            the RFC files {@code load-dir} generates and registers
 * @param serverJar        the ci-server jar to run with {@code java -jar} when there is no launcher
 * @param serverLauncher   the script that runs the server as users run it ({@code bin/ci-server}), unless a jar was
 *                         given
 * @param peerJar          the rfc-peer jar to run with {@code java -jar} when there is no launcher
 * @param peerLauncher     the script that runs the peer as users run it ({@code bin/rfc-peer}), unless a jar was given
 * @param serverJvmOptions JVM options for the server process
 * @param peerJvmOptions   JVM options for the rfc-peer process
 * @param externalServer   an index server already running on loopback, instead of starting one; for
 *                         {@code redis-get}, {@code redis-set} and {@code http-get}, the Redis or web server to load
 * @param serverPid        the process of the external server, whose CPU time (with its descendants') is read over
 *                         the measured phase
 * @param httpPath         {@code http-get}: the path requested, whose body must be {@code rfcFile}
 * @param store            where the servers started for the run keep the index, and how many share it
 * @param workDirectory    where generated files and process output go; emptied afterwards unless kept
 */
record Settings(String scenario, int connections, int records, Duration duration, Duration warmup, int heldPeers,
                int sourceAddresses, Duration holdTime, long largeFileBytes, Optional<Path> largeFile, Path rfcFile,
                int files, Path serverJar, Optional<Path> serverLauncher, Path peerJar, Optional<Path> peerLauncher, List<String> serverJvmOptions,
                List<String> peerJvmOptions,
                Optional<InetSocketAddress> externalServer, Optional<Long> serverPid, String httpPath,
                StoreSetup store, Path workDirectory) {
    Settings {
        if (connections < 1 || records < 1 || heldPeers < 0 || sourceAddresses < 1 || sourceAddresses > 250
                || files < 1 || largeFileBytes < 1) {
            throw new IllegalArgumentException("sizes out of range");
        }
        serverJvmOptions = List.copyOf(serverJvmOptions);
        peerJvmOptions = List.copyOf(peerJvmOptions);
        Objects.requireNonNull(largeFile, "largeFile");
        Objects.requireNonNull(peerLauncher, "peerLauncher");
        Objects.requireNonNull(serverLauncher, "serverLauncher");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(serverPid, "serverPid");
        if (!httpPath.startsWith("/")) {
            throw new IllegalArgumentException("--path must begin with /, not: " + httpPath);
        }
    }

    /** One line saying how the scenario was run, for the report's header. */
    String describe() {
        return describeScenario() + store.describe();
    }

    private String describeScenario() {
        return switch (scenario) {
            case "hold" -> "N=%d K=%d lookup C=%d S=%ds warmup=%ds".formatted(heldPeers, records, connections,
                    duration.toSeconds(), warmup.toSeconds());
            case "churn" -> "C=%d K=%d S=%ds warmup=%ds".formatted(connections, records, duration.toSeconds(),
                    warmup.toSeconds());
            case "get", "http-get" -> "C=%d S=%ds warmup=%ds".formatted(connections, duration.toSeconds(), warmup.toSeconds());
            case "get-large" -> "single stream S=%ds".formatted(duration.toSeconds());
            case "load-dir" -> "files=%d server warm-up=registrations for at least %ds, until settled".formatted(files,
                    warmup.toSeconds());
            default -> "C=%d K=%d S=%ds warmup=%ds".formatted(connections, records, duration.toSeconds(),
                    warmup.toSeconds());
        };
    }
}
