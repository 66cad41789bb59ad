package net.p2pci.server.web;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.IntSupplier;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.OptionsRequest;
import net.p2pci.protocol.PeersRequest;
import net.p2pci.protocol.SearchRequest;
import net.p2pci.protocol.WithdrawRequest;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.Status;
import net.p2pci.server.index.EndReason;
import net.p2pci.server.store.CommitObserver;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The server's Prometheus metrics, in a registry of its own, and the counts the dashboard's figures are read from.
 *
 * <p>Thread-safe and cheap on the request path: the client's counters and histograms are lock-free, and every
 * labelled child the request path touches is looked up once, here, into arrays indexed by method and status, so a
 * request costs an array index and an atomic add rather than a label look-up.
 */
final class ServerMetrics implements CommitObserver {
    private static final Logger log = LogManager.getLogger(ServerMetrics.class);

    /** The methods requests are counted under; INVALID is a request that could not be parsed. */
    enum Method {
        LOOKUP, ADD, LIST, GET, OPTIONS, SEARCH, PEERS, WITHDRAW, INVALID;

        static Method of(Request request) {
            return switch (request) {
                case null -> INVALID;
                case LookupRequest lookup -> LOOKUP;
                case AddRequest add -> ADD;
                case ListRequest list -> LIST;
                case GetRequest get -> GET;
                case OptionsRequest options -> OPTIONS;
                case SearchRequest search -> SEARCH;
                case PeersRequest peers -> PEERS;
                case WithdrawRequest withdraw -> WITHDRAW;
            };
        }
    }

    /** From a LOOKUP answered from memory (tens of µs) to a LIST of a large index or a slow database (seconds). */
    private static final double[] LATENCY_BOUNDS_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
            0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

    private static final Method[] METHODS = Method.values();
    private static final Status[] STATUSES = Status.values();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    /** By method ordinal, then status ordinal. */
    private final CounterDataPoint[][] requests = new CounterDataPoint[METHODS.length][STATUSES.length];
    private final DistributionDataPoint[] latency = new DistributionDataPoint[METHODS.length];
    private final CounterDataPoint[] removals = new CounterDataPoint[EndReason.values().length];
    private final Counter refused;
    private final Counter commits;
    private final Counter committedChanges;
    private final Histogram commitLatency;

    /**
     * @param peers       how many peers the index holds (the store's count, on every instance)
     * @param records     how many records the index holds
     * @param connections how many connections this instance has open
     */
    ServerMetrics(IntSupplier peers, IntSupplier records, IntSupplier connections) {
        Counter requestCounter = Counter.builder().name("p2pci_requests_total")
                .help("P2P-CI requests answered, by method and status").labelNames("method", "status")
                .withoutExemplars().register(registry);
        Histogram requestLatency = Histogram.builder().name("p2pci_request_duration_seconds")
                .help("Time from a request read to its answer written, by method").unit(Unit.SECONDS)
                .labelNames("method").classicOnly().classicUpperBounds(LATENCY_BOUNDS_SECONDS)
                .withoutExemplars().register(registry);
        for (Method method : METHODS) {
            for (Status status : STATUSES) {
                requests[method.ordinal()][status.ordinal()] = requestCounter.labelValues(method.name(),
                        Integer.toString(status.code()));
            }
            latency[method.ordinal()] = requestLatency.labelValues(method.name());
        }
        Counter removed = Counter.builder().name("p2pci_peers_removed_total")
                .help("Peers removed from the index, by why their connection ended").labelNames("reason")
                .withoutExemplars().register(registry);
        for (EndReason reason : EndReason.values()) {
            removals[reason.ordinal()] = removed.labelValues(reason.label());
        }
        refused = Counter.builder().name("p2pci_connections_refused_total")
                .help("Connections refused at the connection limits").withoutExemplars().register(registry);
        commits = Counter.builder().name("p2pci_store_commits_total")
                .help("Transactions the embedded store committed index changes in (group commit)")
                .withoutExemplars().register(registry);
        committedChanges = Counter.builder().name("p2pci_store_committed_changes_total")
                .help("Index changes committed; divided by p2pci_store_commits_total, the mean batch size")
                .withoutExemplars().register(registry);
        commitLatency = Histogram.builder().name("p2pci_store_commit_duration_seconds")
                .help("Time to commit one batch of index changes").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS_SECONDS).withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("p2pci_peers").help("Peers registered in the index, on every instance")
                .callback(callback -> observe(peers, callback)).register(registry);
        GaugeWithCallback.builder().name("p2pci_records").help("RFC records in the index, on every instance")
                .callback(callback -> observe(records, callback)).register(registry);
        GaugeWithCallback.builder().name("p2pci_connections_open").help("Connections open to this instance")
                .callback(callback -> callback.call(connections.getAsInt())).register(registry);
        JvmMetrics.builder().register(registry);
    }

    /** A gauge read from the store: left out of a scrape when the database does not answer, never failing it. */
    private static void observe(IntSupplier value, GaugeWithCallback.Callback callback) {
        try {
            callback.call(value.getAsInt());
        } catch (RuntimeException e) {
            log.debug("[Web] a metric could not be read from the index: {}", e.toString());
        }
    }

    PrometheusRegistry registry() {
        return registry;
    }

    void requestAnswered(Request request, Status status, long nanos) {
        int method = Method.of(request).ordinal();
        requests[method][status.ordinal()].inc();
        latency[method].observe(nanos / 1e9);
    }

    void peerRemoved(EndReason reason) {
        removals[reason.ordinal()].inc();
    }

    void connectionRefused() {
        refused.inc();
    }

    @Override
    public void committed(int changes, long nanos) {
        commits.inc();
        committedChanges.inc(changes);
        commitLatency.observe(nanos / 1e9);
    }

    /** Requests answered so far with {@code status} to {@code method}. */
    long requests(Method method, Status status) {
        return requests[method.ordinal()][status.ordinal()].getLongValue();
    }

    long refused() {
        return refused.getLongValue();
    }
}
