package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The {@code lookup}, {@code add}, {@code list} and {@code mixed} scenarios: C peers with K records each, back to back. */
final class LoadScenario {
    /** How long departed peers' records may take to go before they count as stale. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(30);

    private LoadScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server, RequestLoad.Mix mix, Optional<ProcessCpu> cpu)
            throws IOException {
        return run(settings, List.of(server), mix, cpu);
    }

    /**
     * Runs {@code mix} with the peers spread evenly over {@code servers}, instances sharing one index. With more
     * than one, each instance's share of the throughput is reported too, and LOOKUPs must have been answered with
     * records ADDed through other instances; every instance must show the index empty at the end. The server's CPU
     * per request is reported when {@code cpu} gives its process.
     */
    static Result run(Settings settings, List<InetSocketAddress> servers, RequestLoad.Mix mix,
                      Optional<ProcessCpu> cpu) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        RequestLoad.Measured measured;
        try (RequestLoad.Population population = RequestLoad.register(servers, settings.connections(),
                settings.records(), "bench-peer-", errors)) {
            measured = RequestLoad.measure(population, mix, settings.warmup(), settings.duration(), errors, cpu);
        }
        ClosedLoop.report(result, "", measured.loop());
        boolean looksUp = mix == RequestLoad.Mix.LOOKUP || mix == RequestLoad.Mix.MIXED;
        if (servers.size() > 1) {
            for (int instance = 0; instance < servers.size(); instance++) {
                result.figure("instance" + (instance + 1) + "_throughput",
                        measured.requestsByInstance().get(instance) / measured.seconds(), "req/s");
            }
            if (looksUp) {
                result.figure("lookups_across_instances", measured.lookupsAcrossInstances(),
                        "LOOKUPs answered with a record ADDed through another instance");
            }
        }
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(servers, SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after every peer closed");
        result.figure("settle_ms", settled.millis(), "ms until the index was empty");
        result.figure("errors", errors.total(), errors.describe());
        check(result, errors, measured.peersLost(), settled);
        if (servers.size() > 1 && looksUp && measured.requests() > 0 && measured.lookupsAcrossInstances() == 0) {
            result.fail("no LOOKUP was answered with a record ADDed through another instance");
        }
        return result;
    }

    /** The checks every scenario makes: no errors, no peer lost, nothing stale. */
    static void check(Result result, Errors errors, int peersLost, IndexProbe.Settled settled) {
        if (errors.total() > 0) {
            result.fail(errors.total() + " errors: " + errors.describe());
        }
        if (peersLost > 0) {
            result.fail(peersLost + " peers lost their connection");
        }
        if (settled.records() > 0) {
            result.fail(settled.records() + " stale records " + settled.millis() + " ms after the peers left");
        }
    }
}
