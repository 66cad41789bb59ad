package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.p2pci.testsupport.PostgresInstallation;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/cluster-demo as a user runs it, a process that starts PostgreSQL, two ci-server instances and three peers of
 * its own and checks every step itself: the test holds it to its exit status and its transcript.
 */
class ClusterDemoIT {
    /** The demo takes about 15 s on an idle 2-core machine and is meant to take under a minute; the rest is load. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    @RequiresPostgres
    void everyStepsCheckHoldsAndTheDemoExitsZero() throws Exception {
        LauncherRun run = runDemo(Map.of());

        assertThat(run.status()).as(run.transcript()).isZero();
        assertThat(run.transcript())
                .containsPattern("\\[server 2\\] \\[Server\\] Instance instance-1 \\(lease expired \\d+ ms ago\\):"
                        + " removed its 1 peer and 4 records")
                .containsPattern("Kill to purge: \\d+\\.\\d\\d s\\.")
                .containsPattern("\\[peer A\\] +\\[Peer\\] Lost the index server 127\\.0\\.0\\.1:\\d+ \\(.+\\);"
                        + " connected to 127\\.0\\.0\\.1:\\d+ and registered 4 RFCs again")
                .containsPattern("All \\d+ checks passed in \\d+\\.\\d s\\.")
                .doesNotContainPattern("(?m)^✘ ");
    }

    @Test
    void withoutPostgresItSaysWhatIsNeededAndExitsOne() throws Exception {
        Path empty = Files.createDirectory(work.resolve("no-postgres-here"));

        LauncherRun run = runDemo(Map.of(PostgresInstallation.BIN_DIRECTORY_VARIABLE, empty.toString()));

        assertThat(run.status()).as(run.transcript()).isEqualTo(1);
        assertThat(run.transcript())
                .contains("\n✘ PostgreSQL cannot be run here: no PostgreSQL server")
                .contains("sudo apt-get install postgresql")
                .doesNotContainPattern("(?m)^✔ ");
    }

    private LauncherRun runDemo(Map<String, String> environment) throws IOException, InterruptedException {
        return LauncherRun.run("cluster-demo", List.of(), environment, work, RUN_DEADLINE);
    }
}
