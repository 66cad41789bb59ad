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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import net.p2pci.testsupport.ProgramProcess;
import net.p2pci.testsupport.Programs;
import org.junit.jupiter.api.Test;

/** The ci-server jar as a real process: its exit statuses, its help, and SIGTERM. */
class CiServerProcessIT {
    static final Duration START_DEADLINE = Duration.ofSeconds(30);

    static ProcessBuilder server(String... args) throws IOException {
        return server(List.of(), args);
    }

    /** The server jar run by this JVM's java with {@code jvmOptions} (a smaller heap, say) and {@code args}. */
    static ProcessBuilder server(List<String> jvmOptions, String... args) throws IOException {
        Path repository = Path.of("").toAbsolutePath().getParent();
        return Programs.javaJar(Programs.jar(repository, "ci-server"), jvmOptions, List.of(args))
                .redirectErrorStream(true);
    }

    /** Starts the server with its output going to a new temporary file; {@link ProgramProcess#awaitPort} waits. */
    static ProgramProcess start(List<String> jvmOptions, String... args) throws IOException {
        return start(Files.createTempFile("ci-server", ".out"), jvmOptions, args);
    }

    static ProgramProcess start(Path output, List<String> jvmOptions, String... args) throws IOException {
        return ProgramProcess.start("ci-server", server(jvmOptions, args), output);
    }

    /** The lines written so far; none while the file does not exist yet (a log file appears with its first line). */
    static List<String> lines(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
    }

    @Test
    void portFileHoldsTheListeningPortWholeOnceTheServerListens() throws Exception {
        Path directory = Files.createTempDirectory("ci-server-port");
        ProgramProcess server = start(directory.resolve("out"), List.of(), "--port", "0", "--bind", "127.0.0.1");
        try {
            int port = server.awaitPort(START_DEADLINE);

            assertThat(server.portFile()).hasContent(port + "\n");
            try (RawClient peer = new RawClient(port)) {
                assertThat(peer.exchange(Requests.add(1, "peer-a.example", 5678, "Host Software")))
                        .startsWith("P2P-CI/1.0 200 OK\r\n");
            }
            // Moved into place, not written there: no temporary file is left beside it.
            try (Stream<Path> files = Files.list(directory)) {
                assertThat(files.map(file -> file.getFileName().toString())).containsExactlyInAnyOrder("out",
                        "out.port");
            }
        } finally {
            server.process().destroyForcibly().waitFor();
        }
    }

    @Test
    void sigtermClosesConnectionsAndExitsZero() throws Exception {
        ProgramProcess server = start(List.of(), "--port", "0", "--bind", "127.0.0.1");
        Process process = server.process();
        try {
            int port = server.awaitPort(START_DEADLINE);
            try (RawClient peer = new RawClient(port)) {
                peer.exchange(Requests.add(1, "peer-a.example", 5678, "Host Software"));

                process.destroy(); // SIGTERM

                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isZero();
                assertThat(peer.isClosedByServer()).isTrue();
            }
            assertThat(server.lines()).contains("[Server] Added RFC 1 from peer-a.example", "[Server] Stopped",
                    "[Server] Removed peer-a.example:5678 (1 record)");
            // Nothing else: a Log4j complaint (such as a plugin of the configuration missing from the jar) would
            // show here as a line of its own.
            assertThat(server.lines()).allSatisfy(line -> assertThat(line).startsWith("[Server] "));
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void portInUseIsOneLineAndExitStatusTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProgramProcess server = start(List.of(), "--port", Integer.toString(taken.getLocalPort()), "--bind",
                    "127.0.0.1");
            Process process = server.process();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isEqualTo(2);
                assertThat(server.portFile()).doesNotExist();
                assertThat(server.lines()).hasSize(1).first().satisfies(line -> assertThat(line)
                        .startsWith("ci-server: cannot listen on 127.0.0.1:" + taken.getLocalPort()));
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void httpPortInUseIsOneLineAndExitStatusTwo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ProgramProcess server = start(List.of(), "--port", "0", "--bind", "127.0.0.1", "--http-port",
                    Integer.toString(taken.getLocalPort()), "--http-bind", "127.0.0.1");
            Process process = server.process();
            try {
                assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(process.exitValue()).isEqualTo(2);
                assertThat(server.portFile()).doesNotExist();
                assertThat(server.lines()).anySatisfy(line -> assertThat(line)
                        .startsWith("ci-server: cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort()));
            } finally {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void theJarServesTheDashboardAndMetricsWhereItSaysItListens() throws Exception {
        ProgramProcess server = start(List.of(), "--port", "0", "--bind", "127.0.0.1", "--http-port", "0",
                "--http-bind", "127.0.0.1");
        try {
            int port = server.awaitPort(START_DEADLINE);
            java.util.regex.Pattern listening = java.util.regex.Pattern.compile(
                    ".*\\[Web] Dashboard and metrics on http://127\\.0\\.0\\.1:(\\d+)/$");
            String line = await().atMost(START_DEADLINE).until(() -> server.lines().stream()
                    .filter(text -> listening.matcher(text).matches()).findFirst(), java.util.Optional::isPresent)
                    .orElseThrow();
            java.util.regex.Matcher matcher = listening.matcher(line);
            assertThat(matcher.matches()).isTrue();
            WebClient web = new WebClient(Integer.parseInt(matcher.group(1)));
            try (RawClient peer = new RawClient(port)) {
                peer.exchange(Requests.add(1, "peer-a.example", 5678, "Host Software"));

                assertThat(web.get("/").body()).contains("<title>P2P-CI index</title>");
                PrometheusText metrics = PrometheusText.parse(web.get("/metrics").body());
                assertThat(metrics.value("p2pci_requests_total", java.util.Map.of("method", "ADD", "status", "200")))
                        .hasValue(1.0);
                assertThat(metrics.family("jvm_memory_used_bytes")).isPresent();
            }
        } finally {
            server.process().destroyForcibly().waitFor();
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
                    .contains("--port", "--bind", "--http-port", "--http-bind", "--db", "--log-level", "--log-file",
                            "--port-file", "--help", "--version");
        } finally {
            bad.destroyForcibly().waitFor();
            help.destroyForcibly().waitFor();
        }
    }

    @Test
    void logFileOptionSendsTheLogLinesToTheFileInsteadOfStdout() throws Exception {
        Path directory = Files.createTempDirectory("ci-server-log");
        Path logFile = directory.resolve("server.log");
        ProgramProcess server = start(directory.resolve("out"), List.of(), "--port", "0", "--bind", "127.0.0.1",
                "--log-file", logFile.toString());
        Process process = server.process();
        try {
            int port = server.awaitPort(START_DEADLINE);
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
            assertThat(server.lines()).isEmpty();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }

    @Test
    void fileDatabaseOptionKeepsTheIndexInAFile() throws Exception {
        Path directory = Files.createTempDirectory("ci-server-db");
        ProgramProcess server = start(directory.resolve("out"), List.of(), "--port", "0", "--bind", "127.0.0.1",
                "--db", "jdbc:h2:file:" + directory.resolve("index"));
        Process process = server.process();
        try {
            server.awaitPort(START_DEADLINE);
            assertThat(directory.resolve("index.mv.db")).exists();
        } finally {
            process.destroyForcibly().waitFor();
        }
    }
}
