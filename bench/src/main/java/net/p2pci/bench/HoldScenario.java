package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import net.p2pci.protocol.RfcRecord;

/**
 * The {@code hold} scenario: N idle registered peers with K records each. It measures LOOKUP under C connections
 * before and while they are held, how many stay registered, and the server's live heap and RSS per held peer.
 */
final class HoldScenario {
    private static final String HELD_HOST_PREFIX = "held-peer-";
    /** Held peers' RFC numbers start here, clear of the LOOKUP load's numbers. */
    private static final int HELD_FIRST_RFC = 100_000_000;
    /** Held peers' upload ports cycle through this range; their host names alone make them distinct. */
    private static final int HELD_FIRST_PORT = 20_000;
    private static final int HELD_PORT_RANGE = 40_000;
    /** Peers registering at once: enough to keep both cores busy, few enough for the server's accept backlog. */
    private static final int REGISTERING_AT_ONCE = 32;
    /** Closing 10,000 peers means 10,000 removals; give them time before their records count as stale. */
    private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(120);
    private static final int HISTOGRAM_LINES = 12;

    private HoldScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server, Optional<ServerProcess> process)
            throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        int peersLost = 0;
        List<SimulatedPeer> held = Collections.synchronizedList(new ArrayList<>());
        try (RequestLoad.Population load = RequestLoad.register(server, settings.connections(), settings.records(),
                "bench-peer-", errors)) {
            RequestLoad.Measured idle = RequestLoad.measure(load, RequestLoad.Mix.LOOKUP, settings.warmup(),
                    settings.duration(), errors);
            ClosedLoop.report(result, "idle_", idle.loop());
            peersLost += idle.peersLost();

            long heapBefore = 0;
            long rssBefore = 0;
            if (process.isPresent()) {
                heapBefore = process.get().liveHeapBytes();
                rssBefore = process.get().residentBytes();
            }
            long registerStart = System.nanoTime();
            registerHeld(server, settings, held, errors);
            double registerSeconds = (System.nanoTime() - registerStart) / 1e9;
            result.figure("registered_per_s", held.size() / registerSeconds, "peers/s while registering");
            Processes.pause(settings.holdTime());

            List<RfcRecord> index = IndexProbe.listAll(server);
            Set<String> registeredHosts = new HashSet<>();
            long heldRecords = 0;
            for (RfcRecord record : index) {
                if (record.host().startsWith(HELD_HOST_PREFIX)) {
                    registeredHosts.add(record.host());
                    heldRecords++;
                }
            }
            result.figure("held_registered", registeredHosts.size(), "peers of " + settings.heldPeers()
                    + ", after " + settings.holdTime().toSeconds() + " s idle");
            result.figure("held_records", heldRecords, "records of " + (long) settings.heldPeers() * settings.records());
            if (registeredHosts.size() != settings.heldPeers()
                    || heldRecords != (long) settings.heldPeers() * settings.records()) {
                result.fail("held peers registered: " + registeredHosts.size() + " with " + heldRecords
                        + " records; expected " + settings.heldPeers() + " with "
                        + (long) settings.heldPeers() * settings.records());
            }
            if (process.isPresent() && settings.heldPeers() > 0) {
                long heap = process.get().liveHeapBytes();
                long rss = process.get().residentBytes();
                result.figure("heap_live_mb", heap / 1048576.0, "MiB live heap, peers held");
                result.figure("heap_per_peer_kb", (heap - heapBefore) / 1024.0 / settings.heldPeers(), "KiB/peer");
                result.figure("rss_mb", rss / 1048576.0, "MiB resident, peers held");
                result.figure("rss_per_peer_kb", (rss - rssBefore) / 1024.0 / settings.heldPeers(), "KiB/peer");
                result.note("live heap by class, peers held:\n" + process.get().classHistogramTop(HISTOGRAM_LINES));
            }

            RequestLoad.Measured loaded = RequestLoad.measure(load, RequestLoad.Mix.LOOKUP, settings.warmup(),
                    settings.duration(), errors);
            ClosedLoop.report(result, "held_", loaded.loop());
            peersLost += loaded.peersLost();
            result.figure("p99_ratio", loaded.latencies().getValueAtPercentile(99)
                    / (double) Math.max(1, idle.latencies().getValueAtPercentile(99)), "held p99 / idle p99");
        } finally {
            closeAll(held);
        }
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(server, SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after every peer closed");
        result.figure("settle_ms", settled.millis(), "ms until the index was empty");
        result.figure("errors", errors.total(), errors.describe());
        LoadScenario.check(result, errors, peersLost, settled);
        return result;
    }

    /** Registers the held peers, {@link #REGISTERING_AT_ONCE} at a time, over the source addresses. */
    private static void registerHeld(InetSocketAddress server, Settings settings, List<SimulatedPeer> held,
                                     Errors errors) {
        SourceAddresses addresses = new SourceAddresses(settings.sourceAddresses());
        AtomicInteger next = new AtomicInteger();
        int records = settings.records();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < REGISTERING_AT_ONCE; t++) {
                threads.submit(() -> {
                    for (int p = next.getAndIncrement(); p < settings.heldPeers(); p = next.getAndIncrement()) {
                        try {
                            SimulatedPeer peer = SimulatedPeer.connect(server, addresses.forConnection(p),
                                    HELD_HOST_PREFIX + p, HELD_FIRST_PORT + p % HELD_PORT_RANGE);
                            held.add(peer);
                            if (!peer.addAll(HELD_FIRST_RFC + p * records, records)) {
                                errors.count("wrong-answer");
                            }
                        } catch (IOException e) {
                            errors.count(e);
                        }
                    }
                });
            }
        }
    }

    private static void closeAll(List<SimulatedPeer> peers) {
        synchronized (peers) {
            for (SimulatedPeer peer : peers) {
                try {
                    peer.close();
                } catch (IOException e) {
                    // closing is all there is left to do
                }
            }
        }
    }
}
