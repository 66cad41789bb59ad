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
 * first by simulated peers registering as many RFCs the same way ({@link #warmUp}), then by one unmeasured
 * rfc-peer's start on the same directory (its figure is reported as well), as one that has been running a while is;
 * each peer under test starts cold, as a new peer does.
 */
final class LoadDirScenario {
    /** How often the index is asked for the last RFC: often enough that the figure is not rounded up by much. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(10);
    /** The probe's upload port: only a number, nothing listens on it. */
    private static final int PROBE_PORT = 9;
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** The peer registers under this host, so its records are told apart from the probe's (which has none). */
    private static final String PEER_HOST = "127.0.0.1";

    /** How far a peer's ADDs run ahead of their answers, as the rfc-peer's registration window. */
    private static final int REGISTRATION_WINDOW = 64;
    /** A warm-up round this close to the best before it, or slower, gained nothing. */
    private static final double SETTLED_RATIO = 0.9;
    /** This many warm-up rounds in a row that gained nothing find the server settled. */
    private static final int SETTLED_ROUNDS = 2;
    /** The warm-up ends after this long even if its rounds still get faster. */
    private static final Duration LONGEST_WARMUP = Duration.ofSeconds(60);

    private LoadDirScenario() {
    }

    /**
     * Brings the server to its steady state for this load, as one that has been running a while is: a simulated
     * peer registers {@code files} RFCs the way the rfc-peer does (one connection, ADDs back to back, 64 ahead of
     * their answers) and leaves, each time under a host of its own, again and again for at least {@code warmup} and
     * until two rounds in a row were no more than a tenth faster than the best before them (at most a minute, or
     * the round under way then); the rounds' times are
     * reported, so a reader sees the server settle. No warm-up at all when {@code warmup} is zero. The peers under
     * test start cold, as new peers do.
     */
    private static void warmUp(InetSocketAddress server, int files, Duration warmup, Result result, Errors errors)
            throws IOException {
        if (warmup.isZero()) {
            return;
        }
        long start = System.nanoTime();
        List<String> rounds = new java.util.ArrayList<>();
        double best = Double.MAX_VALUE;
        int sinceBest = 0;
        boolean settled = false;
        for (int round = 1; !settled || System.nanoTime() - start < warmup.toNanos(); round++) {
            long roundStart = System.nanoTime();
            try (SimulatedPeer peer = SimulatedPeer.connect(server, null, "warm-up-" + round, PROBE_PORT)) {
                if (!peer.addAllPipelined(1, files, REGISTRATION_WINDOW)) {
                    errors.count("warm-up-wrong-answer");
                }
            }
            IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
            double seconds = (System.nanoTime() - roundStart) / 1e9;
            rounds.add("%.2f".formatted(seconds));
            // Settled once two rounds in a row were no more than a tenth faster than the best before them (one
            // such round can be noise), or after the longest wait.
            sinceBest = seconds > best * SETTLED_RATIO ? sinceBest + 1 : 0;
            best = Math.min(best, seconds);
            settled = sinceBest >= SETTLED_ROUNDS || System.nanoTime() - start > LONGEST_WARMUP.toNanos();
        }
        result.figure("warmup_rounds", rounds.size(), "registrations of the directory's RFCs by a simulated peer"
                + " before the peers under test, s each: " + String.join(", ", rounds));
    }

    static Result run(Settings settings, InetSocketAddress server) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        Path shared = Files.createDirectories(settings.workDirectory().resolve("shared"));
        RfcFiles.writeMany(shared, settings.files());
        warmUp(server, settings.files(), settings.warmup(), result, errors);

        // The first peer meets a server whose JIT has never compiled a whole directory's registration; the second,
        // measured one, a server that has taken one such start, as an index that has been running a while has.
        Round first = Round.of(settings, server, shared, "rfc-peer-first.out", errors);
        IndexProbe.Settled afterFirst = IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
        if (afterFirst.records() > 0) {
            // The measured peer registers the same RFCs under the same host: records left would be seen as its own.
            result.fail(afterFirst.records() + " records of the first peer still listed after it left");
            result.figure("stale_records", afterFirst.records(), "records left after the first peer left");
            result.figure("errors", errors.total(), errors.describe());
            return result;
        }
        Round measured = Round.of(settings, server, shared, "rfc-peer.out", errors);
        if (first.seconds() < 0 || measured.seconds() < 0) {
            Round failed = first.seconds() < 0 ? first : measured;
            result.fail("only " + failed.visible() + " of " + settings.files() + " records visible after "
                    + DEADLINE.toSeconds() + " s or the peer's exit");
        } else {
            result.figure("seconds", measured.seconds(),
                    "s from starting the peer until all records were visible (server has taken one such start)");
            result.figure("records_per_s", settings.files() / measured.seconds(), "records/s, peer start-up included");
            result.figure("first_seconds", first.seconds(),
                    "s for the first peer, whose registration the server's JIT had not met before");
        }
        result.figure("records_visible", measured.visible(), "of " + settings.files());
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(server, LoadScenario.SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after the peers left");
        result.figure("errors", errors.total(), errors.describe());
        LoadScenario.check(result, errors, 0, settled);
        return result;
    }

    /**
     * One peer's start on the directory: the seconds from starting its process until a LIST showed every record with
     * its title (-1 if that never came), and how many of them were visible at the end. The peer leaves afterwards.
     */
    private record Round(double seconds, int visible) {
        static Round of(Settings settings, InetSocketAddress server, Path shared, String outputName, Errors errors)
                throws IOException {
            long start = System.nanoTime();
            int visible = 0;
            try (PeerProcess peer = PeerProcess.start(settings, server, shared,
                    settings.workDirectory().resolve(outputName));
                 SimulatedPeer probe = SimulatedPeer.connect(server, null, "load-dir-probe", PROBE_PORT)) {
                while (System.nanoTime() - start < DEADLINE.toNanos() && peer.isAlive()) {
                    // A LOOKUP of the last file's RFC is cheap to ask often; a LIST of up to 10,000 records would
                    // load the server being measured. Only once it is there does a LIST check that every record is.
                    if (probe.lookup(settings.files()).records().stream()
                            .anyMatch(r -> r.host().equals(PEER_HOST))) {
                        List<RfcRecord> records = IndexProbe.listAll(server).stream()
                                .filter(record -> record.host().equals(PEER_HOST)).toList();
                        visible = records.size();
                        if (visible >= settings.files()) {
                            long visibleAt = System.nanoTime();
                            records.stream()
                                    .filter(record -> !record.title().equals(RfcFiles.titleOf(record.number())))
                                    .forEach(record -> errors.count("wrong-title"));
                            return new Round((visibleAt - start) / 1e9, visible);
                        }
                    }
                    Processes.pause(POLL_INTERVAL);
                }
            }
            return new Round(-1, visible);
        }
    }
}
