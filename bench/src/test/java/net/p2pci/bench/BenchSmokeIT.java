package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every scenario for about a second against a real ci-server process (and rfc-peer processes), so that the
 * benchmark tool cannot rot: each run must pass its own checks, with no error and no stale record. The figures
 * mean nothing at this size; the full runs are bench/side-by-side.sh.
 */
class BenchSmokeIT {
    private static final Path SERVER_JAR = Path.of("..", "ci-server", "target", "ci-server.jar");
    private static final Path PEER_JAR = Path.of("..", "rfc-peer", "target", "rfc-peer.jar");
    private static final Path PEER_LAUNCHER = Path.of("..", "bin", "rfc-peer");
    private static final Path SERVER_LAUNCHER = Path.of("..", "bin", "ci-server");
    private static final Path SAMPLE_RFC = Path.of("..", "sample-rfcs", "rfc2616.txt");

    private static Path work;
    private static ServerProcess server;

    @BeforeAll
    static void startServer() throws IOException {
        work = Files.createTempDirectory("bench-smoke-");
        server = ServerProcess.start(SERVER_JAR, List.of(), work.resolve("ci-server.out"));
    }

    @AfterAll
    static void stopServer() {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            Bench.deleteTree(work);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            lookup    | -c 8 -k 5
            add       | -c 8 -k 5
            list      | -c 4 -k 5
            mixed     | -c 8 -k 5
            search    | -c 4 -k 5
            search-broad | -c 2 -k 600
            lookup    | -c 1 -k 10
            hold      | -c 4 -k 10 -n 300 --addresses 3 --hold-seconds 1
            churn     | -c 4 -k 10 --addresses 2
            get       | -c 4
            get-large | --size 16M
            multi-source | --size 32M
            """)
    void scenarioRunsCleanly(String scenario, String options) throws IOException {
        runsCleanly(scenario, options + " --peer-jar " + PEER_JAR);
    }

    /** As users run the peer, and as the full runs do: through bin/rfc-peer, with its class-data archive. */
    @Test
    void loadDirRunsThePeerThroughItsLauncher() throws IOException {
        runsCleanly("load-dir", "--files 300 --peer-launcher " + PEER_LAUNCHER);
    }

    /**
     * load-dir from the peer's jar, with its warm-up: simulated peers register the directory's RFCs, pipelined, until
     * the server settles (the launcher's run above has none).
     */
    @Test
    void loadDirWarmsTheServerUpWithPipelinedRegistrationsFirst() throws IOException {
        Result result = runsCleanly("load-dir", "1", "--files 300 --peer-jar " + PEER_JAR);

        assertThat(result.figure("warmup_rounds").value()).as(result.render()).isGreaterThanOrEqualTo(3);
        assertThat(result.figure("first_seconds").value()).as(result.render()).isPositive();
    }

    /**
     * The server as users run it, through bin/ci-server: hold's heap figures come from jcmd on the process the bench
     * started, so they hold only if the launcher becomes the JVM rather than starting it as a child.
     */
    @Test
    void holdMeasuresTheServerStartedThroughItsLauncher() throws IOException {
        Path output = work.resolve("launched-ci-server.out");
        try (ServerProcess launched = ServerProcess.start(Optional.of(SERVER_LAUNCHER), SERVER_JAR, List.of(),
                output)) {
            Settings settings = Bench.parseSettings("hold", "-s", "1", "-w", "0", "-c", "4", "-k", "10", "-n", "300",
                    "--addresses", "3", "--hold-seconds", "1", "--work-dir", work.resolve("hold-launched").toString());

            Result result = Bench.runAgainst(settings, launched.address(), Optional.of(launched));

            assertThat(result.failures()).as(result.render()).isEmpty();
            assertThat(result.figure("heap_per_peer_kb").value()).as(result.render()).isPositive();
        }
    }

    private static void runsCleanly(String scenario, String options) throws IOException {
        runsCleanly(scenario, "0", options);
    }

    private static Result runsCleanly(String scenario, String warmupSeconds, String options) throws IOException {
        List<String> args = new ArrayList<>(List.of(scenario, "-s", "1", "-w", warmupSeconds,
                "--server-jar", SERVER_JAR.toString(), "--rfc-file", SAMPLE_RFC.toString(),
                "--work-dir", work.resolve(scenario + "-w" + warmupSeconds + "-" + options.hashCode()).toString()));
        args.addAll(List.of(options.strip().split("\\s+")));
        Settings settings = Bench.parseSettings(args.toArray(String[]::new));

        Result result = Bench.runAgainst(settings, server.address(), Optional.of(server));

        assertThat(result.failures()).as(result.render()).isEmpty();
        assertThat(result.figure("errors").value()).as(result.render()).isZero();
        if (result.figure("stale_records") != null) {
            assertThat(result.figure("stale_records").value()).as(result.render()).isZero();
        }
        assertThat(result.render()).contains("RESULT " + scenario);
        return result;
    }
}
