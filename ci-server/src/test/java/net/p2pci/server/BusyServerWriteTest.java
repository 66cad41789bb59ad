package net.p2pci.server;

import static net.p2pci.server.Requests.add;
import static net.p2pci.server.Requests.list;
import static net.p2pci.server.Requests.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The write timeout drops a client that does not read, never one whose answer waits only for the server itself: on a
 * server whose every carrier thread is busy (150 connections making LIST answers at once, in the attack of
 * HostileClientsIT), a connection whose client has read and made room stays runnable until a carrier takes it, for
 * as long as that takes.
 */
@Isolated // it holds every carrier of this JVM's virtual threads for a while: no other class's server may run then
class BusyServerWriteTest {
    private static final String OK = "P2P-CI/1.0 200 OK\r\n";
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(1);
    private static final int RECORDS = 20_000;

    @Test
    void aClientThatReadsIsNotDroppedWhileItsAnswerWaitsPastTheWriteTimeoutForABusyServer() throws Exception {
        ServerConfig config = ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withWriteTimeout(WRITE_TIMEOUT);
        try (IndexServer server = IndexServer.start(config);
             RawClient holder = new RawClient(server.port())) {
            fill(holder);
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            try (RawClient reader = new RawClient(socket)) {
                reader.send(list("reader.example", 1));
                // The answer (8 MB) has filled what the reader's socket takes: the server's write waits for it.
                await("the LIST answer under way").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                        .until(() -> socket.getInputStream().available() >= 2048);

                // Every carrier is taken by a thread that never parks, for twice the write timeout (and within the
                // hard limit of three), while the reader reads: the handler's write can go on once it has a carrier.
                long holdUntil = System.nanoTime() + WRITE_TIMEOUT.multipliedBy(2).toNanos();
                List<Thread> busy = new ArrayList<>();
                for (int i = 0; i < carriers(); i++) {
                    busy.add(Thread.ofVirtual().start(() -> {
                        while (System.nanoTime() < holdUntil) {
                            Thread.onSpinWait();
                        }
                    }));
                }
                CompletableFuture<String> answer = new CompletableFuture<>();
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        answer.complete(reader.readResponse());
                    } catch (IOException | RuntimeException e) {
                        answer.completeExceptionally(e);
                    }
                });
                for (Thread thread : busy) {
                    thread.join();
                }

                String whole = answer.get(60, TimeUnit.SECONDS);
                assertThat(whole).startsWith(OK);
                assertThat(whole.lines().filter(line -> line.startsWith("RFC ")).count()).isEqualTo(RECORDS);
                assertThat(reader.exchange(lookup(1, "reader.example", 1))).startsWith(OK);
            }
        }
    }

    @Test
    void aClientThatReadsNothingIsDroppedAtTheHardLimitThoughTheServerStaysStalled() throws Exception {
        ServerConfig config = ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withWriteTimeout(WRITE_TIMEOUT);
        try (IndexServer server = IndexServer.start(config);
             RawClient holder = new RawClient(server.port())) {
            fill(holder);
            Socket socket = new Socket();
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            try (socket) {
                socket.getOutputStream().write(list("non-reader.example", 1)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                await("the LIST answer under way").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                        .until(() -> socket.getInputStream().available() >= 2048);

                // Stalled past the hard limit (three write timeouts), and the client reads nothing meanwhile.
                holdEveryCarrier(WRITE_TIMEOUT.multipliedBy(4));

                // Dropped during the stall: what the kernel held, then the end. Had it not been, the reads below
                // would make room and the whole 8 MB answer would come, then nothing until the read timed out.
                socket.setSoTimeout(10_000);
                long read = 0;
                try {
                    read = socket.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                } catch (java.net.SocketException reset) {
                    // closed by the server with data unread: dropped too
                }
                assertThat(read).isLessThan(RECORDS * (long) LONG_TITLE.length());
            }
        }
    }

    /** Takes every carrier with a virtual thread that never parks, for {@code time}, and waits until they end. */
    private static void holdEveryCarrier(Duration time) throws InterruptedException {
        long holdUntil = System.nanoTime() + time.toNanos();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < carriers(); i++) {
            busy.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < holdUntil) {
                    Thread.onSpinWait();
                }
            }));
        }
        for (Thread thread : busy) {
            thread.join();
        }
    }

    /** The carrier threads of virtual threads: the scheduler's parallelism. */
    private static int carriers() {
        String parallelism = System.getProperty("jdk.virtualThreadScheduler.parallelism");
        return parallelism != null ? Integer.parseInt(parallelism) : Runtime.getRuntime().availableProcessors();
    }

    /** A title of about 400 characters: the answer is then 8 MB, more than the kernel buffers a socket's sends. */
    private static final String LONG_TITLE = "A title long enough to fill the socket buffers, ".repeat(8);

    /** Registers RECORDS records of about 400 bytes each, pipelined. */
    private static void fill(RawClient holder) throws IOException, InterruptedException {
        StringBuilder adds = new StringBuilder();
        for (int rfc = 1; rfc <= RECORDS; rfc++) {
            adds.append(add(rfc, "holder.example", 1, LONG_TITLE + rfc));
        }
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                holder.send(adds.toString());
            } catch (IOException e) {
                // the reads below fail too
            }
        });
        for (int i = 0; i < RECORDS; i++) {
            assertThat(holder.readResponse()).startsWith(OK);
        }
        writer.join();
    }
}
