package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
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

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--port x          | --port takes a number from 0 to 65535, not: x",
            "--port 65536      | --port takes a number from 0 to 65535, not: 65536",
            "--port -1         | --port takes a number from 0 to 65535, not: -1",
            "--db jdbc:pg:x    | --db takes an H2 JDBC URL (jdbc:h2:...), not: jdbc:pg:x",
            "--log-level LOUD  | unknown log level: LOUD",
            "--colour          | Unrecognized option: --colour",
            "extra             | unexpected argument: extra",
            "--port            | Missing argument for option: p"})
    void badOptionsAreRefusedWithOneLine(String commandLine, String message) {
        assertThatThrownBy(() -> ServerOptions.parse(commandLine.split(" ")))
                .isInstanceOf(ServerOptions.UsageException.class)
                .hasMessage(message);
    }
}
