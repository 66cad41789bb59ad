package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.p2pci.testsupport.PostgresInstallation;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/cluster-demo as a user runs it, a process that starts PostgreSQL, two ci-server instances and three peers of
 * its own and checks every step itself: the test holds it to its exit status and its transcript.
 */
class ClusterDemoIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "cluster-demo");
    /** The demo takes about 15 s on an idle 2-core machine and is meant to take under a minute; the rest is load. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(2);
    /** After SIGTERM the demo stops what it started, each program within a few seconds, then exits. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    @RequiresPostgres
    void everyStepsCheckHoldsAndTheDemoExitsZero() throws Exception {
        Run run = runDemo(Map.of());

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

        Run run = runDemo(Map.of(PostgresInstallation.BIN_DIRECTORY_VARIABLE, empty.toString()));

        assertThat(run.status()).as(run.transcript()).isEqualTo(1);
        assertThat(run.transcript())
                .contains("\n✘ PostgreSQL cannot be run here: no PostgreSQL server")
                .contains("sudo apt-get install postgresql")
                .doesNotContainPattern("(?m)^✔ ");
    }

    /** How the demo exited, and everything it printed. */
    private record Run(int status, String transcript) {
    }

    private Run runDemo(Map<String, String> environment) throws IOException, InterruptedException {
        Path output = work.resolve("transcript.txt");
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The JDK running the tests, which the launcher takes when it is 21 or newer.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        Process demo = builder.start();
        demo.getOutputStream().close();
        if (!demo.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            // SIGTERM, so that the demo stops its programs and PostgreSQL as on Ctrl-C.
            demo.destroy();
            if (!demo.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                demo.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("bin/cluster-demo did not finish within " + RUN_DEADLINE.toSeconds()
                    + " s; its transcript:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Run(demo.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
