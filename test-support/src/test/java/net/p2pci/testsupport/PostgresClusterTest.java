package net.p2pci.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A real cluster, through plain JDBC: started, queried, stopped and started again on its port, and deleted. */
@RequiresPostgres
class PostgresClusterTest {
    private static PostgresInstallation installation;
    /** For the tests that do not close it, and leave it running. */
    private static PostgresCluster shared;

    @BeforeAll
    static void startShared() throws IOException {
        shared = PostgresCluster.start();
        installation = shared.installation();
    }

    @AfterAll
    static void closeShared() {
        if (shared != null) {
            shared.close();
        }
    }

    private static Connection connect(PostgresCluster cluster) throws SQLException {
        return connect(cluster, cluster.jdbcUrl());
    }

    private static Connection connect(PostgresCluster cluster, String url) throws SQLException {
        return DriverManager.getConnection(url, cluster.user(), cluster.password());
    }

    private static String queryOne(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(sql)) {
            assertThat(row.next()).as("a row from %s", sql).isTrue();
            return row.getString(1);
        }
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).filter(process -> !PostgresCluster.hasExited(process)).isPresent();
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Test
    void aStartedClusterAnswersOnLoopbackAsTheTestsUserInItsDatabase() throws Exception {
        assertThat(shared.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + shared.port() + "/p2pci");
        assertThat(shared.isRunning()).isTrue();
        try (Connection connection = connect(shared)) {
            assertThat(queryOne(connection, "SELECT current_user")).isEqualTo(PostgresCluster.USER);
            assertThat(queryOne(connection, "SELECT current_database()")).isEqualTo(PostgresCluster.DATABASE);
            assertThat(queryOne(connection, "SHOW listen_addresses")).isEqualTo("127.0.0.1");
            assertThat(queryOne(connection, "SHOW server_encoding")).isEqualTo("UTF8");
            assertThat(queryOne(connection, "SHOW max_connections")).isEqualTo("200");
            assertThat(queryOne(connection, "SHOW fsync")).isEqualTo("on");
            assertThat(queryOne(connection, "SHOW synchronous_commit")).isEqualTo("on");
            assertThat(queryOne(connection, "SHOW unix_socket_directories"))
                    .isEqualTo(shared.directory().resolve("socket").toString());
            assertThat(queryOne(connection, "SELECT 6 * 7")).isEqualTo("42");
        }
    }

    @Test
    void aClusterServesStopsStartsAgainOnItsPortWithItsDataAndIsGoneOnceClosed() throws Exception {
        PostgresCluster cluster = PostgresCluster.start(installation);
        try {
            int port = cluster.port();
            try (Connection connection = connect(cluster)) {
                execute(connection, "CREATE TABLE kept (value text)");
                execute(connection, "INSERT INTO kept VALUES ('before the outage')");
            }

            cluster.stop();
            assertThat(cluster.isRunning()).isFalse();
            assertThatThrownBy(() -> connect(cluster).close()).isInstanceOf(SQLException.class);

            cluster.startAgain();
            assertThat(cluster.port()).isEqualTo(port);
            try (Connection connection = connect(cluster)) {
                assertThat(queryOne(connection, "SELECT value FROM kept")).isEqualTo("before the outage");
                execute(connection, "INSERT INTO kept VALUES ('before the crash')");
            }

            // An immediate shutdown is a crash to the server: what was committed comes back from the WAL.
            cluster.stop(PostgresCluster.Shutdown.IMMEDIATE);
            cluster.startAgain();
            assertThat(cluster.port()).isEqualTo(port);
            try (Connection connection = connect(cluster)) {
                assertThat(queryOne(connection, "SELECT count(*) FROM kept")).isEqualTo("2");
            }
        } finally {
            cluster.close();
        }
        assertThat(cluster.directory()).doesNotExist();
    }

    @Test
    void aRestartCutsTheOpenConnectionsAndTakesNewOnesOnTheSamePort() throws Exception {
        int port = shared.port();
        try (Connection before = connect(shared)) {
            shared.restart();
            assertThatThrownBy(() -> queryOne(before, "SELECT 1")).isInstanceOf(SQLException.class);
        }
        assertThat(shared.port()).isEqualTo(port);
        try (Connection after = connect(shared)) {
            assertThat(queryOne(after, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void closingStopsTheServerAndDeletesItsDirectory() throws Exception {
        PostgresCluster cluster = PostgresCluster.start(installation);
        Path directory = cluster.directory();
        long postmasterPid = Long.parseLong(
                Files.readAllLines(directory.resolve("data").resolve("postmaster.pid")).get(0).strip());

        cluster.close();

        assertThat(directory).doesNotExist();
        assertThat(isRunning(postmasterPid)).isFalse();
        assertThatThrownBy(() -> connect(cluster).close()).isInstanceOf(SQLException.class);
        cluster.close(); // a second close does nothing
    }

    @Test
    void closingAStoppedClusterDeletesItsDirectory() throws Exception {
        PostgresCluster cluster = PostgresCluster.start(installation);
        cluster.stop();

        cluster.close();

        assertThat(cluster.directory()).doesNotExist();
        assertThatThrownBy(cluster::startAgain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTestGetsADatabaseOfItsOwnBesideTheFirst() throws Exception {
        shared.createDatabase("separate_1");
        try (Connection separate = connect(shared, shared.jdbcUrl("separate_1"));
             Connection first = connect(shared)) {
            execute(separate, "CREATE TABLE only_here (id int)");
            assertThat(queryOne(separate, "SELECT current_database()")).isEqualTo("separate_1");
            assertThat(queryOne(first, "SELECT to_regclass('only_here') IS NULL")).isEqualTo("t");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Upper", "1starts_with_digit", "has-dash", "x; DROP DATABASE p2pci",
            "one_more_than_the_sixty_three_characters_postgres_keeps_of_names"})
    void aDatabaseNameThatWouldNeedQuotingOrCuttingIsRefused(String name) {
        assertThatThrownBy(() -> shared.createDatabase(name)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDatabaseNameOfSixtyThreeCharactersIsTaken() throws Exception {
        String name = "sixty_three_characters_the_most_that_postgres_keeps_of_any_name";
        assertThat(name).hasSize(63);
        shared.createDatabase(name);
        try (Connection connection = connect(shared, shared.jdbcUrl(name))) {
            assertThat(queryOne(connection, "SELECT current_database()")).isEqualTo(name);
        }
    }

    @Test
    void startingAgainOnAPortTakenMeanwhileFailsWithTheServersLog() throws Exception {
        shared.stop();
        try (ServerSocket squatter = new ServerSocket(shared.port(), 1, InetAddress.getByName("127.0.0.1"))) {
            assertThatThrownBy(shared::startAgain).isInstanceOf(IOException.class)
                    .hasMessageContaining("another process took port " + shared.port())
                    .hasMessageContaining(shared.logFile().toString())
                    .hasMessageContaining("Address already in use");
        } finally {
            if (!shared.isRunning()) {
                shared.startAgain();
            }
        }
        try (Connection connection = connect(shared)) {
            assertThat(queryOne(connection, "SELECT 1")).isEqualTo("1");
        }
    }

    @Test
    void aClusterWhoseJvmDiedIsClosedByTheNextStart() throws Exception {
        PostgresCluster abandoned = PostgresCluster.start(installation);
        Path directory = abandoned.directory();
        long postmasterPid = Long.parseLong(
                Files.readAllLines(directory.resolve("data").resolve("postmaster.pid")).get(0).strip());
        // A process that has exited stands for the JVM that made the cluster and was killed before closing it.
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(directory.resolve("owner"), gone.pid() + " " + Instant.now() + "\n");

        try (PostgresCluster next = PostgresCluster.start(installation)) {
            assertThat(directory).doesNotExist();
            assertThat(isRunning(postmasterPid)).isFalse();
            assertThat(next.directory()).exists();
        } finally {
            abandoned.close();
        }
    }

    @Test
    void aClusterOfALiveJvmIsLeftAloneByAnotherStart() throws Exception {
        try (PostgresCluster second = PostgresCluster.start(installation)) {
            assertThat(second.port()).isNotEqualTo(shared.port());
            assertThat(shared.directory()).exists();
            try (Connection connection = connect(shared)) {
                assertThat(queryOne(connection, "SELECT 1")).isEqualTo("1");
            }
        }
    }

    @Test
    void theInstallationRunsTheServerAsPostgresOnlyWhenThisProcessIsRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").start();
        boolean root = new String(id.getInputStream().readAllBytes()).strip().equals("0");
        assertThat(installation.serverUser()).isEqualTo(root ? Optional.of("postgres") : Optional.empty());
        assertThat(installation.majorVersion()).isGreaterThanOrEqualTo(PostgresInstallation.MINIMUM_MAJOR_VERSION);
    }
}
