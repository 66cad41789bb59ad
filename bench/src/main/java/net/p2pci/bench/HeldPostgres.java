package net.p2pci.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import net.p2pci.testsupport.PostgresCluster;

/**
 * {@code bench/bench postgres PORT_FILE}: starts a throwaway PostgreSQL cluster, the same as {@code --store shared}
 * starts for a run ({@link PostgresCluster}: 127.0.0.1 only, trust authentication, user and database
 * {@value PostgresCluster#USER}), writes its port to PORT_FILE, and holds it until this process gets SIGTERM or the
 * process that started it exits; then the cluster is stopped and deleted. For scripts that run the bench
 * ({@code --db}) and pgbench on one cluster, as {@code bench/shared-store.sh} does.
 */
public final class HeldPostgres {
    private HeldPostgres() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            System.err.println("usage: bench postgres PORT_FILE");
            System.exit(Bench.EXIT_USAGE);
        }
        Path portFile = Path.of(args[0]);
        // Closed by PostgresCluster's own shutdown hook, which SIGTERM and the exit below both run.
        PostgresCluster cluster = PostgresCluster.start();
        // Written whole and then moved, so that a script polling for the file never reads half a number.
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
        Files.writeString(partial, cluster.port() + "\n");
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("bench: " + cluster + ", user " + cluster.user() + ", database " + cluster.database()
                + "; SIGTERM stops it");
        Optional<ProcessHandle> starter = ProcessHandle.current().parent();
        if (starter.isPresent()) {
            // A script killed before it could stop this process leaves no cluster running.
            starter.get().onExit().join();
        } else {
            Thread.currentThread().join();
        }
        System.exit(Bench.EXIT_OK);
    }
}
