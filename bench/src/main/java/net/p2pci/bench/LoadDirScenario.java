package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.protocol.RfcRecord;

/**
 * The {@code load-dir} scenario: an rfc-peer starts on a directory of generated RFC files and registers them all;
 * the figure is the time from starting the peer process until a LIST shows every record, each with its title.
 */
final class LoadDirScenario {
    /** How often the index is asked; a LIST of 10,000 records costs the server little next to 10,000 ADDs. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** The peer registers under this host, so its records are told apart from the probe's (which has none). */
    private static final String PEER_HOST = "127.0.0.1";

    private LoadDirScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        Path shared = Files.createDirectories(settings.workDirectory().resolve("shared"));
        RfcFiles.writeMany(shared, settings.files());

        long start = System.nanoTime();
        long visibleAt = -1;
        int visible = 0;
        try (PeerProcess peer = PeerProcess.start(settings.peerJar(), server, shared,
                settings.workDirectory().resolve("rfc-peer.out"))) {
            while (System.nanoTime() - start < DEADLINE.toNanos() && peer.isAlive()) {
                List<RfcRecord> records = IndexProbe.listAll(server).stream()
                        .filter(record -> record.host().equals(PEER_HOST)).toList();
                visible = records.size();
                if (visible >= settings.files()) {
                    visibleAt = System.nanoTime();
                    records.stream().filter(record -> !record.title().equals(RfcFiles.titleOf(record.number())))
                            .forEach(record -> errors.count("wrong-title"));
                    break;
                }
                Processes.pause(POLL_INTERVAL);
            }
        }
        if (visibleAt < 0) {
            result.fail("only " + visible + " of " + settings.files() + " records visible after "
                    + (System.nanoTime() - start) / 1_000_000_000 + " s");
        } else {
            double seconds = (visibleAt - start) / 1e9;
            result.figure("seconds", seconds, "s from starting the peer until all records were visible");
            result.figure("records_per_s", settings.files() / seconds, "records/s, peer start-up included");
        }
        result.figure("records_visible", visible, "of " + settings.files());
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after the peer left");
        result.figure("errors", errors.total(), errors.describe());
        LoadScenario.check(result, errors, 0, settled);
        return result;
    }
}
