package net.p2pci.peer.web;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Semaphore;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.PeerLine;
import net.p2pci.protocol.RfcRecord;
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
 * The peer's own web page ({@code --http-port}): its RFCs, the index (LIST) with a search (the index server's SEARCH
 * where it offers it, else the LIST filtered here), the active peers (PEERS, where offered), a download button per
 * record with a live progress bar, and the transcript as it is printed. The page acts through the same
 * {@link CommandProcessor} as the shell, so a click prints the same lines a typed command does.
 *
 * <p>Paths: {@code /} and its script and style; {@code /events}, the transcript and the downloads as server-sent
 * events; {@code GET /api/own}, {@code GET /api/index?q=}; {@code POST /api/list} (runs LIST),
 * {@code POST /api/search} (runs SEARCH), {@code POST /api/peers} (runs PEERS) and {@code POST /api/get} (starts a
 * GET). A POST must carry the header {@value #PAGE_HEADER}, which a page of another
 * site cannot send here without this server's leave (it never gives it), and every request must name this machine
 * in its Host header, so that a site whose name is made to point here cannot use the page either.
 *
 * <p>Thread-safe: each exchange runs on a virtual thread of its own over thread-safe parts.
 */
public final class PageServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PageServer.class);

    /** The header every POST must carry, with any value: a cross-site form or script cannot add it. */
    static final String PAGE_HEADER = "X-P2PCI-Page";
    /** Open HTTP connections at once: this page has one reader, perhaps a few. */
    static final int MAX_CONNECTIONS = 64;
    /** Exchanges served at once, each a virtual thread; a feed stream holds one for as long as it is open. */
    static final int MAX_EXCHANGES = 32;
    /** Pages following the feed at once, below {@link #MAX_EXCHANGES} so that the API always has room. */
    static final int MAX_SUBSCRIBERS = 16;
    /** The longest query string or POST body read: a search is a few words, a download an RFC number and a holder. */
    static final int MAX_QUERY_CHARS = 1024;
    /** Records one index answer lists; the count of all that matched comes with them. */
    static final int MAX_RECORDS_SHOWN = 1000;
    /** Peers of a PEERS answer listed; the count of all comes with them. */
    static final int MAX_PEERS_SHOWN = 1000;
    /** RFCs of this peer listed, each title read from its file. */
    static final int MAX_OWN_SHOWN = 1000;
    /** How often a stream looks at the downloads' progress while no line comes. */
    static final long PROGRESS_MILLIS = 200;
    /** How often an idle stream sends a comment, so that a closed browser is noticed. */
    static final long KEEPALIVE_MILLIS = 15_000;
    /** How long a browser waits before it follows the stream again after it broke. */
    static final long RETRY_MILLIS = 1000;

    /** The page posts with scripts only: no form may be sent anywhere, this peer included. */
    private static final PageResponses RESPONSES =
            new PageResponses(PageResponses.SAME_ORIGIN_ONLY + "; form-action 'none'");

    private final HttpServer server;
    private final RfcLibrary library;
    private final IndexSession index;
    private final Downloader downloader;
    private final CommandProcessor processor;
    private final TranscriptFeed feed;
    private final DownloadJobs jobs = new DownloadJobs();
    private final Semaphore subscribers = new Semaphore(MAX_SUBSCRIBERS);
    private final StaticFiles files;
    private final String machineName;
    /** The records of the latest LIST, typed or clicked; null before the first. */
    private volatile List<RfcRecord> listing;

    /** The peer's parts that the page shows and acts on. */
    public record Parts(RfcLibrary library, IndexSession index, Downloader downloader, CommandProcessor processor) {
        public Parts {
            Objects.requireNonNull(library, "library");
            Objects.requireNonNull(index, "index");
            Objects.requireNonNull(downloader, "downloader");
            Objects.requireNonNull(processor, "processor");
        }
    }

    private PageServer(HttpServer server, Parts parts, TranscriptFeed feed) {
        this.server = server;
        this.library = parts.library();
        this.index = parts.index();
        this.downloader = parts.downloader();
        this.processor = parts.processor();
        this.feed = feed;
        this.files = StaticFiles.load(PageServer.class, "the page", RESPONSES, "peer.html", "peer.js", "peer.css");
        this.machineName = machineName();
    }

    /**
     * Listens where {@code settings} say and serves the page of the peer made of {@code parts}.
     *
     * @param feed the peer's transcript, followed since before the peer printed its first line
     * @throws IOException when the port cannot be listened on
     */
    public static PageServer start(PageSettings settings, Parts parts, TranscriptFeed feed) throws IOException {
        JdkServerLimits.apply(MAX_CONNECTIONS);
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 16);
        PageServer page = new PageServer(server, parts, feed);
        parts.processor().reportListingsTo(records -> page.listing = List.copyOf(records));
        parts.processor().watchDownloadsWith(page.jobs);
        server.createContext("/", new ExchangeHandler(page::serve, RESPONSES, new ExchangeHandler.Log(
                line -> LOG.debug("[Page] {}", line), e -> LOG.warn("[Page] error answering a request", e))));
        server.setExecutor(new BoundedExecutor(MAX_EXCHANGES));
        server.start();
        return page;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The address to give a person: the bound one, or for every interface, the one the peer registered under. */
    public String url() {
        InetAddress bound = server.getAddress().getAddress();
        String host = bound.isAnyLocalAddress() ? index.host() : bound.getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /** Ends every stream and stops listening. */
    @Override
    public void close() {
        feed.close();
        server.stop(0);
    }

    /** Answers one exchange; {@link ExchangeHandler} sorts its failures and closes it. */
    private void serve(HttpExchange exchange) throws IOException {
        if (!namesThisMachine(exchange.getRequestHeaders().getFirst("Host"))) {
            throw new RequestException(421, "the Host header does not name this machine");
        }
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        if (query != null && query.length() > MAX_QUERY_CHARS) {
            throw new RequestException(414, "query too long");
        }
        switch (exchange.getRequestMethod()) {
            case "GET" -> serveGet(exchange, path, Query.parse(query));
            case "POST" -> servePost(exchange, path);
            default -> {
                exchange.getResponseHeaders().set("Allow", "GET, POST");
                throw new RequestException(405, "only GET and POST are served here");
            }
        }
    }

    private void serveGet(HttpExchange exchange, String path, Query query) throws IOException {
        if (files.serve(exchange, path)) {
            return;
        }
        switch (path) {
            case "/events" -> streamFeed(exchange);
            case "/api/own" -> RESPONSES.sendJson(exchange, ownJson());
            case "/api/index" -> RESPONSES.sendJson(exchange, indexJson(query.text("q")));
            case "/api/downloads" -> RESPONSES.sendJson(exchange, jobs.toJson());
            default -> throw new RequestException(404, "not found");
        }
    }

    private void servePost(HttpExchange exchange, String path) throws IOException {
        Headers headers = exchange.getRequestHeaders();
        String origin = headers.getFirst("Origin");
        if (headers.getFirst(PAGE_HEADER) == null
                || origin != null && !origin.equals("http://" + headers.getFirst("Host"))) {
            throw new RequestException(403, "only this peer's own page may ask that");
        }
        Query form = Query.parse(readBody(exchange));
        switch (path) {
            case "/api/list" -> {
                processor.listRecords();
                RESPONSES.sendJson(exchange, indexJson(form.text("q")));
            }
            case "/api/search" -> RESPONSES.sendJson(exchange, searchJson(form.text("q")));
            case "/api/peers" -> RESPONSES.sendJson(exchange, peersJson());
            case "/api/get" -> startDownload(exchange, form);
            default -> throw new RequestException(404, "not found");
        }
    }

    /** This peer's RFCs, with the titles read from their files, and the peer's own address. */
    String ownJson() {
        List<Integer> numbers = library.numbers();
        Json json = new Json().beginObject()
                .member("peer", index.self().toString())
                .member("index", index.server().toString())
                .name("connected").value(index.isConnected())
                .member("directory", library.directory().toString())
                .member("count", numbers.size())
                .name("rfcs").beginArray();
        for (int number : numbers.subList(0, Math.min(numbers.size(), MAX_OWN_SHOWN))) {
            Optional<Path> file = library.find(number);
            if (file.isEmpty()) {
                continue;
            }
            json.beginObject()
                    .member("rfc", number)
                    .member("title", CommandProcessor.titleOf(number, file.get()))
                    .member("file", file.get().getFileName().toString())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    /**
     * The records of the latest LIST whose RFC number is each number of {@code search}, and whose title holds each
     * other word of it (in any case).
     */
    String indexJson(String search) {
        List<String> words = search.isBlank() ? List.of()
                : List.of(search.strip().toLowerCase(Locale.ROOT).split("\\s+"));
        List<RfcRecord> records = listing;
        List<RfcRecord> matching = (records == null ? List.<RfcRecord>of() : records).stream()
                .filter(record -> matches(record, words)).toList();
        return recordsJson(new Json().beginObject().name("listed").value(records != null), matching)
                .member("total", records == null ? 0 : records.size()).endObject().toString();
    }

    /**
     * SEARCH for the words of {@code words}, run as the shell's SEARCH command runs it: through the index server's
     * extension, or where it has none through LIST filtered here, which the answer says ({@code through}).
     */
    String searchJson(String words) {
        Optional<CommandProcessor.SearchResult> found;
        try {
            found = processor.searchRecords(words);
        } catch (IllegalArgumentException e) {
            throw new RequestException(400, e.getMessage());
        }
        if (found.isEmpty()) {
            throw new RequestException(502, "the index server did not answer the search; the log says why");
        }
        CommandProcessor.SearchResult result = found.get();
        Json json = recordsJson(new Json().beginObject().name("listed").value(true), result.records());
        json.member("through", result.throughExtension() ? "SEARCH" : "LIST").name("truncated")
                .value(result.truncated());
        result.limit().ifPresent(limit -> json.member("limit", limit));
        return json.endObject().toString();
    }

    /** PEERS, as the shell's command runs it: the active peers, or {@code offered} false where the server lacks it. */
    String peersJson() {
        CommandProcessor.PeerList answer = processor.listPeers().orElseThrow(
                () -> new RequestException(502, "the index server did not answer PEERS; the log says why"));
        Json json = new Json().beginObject().name("offered").value(answer.offered())
                .member("count", answer.peers().size()).name("peers").beginArray();
        for (PeerLine peer : answer.peers().subList(0, Math.min(answer.peers().size(), MAX_PEERS_SHOWN))) {
            json.beginObject()
                    .member("peer", new HostAndPort(peer.host(), peer.port()).toString())
                    .member("records", peer.records())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    /** This peer's address and up to {@link #MAX_RECORDS_SHOWN} of {@code records}, with how many there are. */
    private Json recordsJson(Json json, List<RfcRecord> records) {
        json.member("self", index.self().toString()).name("records").beginArray();
        for (RfcRecord record : records.subList(0, Math.min(records.size(), MAX_RECORDS_SHOWN))) {
            json.beginObject()
                    .member("rfc", record.number())
                    .member("title", record.title())
                    .member("holder", new HostAndPort(record.host(), record.port()).toString())
                    .endObject();
        }
        return json.endArray().member("matched", records.size());
    }

    private static boolean matches(RfcRecord record, List<String> words) {
        String title = record.title().toLowerCase(Locale.ROOT);
        for (String word : words) {
            boolean number = word.chars().allMatch(c -> c >= '0' && c <= '9');
            if (number ? !word.equals(Integer.toString(record.number())) : !title.contains(word)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Starts {@code GET n holder} as if typed, on a thread of its own: the answer (202) says it is waiting for the
     * peer, and the page follows it on the feed.
     */
    private void startDownload(HttpExchange exchange, Query form) throws IOException {
        int number = form.integer("rfc", 1, Integer.MAX_VALUE);
        HostAndPort holder;
        try {
            holder = HostAndPort.parse(form.text("holder"), OptionalInt.empty());
        } catch (IllegalArgumentException e) {
            throw new RequestException(400, "holder takes host:port");
        }
        DownloadJobs.Job job = jobs.add(number, holder);
        if (job == null) {
            throw new RequestException(429, DownloadJobs.MAX_WAITING + " downloads wait already");
        }
        Thread.ofVirtual().name("page-get-" + number).start(() -> runDownload(job));
        RESPONSES.sendJson(exchange, 202, new Json().beginObject().member("id", job.id).endObject().toString());
    }

    private void runDownload(DownloadJobs.Job job) {
        try {
            // The processor runs one command at a time: this waits for a typed one to end, and the other way round;
            // it tells the jobs when the download starts and ends.
            processor.execute("GET " + job.rfcNumber + " " + job.holder);
        } finally {
            jobs.failIfNeverStarted(job);
        }
    }

    /**
     * Streams the feed as server-sent events: the transcript's lines after the browser's Last-Event-ID (all that
     * are kept, for a new page), then each as it is printed; and the page's downloads whenever they change.
     */
    private void streamFeed(HttpExchange exchange) throws IOException {
        if (!subscribers.tryAcquire()) {
            throw new RequestException(503, "too many pages follow this peer");
        }
        try {
            long last = EventStream.lastEventId(exchange.getRequestHeaders());
            EventStream out = EventStream.open(exchange, RETRY_MILLIS);
            out.flush();
            String downloadsSent = "";
            long quietSince = System.nanoTime();
            while (!feed.isClosed()) {
                List<TranscriptFeed.Line> lines = feed.after(last, PROGRESS_MILLIS);
                boolean sent = !lines.isEmpty();
                for (TranscriptFeed.Line line : lines) {
                    String data = new Json().beginObject().member("text", line.text()).endObject().toString();
                    out.send(line.seq(), "line", data);
                    last = line.seq();
                }
                jobs.update(downloader.progress());
                String downloads = jobs.toJson();
                if (!downloads.equals(downloadsSent)) {
                    out.send("downloads", downloads);
                    downloadsSent = downloads;
                    sent = true;
                }
                if (sent) {
                    quietSince = System.nanoTime();
                } else if (System.nanoTime() - quietSince > KEEPALIVE_MILLIS * 1_000_000) {
                    out.keepalive();
                    quietSince = System.nanoTime();
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            subscribers.release();
        }
    }

    /**
     * Whether a Host header names this machine: an address, {@code localhost}, or this machine's name. A page of
     * another site whose name is pointed at this address (DNS rebinding) sends its own name, and is refused.
     */
    private boolean namesThisMachine(String host) {
        if (host == null || host.isEmpty() || host.length() > 300) {
            return false;
        }
        String name;
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 && host.substring(1, end).chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':'
                    || c == '.' || c == '%');
        }
        int colon = host.indexOf(':');
        name = (colon < 0 ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
        return name.chars().allMatch(c -> c >= '0' && c <= '9' || c == '.') || name.equals("localhost")
                || name.equals(machineName);
    }

    private static String machineName() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(MAX_QUERY_CHARS + 1);
            if (body.length > MAX_QUERY_CHARS) {
                throw new RequestException(413, "the request is too long");
            }
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
