package net.p2pci.server;

import static net.p2pci.server.Requests.add;
import static net.p2pci.server.Requests.list;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Garbage at the socket: whatever one client sends, the server stays up, the other peers keep being served, and
 * the index is unchanged.
 */
class HostileInputTest {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    /** What a hostile or broken client does to its own connection. */
    @FunctionalInterface
    interface Attack {
        void run(RawClient attacker) throws IOException;
    }

    private IndexServer server;
    private RawClient bystander;
    private String indexBefore;

    @BeforeEach
    void startServerWithABystander() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress())
                .withPort(0).withRequestTimeout(Duration.ofSeconds(2)));
        bystander = new RawClient(server.port());
        bystander.exchange(add(2616, "bystander.example", 5678, "Hypertext Transfer Protocol -- HTTP/1.1"));
        bystander.exchange(add(791, "bystander.example", 5678, "Internet Protocol"));
        indexBefore = bystander.exchange(list("bystander.example", 5678));
    }

    @AfterEach
    void stop() throws IOException {
        bystander.close();
        server.close();
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                attack("a megabyte of random bytes", attacker -> {
                    byte[] noise = new byte[1 << 20];
                    new Random(7734).nextBytes(noise);
                    writeIgnoringReset(attacker, noise);
                }),
                attack("a line that never ends", attacker ->
                        writeIgnoringReset(attacker, ("LIST ALL P2P-CI/1.0\r\nHost: " + "h".repeat(1 << 20))
                                .getBytes(StandardCharsets.US_ASCII))),
                attack("a line that never ends, sent slowly", attacker ->
                        attacker.send("ADD RFC 1 P2P-CI/1.0\r\nTitle: aaaa")),
                attack("NUL bytes", attacker -> writeIgnoringReset(attacker, new byte[64 * 1024])),
                attack("NUL bytes inside a request", attacker ->
                        attacker.send("ADD RFC 1 P2P-CI/1.0\r\nHost: a\0b\r\nPort: 1\r\nTitle: \0\0\r\n\r\n")),
                attack("half a request, then close", attacker -> {
                    attacker.send("ADD RFC 9 P2P-CI/1.0\r\nHost: half.example\r\nPo");
                    attacker.close();
                }),
                attack("a request, then a reset", attacker -> {
                    attacker.send(add(9, "reset.example", 1, "Reset"));
                    attacker.reset();
                }),
                attack("a flood of empty lines", attacker -> writeIgnoringReset(attacker, new byte[256 * 1024])),
                attack("many malformed requests back to back", attacker ->
                        attacker.send("BOGUS\r\n\r\n".repeat(5_000))),
                attack("an HTTP request", attacker -> attacker.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")),
                attack("a TLS hello", attacker -> writeIgnoringReset(attacker,
                        new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xfc, 0x03, 0x03})));
    }

    private static Arguments attack(String name, Attack attack) {
        return Arguments.of(name, attack);
    }

    /** The server may close a flooding connection before the write is done; that is its right. */
    private static void writeIgnoringReset(RawClient attacker, byte[] bytes) {
        try {
            OutputStream out = attacker.socket().getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // connection closed by the server mid-write: the attack is over
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void serverStaysUpOthersAreServedAndTheIndexIsUnchanged(String name, Attack attack) throws IOException {
        try (RawClient attacker = new RawClient(server.port())) {
            attack.run(attacker);

            // Served at once; an attacker's own brief registration may still be on its way out.
            assertThat(bystander.exchange(list("bystander.example", 5678))).as(name)
                    .startsWith("P2P-CI/1.0 200 OK\r\n\r\n")
                    .contains("RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 bystander.example 5678\r\n")
                    .contains("RFC 791 Internet Protocol bystander.example 5678\r\n");
        }
        await().atMost(DEADLINE).untilAsserted(() ->
                assertThat(bystander.exchange(list("bystander.example", 5678))).isEqualTo(indexBefore));
        try (RawClient newcomer = new RawClient(server.port())) {
            assertThat(newcomer.exchange(list("newcomer.example", 1))).isEqualTo(indexBefore);
        }
    }
}
