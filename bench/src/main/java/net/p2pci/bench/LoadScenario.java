package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;

/** The {@code lookup}, {@code add}, {@code list} and {@code mixed} scenarios: C peers with K records each, back to back. */
final class LoadScenario {
    /** How long departed peers' records may take to go before they count as stale. */
    static final Duration SETTLE_DEADLINE = Duration.ofSeconds(30);

    private LoadScenario() {
    }

    static Result run(Settings settings, InetSocketAddress server, RequestLoad.Mix mix) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe());
        Errors errors = new Errors();
        RequestLoad.Measured measured;
        try (RequestLoad.Population population = RequestLoad.register(server, settings.connections(),
                settings.records(), "bench-peer-", errors)) {
            measured = RequestLoad.measure(population, mix, settings.warmup(), settings.duration(), errors);
        }
        RequestLoad.report(result, "", measured);
        IndexProbe.Settled settled = IndexProbe.awaitEmpty(server, SETTLE_DEADLINE);
        result.figure("stale_records", settled.records(), "records left after every peer closed");
        result.figure("settle_ms", settled.millis(), "ms until the index was empty");
        result.figure("errors", errors.total(), errors.describe());
        check(result, errors, measured.peersLost(), settled);
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
