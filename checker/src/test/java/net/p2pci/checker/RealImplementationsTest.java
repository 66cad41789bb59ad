package net.p2pci.checker;

import static org.assertj.core.api.Assertions.assertThat;

import static net.p2pci.checker.BrokenFakesTest.assertEveryCasePasses;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.upload.UploadServer;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our own index server and our peer's upload server, in this JVM, pass every case of their roles, strict: no
 * NON-STRICT either. (The peer's client side runs as a process in {@link CheckerProcessesIT}.)
 */
class RealImplementationsTest {
    /** The checker's default: on loopback every answer comes in milliseconds, so it is never reached when passing. */
    private static final Timing TIMING = Timing.of(Duration.ofSeconds(5));
    private static final int RFC = 2616;

    @TempDir
    Path library;

    @Test
    void ciServerPassesEveryServerCase() throws IOException {
        try (IndexServer server = IndexServer.start(ServerConfig.defaults()
                .withBindAddress(InetAddress.getLoopbackAddress()).withPort(0))) {
            List<CaseResult> results = CaseRunner.run(ServerCases.all(), new ServerRun(new Target("127.0.0.1",
                    server.port()), TIMING, RunNames.fresh()), result -> { });
            assertEveryCasePasses(results);
            assertThat(results).as("the extensions are offered, so checked, not skipped")
                    .filteredOn(result -> result.id().startsWith("8.")).hasSize(4)
                    .allSatisfy(result -> assertThat(result.outcome().detail()).isEmpty());
        }
    }

    @Test
    void peerUploadServerPassesEveryUploadCase() throws IOException {
        Files.writeString(library.resolve("rfc" + RFC + ".txt"), ClientCases.document(RFC));
        RfcLibrary rfcs = RfcLibrary.open(library);
        rfcs.scan();
        try (UploadServer upload = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                rfcs, "Linux 6.1")) {
            assertEveryCasePasses(CaseRunner.run(UploadCases.all(), new UploadRun(new Target("127.0.0.1",
                    upload.port()), TIMING, RFC), result -> { }));
        }
    }
}
