package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The ci-server jar as a real process: its exit statuses, its help, and SIGTERM. */
class CiServerProcessIT {
    private static final Pattern LISTENING = Pattern.compile("\\[Server\\] Listening on .*:(\\d+)$");
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    static Path jar() {
        Path jar = Path.of("target", "ci-server.jar");
        assertThat(jar).exists();
        return jar;
    }

    static ProcessBuilder server(String... args) {
        return server(List.of(), args);
    }

    /** The server jar run by this JVM's java with {@code jvmOptions} (a smaller heap, say) and {@code args}. */
    static ProcessBuilder server(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /** Starts the server with its output going to a file, which survives the process (a pipe may not). */
    static Process start(ProcessBuilder builder, Path output) throws IOException {
        return builder.redirectOutput(output.toFile()).start();
    }

    /** The lines written so far; none while the file does not exist yet (a log file appears with its first line). */
    static List<String> lines(Path output) throws IOException {
        return Files.exists(output) ? Files.readAllLines(output, StandardCharsets.UTF_8) : List.of();
    }

    static int awaitListeningPort(Path output) {
        return await().atMost(START_DEADLINE).until(() -> lines(output).stream().map(LISTENING::matcher)
                .filter(Matcher::find).mapToInt(m -> Integer.parseInt(m.group(1))).findFirst().orElse(-1),
                port -> port > 0);
    }

    @Test
    void sigtermClosesConnectionsAndExitsZero() throws Exception {
        Path output = Files.createTempFile("ci-server", ".out");
        Process process = start(server("--port", "0", "--bind", "127.0.0.1"), output);
        try {
            int port = awaitListeningPort(output);
            try (RawClient peer = new RawClient(port)) {
                peer.exchange(Requests.add(1, "peer-a.example", 5678, "Host Software"));

                process.destroy(); // SIGTERM

                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isZero();
                assertThat(peer.isClosedByServer()).isTrue();
            }
            assertThat(lines(output)).contains("[Server] Added RFC 1 from peer-a.example", "[Server] Stopped",
                    "[Server] Removed peer-a.example:5678 (1 record)");
            // Nothing else: a Log4j complaint (such as a plugin of the configuration missing from the jar) would
            // show here as a line of its own.
            assertThat(lines(output)).allSatisfy(line -> assertThat(line).startsWith("[Server] "));
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void portInUseIsOneLineAndExitStatusTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path output = Files.createTempFile("ci-server", ".out");
            Process process = start(server("--port", Integer.toString(taken.getLocalPort()), "--bind", "127.0.0.1"),
                    output);
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isEqualTo(2);
                assertThat(lines(output)).hasSize(1).first().satisfies(line -> assertThat(line)
                        .startsWith("ci-server: cannot listen on 127.0.0.1:" + taken.getLocalPort()));
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void badOptionIsExitStatusTwoAndHelpTellsEveryOption() throws Exception {
        Process bad = server("--port", "seventy").start();
        Process help = server("--help").start();
        try {
            assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(bad.exitValue()).isEqualTo(2);
            assertThat(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .startsWith("ci-server: --port takes a number from 0 to 65535, not: seventy");

            assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(help.exitValue()).isZero();
            assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .contains("--port", "--bind", "--db", "--log-level", "--log-file", "--port-file", "--help",
                            "--version");
        } finally {
            bad.destroyForcibly().waitFor();
            help.destroyForcibly().waitFor();
        }
    }

    @Test
    void logFileOptionSendsTheLogLinesToTheFileInsteadOfStdout() throws Exception {
        Path directory = Files.createTempDirectory("ci-server-log");
        Path logFile = directory.resolve("server.log");
        Path output = directory.resolve("out");
        Process process = start(server("--port", "0", "--bind", "127.0.0.1", "--log-file", logFile.toString()),
                output);
        try {
            int port = awaitListeningPort(logFile);
            try (RawClient peer = new RawClient(port)) {
                peer.exchange(Requests.add(1, "peer-a.example", 5678, "Host Software"));
            }
            await().atMost(START_DEADLINE).until(() -> lines(logFile).stream()
                    .anyMatch(line -> line.endsWith("[Server] Removed peer-a.example:5678 (1 record)")));
            process.destroy();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            String timestamp = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ";
            assertThat(lines(logFile)).anySatisfy(line -> assertThat(line)
                    .matches(timestamp + "\\[Server\\] Added RFC 1 from peer-a\\.example"));
            assertThat(lines(output)).isEmpty();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void fileDatabaseOptionKeepsTheIndexInAFile() throws Exception {
        Path directory = Files.createTempDirectory("ci-server-db");
        Process process = start(server("--port", "0", "--bind", "127.0.0.1", "--db",
                "jdbc:h2:file:" + directory.resolve("index")), directory.resolve("out"));
        try {
            awaitListeningPort(directory.resolve("out"));
            assertThat(directory.resolve("index.mv.db")).exists();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
