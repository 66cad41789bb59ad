package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.testsupport.PostgresCluster;

/**
 * The ci-server instances of a run on the shared store, all on one PostgreSQL database: a throwaway cluster started
 * for the run ({@link PostgresCluster}), or the database the settings name. Closing stops the instances, each of
 * which removes its rows as it goes, then the cluster. Used by one thread.
 */
final class SharedStoreServers implements AutoCloseable {
    private final Optional<PostgresCluster> cluster;
    private final List<ServerProcess> instances;

    private SharedStoreServers(Optional<PostgresCluster> cluster, List<ServerProcess> instances) {
        this.cluster = cluster;
        this.instances = instances;
    }

    /**
     * Starts the cluster unless the settings name a database, then {@code settings.store().instances()} servers on
     * it, one after another, their output in {@code ci-server-N.out} of the work directory. Whatever was started is
     * stopped again when a start fails.
     */
    static SharedStoreServers start(Settings settings) throws IOException {
        Optional<PostgresCluster> cluster = Optional.empty();
        List<ServerProcess> instances = new ArrayList<>();
        try {
            StoreSetup.Database database;
            if (settings.store().database().isPresent()) {
                database = settings.store().database().get();
            } else {
                cluster = Optional.of(PostgresCluster.start());
                database = new StoreSetup.Database(cluster.get().jdbcUrl(), Optional.of(cluster.get().user()),
                        Optional.of(cluster.get().password()));
            }
            for (int instance = 1; instance <= settings.store().instances(); instance++) {
                instances.add(ServerProcess.start(settings.serverLauncher(), settings.serverJar(),
                        settings.serverJvmOptions(), Optional.of(database),
                        settings.workDirectory().resolve("ci-server-" + instance + ".out")));
            }
            return new SharedStoreServers(cluster, instances);
        } catch (IOException | RuntimeException e) {
            new SharedStoreServers(cluster, instances).close();
            throw e;
        }
    }

    /** Where the instances listen, in the order they were started. */
    List<InetSocketAddress> addresses() {
        return instances.stream().map(ServerProcess::address).toList();
    }

    @Override
    public void close() {
        try {
            for (ServerProcess instance : instances.reversed()) {
                instance.close();
            }
        } finally {
            cluster.ifPresent(PostgresCluster::close);
        }
    }
}
