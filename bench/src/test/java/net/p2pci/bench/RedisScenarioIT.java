package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Redis mode against a real redis-server process on loopback (skipped where none is installed): the scenarios
 * pass their own checks and report Redis's CPU per request, and the answer checks catch what a real Redis says
 * when the answer is not the expected one.
 */
class RedisScenarioIT {
    private static final Duration START_DEADLINE = Duration.ofSeconds(30);

    private static Process redis;
    private static InetSocketAddress address;
    private static Path work;

    @BeforeAll
    static void startRedis() throws IOException, InterruptedException {
        Path binary = Stream.of("/usr/bin/redis-server", "/usr/local/bin/redis-server").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(binary != null, "no redis-server installed");
        work = Files.createTempDirectory("bench-redis-");
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        redis = new ProcessBuilder(binary.toString(), "--bind", "127.0.0.1", "--port", Integer.toString(port),
                "--save", "", "--appendonly", "no", "--dir", work.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        address = new InetSocketAddress("127.0.0.1", port);
        awaitListening(address);
    }

    @AfterAll
    static void stopRedis() {
        if (redis != null) {
            redis.destroyForcibly();
        }
        if (work != null) {
            Bench.deleteTree(work);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis-get", "redis-set"})
    void theScenarioPassesItsChecksAndReportsRedisCpuPerRequest(String scenario) throws IOException {
        Settings settings = Bench.parseSettings(scenario, "-c", "4", "-k", "5", "-s", "1", "-w", "0",
                "--server", "127.0.0.1:" + address.getPort(), "--server-pid", Long.toString(redis.pid()),
                "--work-dir", work.resolve(scenario).toString());

        Result result = Bench.runAgainst(settings, address, Optional.empty());

        assertThat(result.failures()).as(result.render()).isEmpty();
        assertThat(result.figure("requests").value()).as(result.render()).isPositive();
        assertThat(result.figure("server_cpu_us_per_req")).as(result.render()).isNotNull();
        assertThat(result.figure("server_cpu_us_per_req").value()).as(result.render()).isNotNegative();
    }

    @Test
    void aSetIsAnsweredOkAndTheGetOfItsKeyWithItsValue() throws Exception {
        try (WireConnection<RespReader> connection = open()) {
            set(connection, "check:1", "2616 a value");
            get(connection, "check:1", "2616 a value");
        }
    }

    @Test
    void anotherValueIsAWrongAnswerAndTheConnectionStaysUsable() throws Exception {
        try (WireConnection<RespReader> connection = open()) {
            set(connection, "check:2", "2616 a value");
            assertWrong(() -> get(connection, "check:2", "2616 another value"), "resp-wrong-value");
            assertWrong(() -> get(connection, "check:absent", "2616 a value"), "resp-nil");
            assertWrong(() -> connection.exchange(RespReader.command("NOSUCHCOMMAND", "x"), reader -> {
                reader.expectOk();
                return null;
            }), "resp-error");
            get(connection, "check:2", "2616 a value");
        }
    }

    @Test
    void aGetAnsweredWhereOkWasExpectedIsAWrongAnswer() throws Exception {
        try (WireConnection<RespReader> connection = open()) {
            assertWrong(() -> connection.exchange(RespReader.command("GET", "check:absent"), reader -> {
                reader.expectOk();
                return null;
            }), "resp-wrong-type");
        }
    }

    private static void set(WireConnection<RespReader> connection, String key, String value) throws Exception {
        connection.exchange(RespReader.command("SET", key, value), reader -> {
            reader.expectOk();
            return null;
        });
    }

    private static void get(WireConnection<RespReader> connection, String key, String expected) throws Exception {
        connection.exchange(RespReader.command("GET", key), reader -> {
            reader.expectBulk(expected.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    private static void assertWrong(ThrowingCallable exchange, String kind) {
        assertThatThrownBy(exchange).isInstanceOfSatisfying(WrongAnswer.class,
                wrong -> assertThat(wrong.kind()).isEqualTo(kind));
    }

    private static WireConnection<RespReader> open() throws IOException {
        return WireConnection.open(address, null, WireConnection.READ_TIMEOUT, RespReader::new);
    }

    /** Polls until the server accepts a connection, or fails at the deadline. */
    static void awaitListening(InetSocketAddress address) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1000);
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("nothing listens on " + address + " after " + START_DEADLINE, e);
                }
                Thread.onSpinWait();
            }
        }
    }
}
