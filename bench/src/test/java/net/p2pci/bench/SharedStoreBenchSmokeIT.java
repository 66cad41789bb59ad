package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The load scenarios on the shared store for about a second each, with one and with two ci-server processes on a
 * real PostgreSQL, so that {@code --store shared} cannot rot: each run must pass its own checks, and with two
 * instances both must carry load and LOOKUPs must find records ADDed through the other. The figures mean nothing at
 * this size; the full runs are bench/shared-store.sh. Without PostgreSQL those tests skip (and fail in CI); the
 * options' checks run anyway. Each run has a cluster and servers of its own, so they run side by side.
 */
@Execution(ExecutionMode.CONCURRENT)
class SharedStoreBenchSmokeIT {
    private static final Path SERVER_JAR = Path.of("..", "ci-server", "target", "ci-server.jar");

    private Path work;

    @BeforeEach
    void makeWorkDirectory() throws IOException {
        work = Files.createTempDirectory("bench-shared-smoke-");
    }

    @AfterEach
    void removeWorkDirectory() {
        Bench.deleteTree(work);
    }

    @RequiresPostgres
    @ParameterizedTest(name = "{0} on {1} instance(s)")
    @CsvSource({
            "lookup, 2",
            "add,    2",
            "mixed,  2",
            "lookup, 1",
            "add,    1",
    })
    void scenarioRunsCleanlyOnAClusterOfItsOwn(String scenario, int instances) throws IOException {
        Result result = Bench.runScenario(settings(scenario, "--instances", Integer.toString(instances)));

        assertRanCleanly(result, scenario, instances);
    }

    /** As bench/shared-store.sh runs it: on a database it names, which the instances leave as empty as they found it. */
    @RequiresPostgres
    @Test
    void runsOnTheDatabaseItIsGivenAndLeavesItEmpty() throws IOException, SQLException {
        try (PostgresCluster cluster = PostgresCluster.start()) {
            Result result = Bench.runScenario(settings("lookup", "--instances", "2",
                    "--db", cluster.jdbcUrl(), "--db-user", cluster.user()));

            assertRanCleanly(result, "lookup", 2);
            try (Connection connection = DriverManager.getConnection(cluster.jdbcUrl(), cluster.user(),
                    cluster.password()); Statement statement = connection.createStatement()) {
                for (String table : List.of("server_instance", "peer", "rfc_record")) {
                    try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                        rows.next();
                        assertThat(rows.getLong(1)).as("rows left in " + table).isZero();
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            hold   --store shared
            lookup --store shared --server 127.0.0.1:7734
            lookup --instances 2
            lookup --db jdbc:postgresql://127.0.0.1:5432/p2pci
            lookup --store shared --instances 5
            lookup --store shared --db jdbc:h2:mem:index
            lookup --store postgres
            """)
    void refusesWhatTheSharedStoreCannotRun(String arguments) {
        String[] args = arguments.strip().split("\\s+");
        assertThat(Bench.run(args, new PrintWriter(Writer.nullWriter()))).isEqualTo(Bench.EXIT_USAGE);
    }

    private Settings settings(String scenario, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(scenario, "-s", "1", "-w", "0", "-c", "8", "-k", "5",
                "--store", "shared", "--server-jar", SERVER_JAR.toString(),
                "--work-dir", work.resolve(scenario).toString()));
        args.addAll(List.of(extra));
        return Bench.parseSettings(args.toArray(String[]::new));
    }

    private static void assertRanCleanly(Result result, String scenario, int instances) {
        assertThat(result.failures()).as(result.render()).isEmpty();
        assertThat(result.figure("errors").value()).as(result.render()).isZero();
        assertThat(result.figure("stale_records").value()).as(result.render()).isZero();
        assertThat(result.render()).contains("RESULT " + scenario, "store=shared instances=" + instances);
        if (instances > 1) {
            for (int instance = 1; instance <= instances; instance++) {
                assertThat(result.figure("instance" + instance + "_throughput").value()).as(result.render())
                        .isPositive();
            }
            if (!scenario.equals("add")) {
                assertThat(result.figure("lookups_across_instances").value()).as(result.render()).isPositive();
            }
        }
    }
}
