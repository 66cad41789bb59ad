package net.p2pci.server;

import static net.p2pci.server.Requests.list;
import static net.p2pci.server.Requests.lookup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
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
        try (IndexServer server = startServer();
             RawClient holder = holdingRecords(server);
             RawClient reader = new RawClient(listAskedNotRead(server, "reader.example"))) {
            // Every carrier is taken by a thread that never parks, for twice the write timeout (and within the hard
            // limit of three), while the reader reads: the handler's write can go on once it has a carrier.
            CompletableFuture<String> answer = new CompletableFuture<>();
            holdEveryCarrier(WRITE_TIMEOUT.multipliedBy(2), () -> Thread.ofPlatform().daemon().start(() -> {
                try {
                    answer.complete(reader.readResponse());
                } catch (IOException | RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            }));

            String whole = answer.get(60, TimeUnit.SECONDS);
            assertThat(whole).startsWith(OK);
            assertThat(whole.lines().filter(line -> line.startsWith("RFC ")).count()).isEqualTo(RECORDS);
            assertThat(reader.exchange(lookup(1, "reader.example", 1))).startsWith(OK);
        }
    }

    @Test
    void aClientThatReadsNothingIsDroppedAtTheHardLimitThoughTheServerStaysStalled() throws Exception {
        try (IndexServer server = startServer();
             RawClient holder = holdingRecords(server);
             Socket socket = listAskedNotRead(server, "non-reader.example")) {
            // Stalled past the hard limit (three write timeouts), and the client reads nothing meanwhile.
            holdEveryCarrier(WRITE_TIMEOUT.multipliedBy(4), () -> { });

            // Dropped during the stall: what the kernel held, then the end. Had it not been, the reads below would
            // make room and the whole 8 MB answer would come, then nothing until the read timed out.
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

    /** A server with the test's write timeout. */
    private static IndexServer startServer() throws IOException {
        return IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0)
                .withWriteTimeout(WRITE_TIMEOUT));
    }

    /** A peer holding RECORDS records of about 400 bytes each, registered until it is closed. */
    private static RawClient holdingRecords(IndexServer server) throws IOException {
        RawClient holder = new RawClient(server.port());
        try {
            holder.addAll("holder.example", 1, RECORDS, rfc -> LONG_TITLE + rfc);
            return holder;
        } catch (IOException | RuntimeException | Error e) {
            holder.close();
            throw e;
        }
    }

    /**
     * Connects with a 4 KiB receive buffer, asks for a LIST (8 MB) and reads none of it, until its first bytes have
     * filled what the socket takes: the server's write then waits for the client.
     */
    private static Socket listAskedNotRead(IndexServer server, String host) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            socket.getOutputStream().write(list(host, 1).getBytes(StandardCharsets.US_ASCII));
            await("the LIST answer under way").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(5))
                    .until(() -> socket.getInputStream().available() >= 2048);
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Takes every carrier with a virtual thread that never parks, for {@code time}, runs {@code meanwhile} once they
     * are started, and waits until they end.
     */
    private static void holdEveryCarrier(Duration time, Runnable meanwhile) throws InterruptedException {
        long holdUntil = System.nanoTime() + time.toNanos();
        List<Thread> busy = new ArrayList<>();
        for (int i = 0; i < carriers(); i++) {
            busy.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < holdUntil) {
                    Thread.onSpinWait();
                }
            }));
        }
        meanwhile.run();
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
}
