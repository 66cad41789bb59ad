package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The HTTP mode against real servers on loopback: the JDK's HTTP server serving the sample RFC passes every check,
 * with that process's CPU per request reported; a raw socket server answering wrongly (a 404, a Content-Length or a
 * body of the wrong size, no Content-Length) fails the run with the error named.
 */
class HttpScenarioIT {
    private static final Path SAMPLE_RFC = Path.of("..", "sample-rfcs", "rfc2616.txt");

    private Path work;

    @BeforeEach
    void makeWorkDirectory() throws IOException {
        work = Files.createTempDirectory("bench-http-");
    }

    @AfterEach
    void removeWorkDirectory() {
        Bench.deleteTree(work);
    }

    @Test
    void downloadsFromARealHttpServerPassEveryCheck() throws IOException {
        byte[] file = Files.readAllBytes(SAMPLE_RFC);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/rfc2616.txt", exchange -> {
            exchange.sendResponseHeaders(200, file.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(file);
            }
        });
        server.start();
        try {
            Result result = run(server.getAddress().getPort(), "/rfc2616.txt", true);

            assertThat(result.failures()).as(result.render()).isEmpty();
            assertThat(result.figure("downloads").value()).as(result.render()).isPositive();
            assertThat(result.figure("server_cpu_us_per_req")).as(result.render()).isNotNull();
        } finally {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            a 404                        | 404 | LENGTH | FULL  | status-404
            a longer Content-Length      | 200 | PLUS1  | FULL  | wrong-length
            a body one byte short        | 200 | LENGTH | SHORT | wrong-length
            no Content-Length            | 200 | NONE   | FULL  | wrong-length
            """)
    void aWrongAnswerFailsTheRun(String what, int status, String length, String body, String kind) throws IOException {
        byte[] file = Files.readAllBytes(SAMPLE_RFC);
        String lengthHeader = switch (length) {
            case "LENGTH" -> "Content-Length: " + file.length + "\r\n";
            case "PLUS1" -> "Content-Length: " + (file.length + 1) + "\r\n";
            default -> "";
        };
        byte[] head = ("HTTP/1.1 " + status + " Whatever\r\nConnection: close\r\n" + lengthHeader + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        int bodyLength = body.equals("SHORT") ? file.length - 1 : file.length;
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread.ofVirtual().start(() -> answerEveryone(listener, head, file, bodyLength));

            Result result = run(listener.getLocalPort(), "/rfc2616.txt", false);

            assertThat(result.passed()).as(result.render()).isFalse();
            assertThat(result.figure("errors").value()).as(result.render()).isPositive();
            assertThat(result.render()).contains(kind + "=");
        }
    }

    private Result run(int port, String path, boolean withPid) throws IOException {
        List<String> args = new ArrayList<>(List.of("http-get", "-c", "2", "-s", "1", "-w", "0",
                "--server", "127.0.0.1:" + port, "--path", path, "--rfc-file", SAMPLE_RFC.toString(),
                "--work-dir", work.toString()));
        if (withPid) {
            args.addAll(List.of("--server-pid", Long.toString(ProcessHandle.current().pid())));
        }
        Settings settings = Bench.parseSettings(args.toArray(String[]::new));
        return Bench.runAgainst(settings, new InetSocketAddress("127.0.0.1", port), Optional.empty());
    }

    /** Reads each request's head, then writes the same head and {@code bodyLength} bytes of the file, and closes. */
    private static void answerEveryone(ServerSocket listener, byte[] head, byte[] file, int bodyLength) {
        while (!listener.isClosed()) {
            try (Socket client = listener.accept()) {
                InputStream in = client.getInputStream();
                byte[] end = {'\r', '\n', '\r', '\n'};
                int matched = 0;
                while (matched < end.length) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = client.getOutputStream();
                out.write(head);
                out.write(file, 0, bodyLength);
            } catch (IOException e) {
                // the listener was closed, or the client went away; the next accept tells which
            }
        }
    }
}
