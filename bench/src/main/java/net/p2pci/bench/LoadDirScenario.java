package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.protocol.RfcRecord;

/**
 * The {@code load-dir} scenario: an rfc-peer starts on a directory of generated RFC files (RFC 1 to N) and
 * registers them all; the figure is the time from starting the peer process until a LIST shows every record, each
 * with its title. The visibility of RFC N, the last file, is what triggers the LIST. The server is warmed up
 * first by other peers' ADDs, as one that has been running a while is.
 */
final class LoadDirScenario {
    /** How often the index is asked for the last RFC: often enough that the figure is not rounded up by much. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    /** The probe's upload port: only a number, nothing listens on it. */
    private static final int PROBE_PORT = 9;
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** The peer registers under this host, so its records are told apart from the probe's (which has none). */
    private static final String PEER_HOST = "127.0.0.1";

    /** Peers that ADD during the server's warm-up; they leave before the peer under test starts. */
    private static final int WARMUP_PEERS = 4;

    private LoadDirScenario() {
    }

    /**
     * ADDs from a few simulated peers for {@code warmup}, so that the server's JIT has compiled the ADD path as in a
     * server that has been running a while; the peer under test starts cold, as a new peer does.
     */
    private static void warmUp(InetSocketAddress server, Duration warmup, Errors errors) throws IOException {
        if (warmup.isZero()) {
            return;
        }
        try (RequestLoad.Population warming = RequestLoad.register(server, WARMUP_PEERS, 1, "warm-up-", errors)) {
            RequestLoad.measure(warming, RequestLoad.Mix.ADD, warmup, Duration.ZERO, errors);
        }
        IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        Path shared = Files.createDirectories(settings.workDirectory().resolve("shared"));
        RfcFiles.writeMany(shared, settings.files());
        warmUp(server, settings.warmup(), errors);

        long start = System.nanoTime();
        long visibleAt = -1;
        int visible = 0;
        try (PeerProcess peer = PeerProcess.start(settings, server, shared,
                settings.workDirectory().resolve("rfc-peer.out"));
             SimulatedPeer probe = SimulatedPeer.connect(server, null, "load-dir-probe", PROBE_PORT)) {
            while (System.nanoTime() - start < DEADLINE.toNanos() && peer.isAlive()) {
                // A LOOKUP of the last file's RFC is cheap to ask often; a LIST of up to 10,000 records would load
                // the server being measured. Only once it is there does a LIST check that every record is.
                if (probe.lookup(settings.files()).records().stream().anyMatch(r -> r.host().equals(PEER_HOST))) {
                    List<RfcRecord> records = IndexProbe.listAll(server).stream()
                            .filter(record -> record.host().equals(PEER_HOST)).toList();
                    visible = records.size();
                    if (visible >= settings.files()) {
                        visibleAt = System.nanoTime();
                        records.stream().filter(record -> !record.title().equals(RfcFiles.titleOf(record.number())))
                                .forEach(record -> errors.count("wrong-title"));
                        break;
                    }
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
