package net.p2pci.server.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.TitleWords;
import net.p2pci.protocol.Status;
import net.p2pci.server.index.IndexEvents;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerView;
import net.p2pci.server.store.RecordPage;
import net.p2pci.server.store.SearchHits;
import net.p2pci.server.store.StoreUnavailableException;
import net.p2pci.web.RequestException;
import net.p2pci.web.BoundedExecutor;
import net.p2pci.web.EventStream;
import net.p2pci.web.ExchangeHandler;
import net.p2pci.web.JdkServerLimits;
import net.p2pci.web.Json;
import net.p2pci.web.PageResponses;
import net.p2pci.web.Query;
import net.p2pci.web.StaticFiles;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The index server's web side ({@code --http-port}): the live dashboard at {@code /}, its feed of index events at
 * {@code /events} (server-sent events), Prometheus metrics at {@code /metrics}, and JSON at {@code /api/peers},
 * {@code /api/records} and {@code /api/stats}.
 *
 * <p>It runs on the JDK's own HTTP server: no dependency to keep up, a virtual thread per exchange, and what a
 * dashboard and a scraper need. Its limits are the JDK server's own settings, set by {@link JdkServerLimits} unless
 * given on the command line: connections, header lines and bytes, and the time to send a request; exchanges under
 * way and feed subscribers are bounded here. Nothing a browser sends is ever logged.
 *
 * <p>Thread-safe: each exchange runs on its own thread over thread-safe parts.
 */
public final class WebServer implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(WebServer.class);

    /** Open HTTP connections at once: dashboards and scrapers are few; the rest are refused by the JDK server. */
    static final int MAX_CONNECTIONS = 256;
    /** Exchanges served at once, each a virtual thread; a feed stream holds one for as long as it is open. */
    static final int MAX_EXCHANGES = 128;
    /** Dashboards following the feed at once, below {@link #MAX_EXCHANGES} so that the API always has room. */
    public static final int MAX_SUBSCRIBERS = 64;
    /** The longest query string read; a dashboard's filters are a few words. */
    public static final int MAX_QUERY_CHARS = 1024;
    /** The longest title filter, in characters. */
    public static final int MAX_FILTER_CHARS = 200;
    /** Peers one answer lists: more than a dashboard can show. */
    static final int MAX_PEERS = 1000;
    /** Records one answer lists, by default and at most. */
    static final int DEFAULT_RECORDS = 500;
    static final int MAX_RECORDS = 5000;
    /** How often an idle feed sends a comment, so that a closed browser is noticed and proxies keep it open. */
    static final long FEED_KEEPALIVE_MILLIS = 15_000;
    /** How long events gather after a batch is sent before the next: a person watching sees no delay. */
    static final long FEED_BATCH_MILLIS = 20;
    /** How long a browser waits before it follows the feed again after the stream broke. */
    static final long FEED_RETRY_MILLIS = 2000;

    private static final PageResponses RESPONSES = new PageResponses(PageResponses.SAME_ORIGIN_ONLY);

    private final HttpServer server;
    private final IndexStore store;
    private final Optional<String> instance;
    private final IntSupplier openConnections;
    private final IndexCounts counts;
    private final ServerMetrics metrics;
    private final EventFeed feed = new EventFeed();
    private final WebEvents events;
    private final StaticFiles files;
    private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();

    private WebServer(HttpServer server, IndexStore store, Optional<String> instance, IntSupplier openConnections) {
        this.server = server;
        this.store = store;
        this.instance = instance;
        this.openConnections = openConnections;
        this.counts = new IndexCounts(store::peerCount, store::recordCount);
        this.metrics = new ServerMetrics(counts::peers, counts::records, openConnections);
        this.events = new WebEvents(metrics, feed);
        this.files = StaticFiles.load(WebServer.class, "the dashboard", RESPONSES, "dashboard.html", "dashboard.js",
                "dashboard.css");
    }

    /**
     * Listens where {@code settings} say and serves the index in {@code store}.
     *
     * @param instance        this instance's name in a shared store; empty for the embedded store
     * @param openConnections how many P2P connections are open to this instance
     */
    public static WebServer start(WebSettings settings, IndexStore store, Optional<String> instance,
            IntSupplier openConnections) throws IOException {
        JdkServerLimits.apply(MAX_CONNECTIONS);
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 64);
        WebServer web = new WebServer(server, store, instance, openConnections);
        store.observeCommits(web.metrics);
        server.createContext("/", new ExchangeHandler(web::serve, RESPONSES, new ExchangeHandler.Log(
                line -> log.debug("[Web] {}", line), e -> log.warn("[Web] error answering a request", e))));
        server.setExecutor(new BoundedExecutor(MAX_EXCHANGES));
        server.start();
        log.info("[Web] Dashboard and metrics on http://{}:{}/", server.getAddress().getAddress().getHostAddress(),
                server.getAddress().getPort());
        return web;
    }

    /** What the request path tells: counted in the metrics and put on the feed. */
    public IndexEvents events() {
        return events;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Ends every feed stream and stops listening. */
    @Override
    public void close() {
        store.observeCommits(net.p2pci.server.store.CommitObserver.NONE);
        feed.dropAll();
        server.stop(0);
    }

    /** Answers one exchange; {@link ExchangeHandler} sorts its failures and closes it. */
    private void serve(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            RESPONSES.sendText(exchange, 405, "only GET is served here\n");
            return;
        }
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.length() > MAX_QUERY_CHARS) {
            RESPONSES.sendText(exchange, 414, "query too long\n");
            return;
        }
        try {
            route(exchange, path, query);
        } catch (StoreUnavailableException e) {
            throw new RequestException(503, "the index database did not answer in time");
        }
    }

    private void route(HttpExchange exchange, String path, String query) throws IOException {
        if (files.serve(exchange, path)) {
            return;
        }
        switch (path) {
            case "/events" -> streamFeed(exchange);
            case "/metrics" -> sendMetrics(exchange);
            case "/api/peers" -> RESPONSES.sendJson(exchange, peersJson());
            case "/api/records" -> RESPONSES.sendJson(exchange, recordsJson(Query.parse(query)));
            case "/api/search" -> RESPONSES.sendJson(exchange, searchJson(Query.parse(query)));
            case "/api/stats" -> RESPONSES.sendJson(exchange, statsJson());
            case "/api/events" -> RESPONSES.sendJson(exchange, eventsJson());
            default -> RESPONSES.sendText(exchange, 404, "not found\n");
        }
    }

    private void sendMetrics(HttpExchange exchange) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        metricsWriter.write(body, metrics.registry().scrape());
        RESPONSES.send(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, body.toByteArray());
    }

    String peersJson() {
        List<PeerView> peers = store.peers(MAX_PEERS);
        Json json = new Json().beginObject();
        json.member("instance", instance.orElse(null)).name("cluster").value(instance.isPresent());
        json.name("peers").beginArray();
        for (PeerView peer : peers) {
            json.beginObject()
                    .member("id", peer.id())
                    .member("host", peer.host())
                    .member("port", peer.port())
                    .member("source", peer.sourceAddress())
                    .member("since", peer.since().toString())
                    .member("records", peer.records())
                    .member("instance", peer.instance().orElse(null))
                    .endObject();
        }
        return json.endArray().name("truncated").value(peers.size() == MAX_PEERS).endObject().toString();
    }

    /**
     * Records of RFC {@code rfc} if given, else of every RFC, whose titles have every word of {@code q} as SEARCH
     * finds them: of one RFC, its few holders checked word by word; of every RFC, from the store's word index, by RFC
     * number, as {@link #searchJson} answers. Without {@code q}, in registration order.
     */
    String recordsJson(Query query) {
        Optional<Integer> rfc = query.optionalInteger("rfc", 1, Integer.MAX_VALUE);
        int limit = query.optionalInteger("limit", 1, MAX_RECORDS).orElse(DEFAULT_RECORDS);
        Optional<List<String>> words = titleFilter(query);
        SearchHits hits;
        if (rfc.isPresent()) {
            hits = firstOf(store.lookup(rfc.get()).stream()
                    .filter(record -> words.map(filter -> hasAll(record, filter)).orElse(true))
                    .toList(), limit);
        } else if (words.isPresent()) {
            hits = search(words.get(), limit);
        } else {
            RecordPage page = store.listPage(RecordPage.Cursor.START, limit);
            hits = new SearchHits(page.records(), page.hasMore());
        }
        return recordsJson(hits).endObject().toString();
    }

    /**
     * The SEARCH extension's answer to the words of {@code q} (docs/PROTOCOL.md 8.2), from the store's word index:
     * whole words, every one, at most {@link Extensions#MAX_RESULT_LINES} records; no words, no records.
     */
    String searchJson(Query query) {
        SearchHits hits = search(titleFilter(query).orElse(List.of()), Extensions.MAX_RESULT_LINES);
        return recordsJson(hits).name("limit").value(Extensions.MAX_RESULT_LINES).endObject().toString();
    }

    /**
     * The words of {@code q} as SEARCH cuts titles ({@link TitleWords}); empty when {@code q} is not given or blank.
     * More than {@link Extensions#MAX_SEARCH_WORDS}, as a SEARCH takes, is a bad request: dropping the rest would
     * answer records without them.
     */
    private static Optional<List<String>> titleFilter(Query query) {
        List<String> given = query.words("q", MAX_FILTER_CHARS);
        if (given.isEmpty()) {
            return Optional.empty();
        }
        List<String> words = TitleWords.of(String.join(" ", given));
        if (words.size() > Extensions.MAX_SEARCH_WORDS) {
            throw new RequestException(400, "q takes at most " + Extensions.MAX_SEARCH_WORDS + " words, as SEARCH does");
        }
        return Optional.of(words);
    }

    /** Up to {@code limit} records with every one of {@code words}, from the store's word index; no words, none. */
    private SearchHits search(List<String> words, int limit) {
        return words.isEmpty() ? new SearchHits(List.of(), false) : store.search(words, limit);
    }

    /** Whether {@code record}'s title has every one of {@code words}; no words, no match, as {@link #search}. */
    private static boolean hasAll(RfcRecord record, List<String> words) {
        return !words.isEmpty() && TitleWords.matchesAll(record.title(), words);
    }

    private static SearchHits firstOf(List<RfcRecord> records, int limit) {
        return new SearchHits(records.subList(0, Math.min(records.size(), limit)), records.size() > limit);
    }

    /** The object both record answers start with, left open: {@code records} and {@code truncated}. */
    private static Json recordsJson(SearchHits hits) {
        Json json = new Json().beginObject().name("records").beginArray();
        hits.records().forEach(record -> write(json, record));
        return json.endArray().name("truncated").value(hits.truncated());
    }

    private static void write(Json json, RfcRecord record) {
        json.beginObject()
                .member("rfc", record.number())
                .member("title", record.title())
                .member("host", record.host())
                .member("port", record.port())
                .endObject();
    }

    String statsJson() {
        Json json = new Json().beginObject()
                .member("time", System.currentTimeMillis())
                .member("instance", instance.orElse(null))
                .member("peers", counts.peers())
                .member("records", counts.records())
                .member("connectionsOpen", openConnections.getAsInt())
                .member("connectionsRefused", metrics.refused())
                .member("feedSubscribers", feed.subscribers());
        json.name("requests").beginObject();
        for (ServerMetrics.Method method : ServerMetrics.Method.values()) {
            json.name(method.name()).beginObject();
            for (Status status : Status.values()) {
                json.member(Integer.toString(status.code()), metrics.requests(method, status));
            }
            json.endObject();
        }
        json.endObject().name("statuses").beginObject();
        for (Status status : Status.values()) {
            long count = 0;
            for (ServerMetrics.Method method : ServerMetrics.Method.values()) {
                count += metrics.requests(method, status);
            }
            json.member(Integer.toString(status.code()), count);
        }
        return json.endObject().endObject().toString();
    }

    String eventsJson() {
        Json json = new Json().beginObject().name("events").beginArray();
        AddedRun.coalesce(feed.latest()).forEach(entry -> entry.writeTo(json));
        return json.endArray().endObject().toString();
    }

    /**
     * Streams the feed as server-sent events: first the ring's events after the browser's Last-Event-ID (the latest
     * for a new page), then, every {@link #FEED_BATCH_MILLIS}, what was published meanwhile, each peer's additions
     * told as one entry ({@link AddedRun}), until the browser goes or does not keep up.
     */
    private void streamFeed(HttpExchange exchange) throws IOException {
        if (feed.subscribers() >= MAX_SUBSCRIBERS) {
            RESPONSES.sendText(exchange, 503, "too many dashboards follow the feed\n");
            return;
        }
        long lastEventId = EventStream.lastEventId(exchange.getRequestHeaders());
        EventStream out = EventStream.open(exchange, FEED_RETRY_MILLIS);
        try (EventFeed.Subscription subscription = feed.subscribe(lastEventId)) {
            out.flush(); // the browser knows it follows the feed before the first event comes
            List<FeedEvent> batch = new ArrayList<>();
            long quietSince = System.nanoTime();
            while (true) {
                subscription.drainTo(batch);
                if (subscription.isDropped()) {
                    break;
                }
                if (!batch.isEmpty()) {
                    // Only the batch's last entry carries an id, the batch's highest number: a run told before an
                    // event of another peer holds numbers above that event's, so a browser that lost the stream
                    // after it and resumed from its id would miss the other peer's events between.
                    List<FeedEntry> entries = AddedRun.coalesce(batch);
                    for (int i = 0; i < entries.size() - 1; i++) {
                        out.send("index", entries.get(i).toJson());
                    }
                    FeedEntry last = entries.get(entries.size() - 1);
                    out.send(last.seq(), "index", last.toJson());
                    batch.clear();
                    out.flush();
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince >= FEED_KEEPALIVE_MILLIS * 1_000_000) {
                    out.keepalive();
                    out.flush();
                    quietSince = System.nanoTime();
                }
                // The stream reads the ring at its own pace: a flood of ADDs costs the dashboard a write per
                // interval and costs the ADDs nothing (a write per event cost ADD c=64 a quarter of its throughput).
                Thread.sleep(FEED_BATCH_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
