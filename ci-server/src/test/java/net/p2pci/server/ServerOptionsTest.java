package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ci-server command line: defaults, each option, and a one-line reason for each bad one. */
class ServerOptionsTest {
    @Test
    void defaultsAreTheWellKnownPortOnEveryAddressWithAnInMemoryIndex() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[0]);

        assertThat(options.config().port()).isEqualTo(7734);
        assertThat(options.config().bindAddress()).isNull();
        assertThat(options.config().jdbcUrl()).startsWith("jdbc:h2:mem:");
        assertThat(options.logLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void everyOptionIsApplied() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[] {
                "--port", "0", "--bind", "127.0.0.1", "--db", "jdbc:h2:file:/tmp/x", "--log-level", "debug"});

        assertThat(options.config().port()).isZero();
        assertThat(options.config().bindAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(options.config().jdbcUrl()).isEqualTo("jdbc:h2:file:/tmp/x");
        assertThat(options.logLevel()).isEqualTo(Level.DEBUG);
    }

    @Test
    void limitOptionsAreApplied() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[] {
                "--max-line-bytes", "256", "--max-headers", "8", "--request-timeout", "0.5",
                "--max-connections", "30", "--max-connections-per-address", "3", "--max-records-per-peer", "7",
                "--keepalive-idle", "2", "--keepalive-interval", "1", "--keepalive-probes", "3", "--record-source"});

        ServerConfig config = options.config();
        assertThat(config.limits().maxLineBytes()).isEqualTo(256);
        assertThat(config.limits().maxHeaderCount()).isEqualTo(8);
        assertThat(config.requestTimeout()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(config.maxConnections()).isEqualTo(30);
        assertThat(config.maxConnectionsPerAddress()).isEqualTo(3);
        assertThat(config.maxRecordsPerPeer()).isEqualTo(7);
        assertThat(config.keepAlive().detectionTime()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(config.recordSourceAddress()).isTrue();
    }

    @Test
    void theDashboardIsOffUnlessAPortIsGivenAndListensWhereItIsTold() throws Exception {
        assertThat(ServerOptions.parse(new String[0]).web()).isEmpty();
        assertThat(ServerOptions.parse(new String[] {"--http-port", "9100"}).web())
                .hasValue(new net.p2pci.server.web.WebSettings(null, 9100));
        assertThat(ServerOptions.parse(new String[] {"--http-port", "0", "--http-bind", "127.0.0.1"}).web())
                .hasValue(new net.p2pci.server.web.WebSettings(InetAddress.getByName("127.0.0.1"), 0));
    }

    @Test
    void helpNamesTheDashboardOptions() {
        java.io.StringWriter help = new java.io.StringWriter();
        ServerOptions.printHelp(new java.io.PrintWriter(help));
        assertThat(help.toString()).contains("--http-port <PORT>", "--http-bind <ADDRESS>", "/metrics", "default: off");
    }

    @Test
    void portFileIsMadeAbsoluteAndAbsentWithoutTheOption() throws Exception {
        assertThat(ServerOptions.parse(new String[0]).portFile()).isEmpty();
        assertThat(ServerOptions.parse(new String[] {"--port-file", "server.port"}).portFile())
                .contains(Path.of("server.port").toAbsolutePath());
    }

    @Test
    void logFileIsMadeAbsoluteAndLoggingGoesToTheConsoleWithoutIt() throws Exception {
        assertThat(ServerOptions.parse(new String[0]).logFile()).isEmpty();
        assertThat(ServerOptions.parse(new String[] {"--log-file", "server.log"}).logFile())
                .contains(Path.of("server.log").toAbsolutePath());
    }

    @Test
    void aPostgresqlUrlTakesTheSharedStoreOptions() throws Exception {
        ServerOptions options = ServerOptions.parse(new String[] {"--db", "jdbc:postgresql://db.example/p2pci",
                "--instance-name", "lab-1", "--lease-renewal", "1", "--lease", "3", "--db-wait", "2.5",
                "--db-user", "index"});

        assertThat(options.config().isShared()).isTrue();
        assertThat(options.config().shared().instanceName()).contains("lab-1");
        assertThat(options.config().shared().leaseRenewal()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.config().shared().lease()).isEqualTo(Duration.ofSeconds(3));
        assertThat(options.config().shared().databaseWait()).isEqualTo(Duration.ofMillis(2500));
        assertThat(options.config().shared().user()).contains("index");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port x          | --port takes a number from 0 to 65535, not: x",
            "--port 65536      | --port takes a number from 0 to 65535, not: 65536",
            "--port -1         | --port takes a number from 0 to 65535, not: -1",
            "--db jdbc:pg:x    | --db takes an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC URL, not: jdbc:pg:x",
            "--lease 30        | --lease applies to a PostgreSQL --db (jdbc:postgresql://...) only",
            "--db jdbc:postgresql://h/d --lease 4 --lease-renewal 3 | --lease-renewal, --lease, --db-wait: a lease must last at least twice its renewal interval (3000 ms), or one late renewal would lose it",
            "--log-level LOUD  | unknown log level: LOUD",
            "--colour          | Unrecognized option: --colour",
            "extra             | unexpected argument: extra",
            "--port            | Missing argument for option: p",
            "--max-line-bytes 10      | --max-line-bytes takes a whole number of at least 64, not: 10",
            "--max-connections 0      | --max-connections takes a whole number of at least 1, not: 0",
            "--request-timeout soon   | --request-timeout takes seconds from 0.001 to 86400, not: soon",
            "--keepalive-probes 0     | --keepalive-probes takes a whole number of at least 1, not: 0",
            "--log-file /              | --log-file: is a directory: /",
            "--log-file /no/such/x.log | --log-file: no such directory: /no/such",
            "--port-file /              | --port-file: is a directory: /",
            "--port-file /no/such/port  | --port-file: no such directory: /no/such",
            "--http-port 65536          | --http-port takes a number from 0 to 65535, not: 65536",
            "--http-port web            | --http-port takes a number from 0 to 65535, not: web",
            "--http-bind 127.0.0.1      | --http-bind applies with --http-port only",
            "--http-port 0 --http-bind no.such.host.invalid | --http-bind: unknown address: no.such.host.invalid"})
    void badOptionsAreRefusedWithOneLine(String commandLine, String message) {
        assertThatThrownBy(() -> ServerOptions.parse(commandLine.split(" ")))
                .isInstanceOf(ServerOptions.UsageException.class)
                .hasMessage(message);
    }
}
