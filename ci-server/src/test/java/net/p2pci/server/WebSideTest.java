package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.p2pci.server.web.WebServer;
import net.p2pci.server.web.WebSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The index server's web side in process, over real sockets: the JSON for scripts, /metrics as the Prometheus
 * client's parser reads it, the feed as server-sent events, and the HTTP side's limits.
 */
class WebSideTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private IndexServer server;
    private WebClient web;

    @BeforeEach
    void startServer() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withPort(0).withBindAddress(LOOPBACK),
                Optional.of(new WebSettings(LOOPBACK, 0)));
        web = new WebClient(server.httpPort().orElseThrow());
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void withoutHttpPortNothingListensForHttp() throws IOException {
        try (IndexServer plain = IndexServer.start(ServerConfig.defaults().withPort(0).withBindAddress(LOOPBACK))) {
            assertThat(plain.httpPort()).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void apiShowsPeersAndRecordsAndFiltersRecordsByNumberAndTitleWords() throws Exception {
        try (RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port())) {
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            a.exchange(Requests.add(2616, "a.example", 5678, "Hypertext Transfer Protocol -- HTTP/1.1"));
            b.exchange(Requests.add(791, "b.example", 6789, "Internet Protocol"));

            Map<String, Object> peers = web.json("/api/peers");
            assertThat(peers.get("cluster")).isEqualTo(false);
            assertThat((List<Map<String, Object>>) peers.get("peers"))
                    .extracting(peer -> peer.get("host"), peer -> peer.get("port"), peer -> peer.get("records"),
                            peer -> peer.get("source"))
                    .containsExactly(
                            org.assertj.core.api.Assertions.tuple("a.example", 5678L, 2L, "127.0.0.1"),
                            org.assertj.core.api.Assertions.tuple("b.example", 6789L, 1L, "127.0.0.1"));

            assertThat(records("/api/records")).extracting(record -> record.get("rfc"))
                    .containsExactly(791L, 2616L, 791L);
            assertThat(records("/api/records?rfc=791")).extracting(record -> record.get("host"))
                    .containsExactly("a.example", "b.example");
            assertThat(records("/api/records?q=PROTOCOL%20internet")).extracting(record -> record.get("rfc"))
                    .containsExactly(791L, 791L);
            assertThat(records("/api/records?rfc=2616&q=http")).hasSize(1);
            assertThat(records("/api/records?rfc=2616&q=ftp")).isEmpty();
            assertThat(records("/api/records?limit=1")).hasSize(1);
            assertThat(web.json("/api/records?limit=1").get("truncated")).isEqualTo(true);
        }
    }

    @Test
    void apiSearchAnswersAsTheSearchExtensionDoes() throws Exception {
        try (RawClient a = new RawClient(server.port())) {
            a.exchange(Requests.add(793, "a.example", 5678, "Transmission Control Protocol"));
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));

            assertThat(records("/api/search?q=PROTOCOL%20control")).extracting(record -> record.get("rfc"))
                    .containsExactly(793L);
            assertThat(records("/api/search?q=protocol")).extracting(record -> record.get("rfc"))
                    .containsExactly(791L, 793L);
            assertThat(records("/api/search?q=contr")).as("whole words only").isEmpty();
            assertThat(records("/api/search")).isEmpty();
            assertThat(web.json("/api/search?q=protocol")).containsEntry("truncated", false)
                    .containsEntry("limit", 1000L);
        }
    }

    @Test
    void recordsFilteredByTitleWordsAreWhatTheSearchFinds() throws Exception {
        try (RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port())) {
            a.exchange(Requests.add(793, "a.example", 5678, "Transmission Control Protocol"));
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            b.exchange(Requests.add(791, "b.example", 6789, "Internet protocol (IP)"));

            for (String q : List.of("protocol", "PROTOCOL%20control", "ip", "contr", "--", "ip%20--%20internet")) {
                assertThat(records("/api/records?q=" + q)).as(q).isEqualTo(records("/api/search?q=" + q));
            }
            assertThat(records("/api/records?q=protocol"))
                    .extracting(record -> record.get("rfc"), record -> record.get("host"))
                    .containsExactly(org.assertj.core.api.Assertions.tuple(791L, "a.example"),
                            org.assertj.core.api.Assertions.tuple(791L, "b.example"),
                            org.assertj.core.api.Assertions.tuple(793L, "a.example"));
            assertThat(records("/api/records?q=contr")).as("whole words only").isEmpty();
            assertThat(records("/api/records?q=--")).as("no words, no records").isEmpty();
            assertThat(records("/api/records?rfc=791&q=--")).as("no words, no records").isEmpty();
            assertThat(records("/api/records?rfc=791&q=ip")).extracting(record -> record.get("host"))
                    .containsExactly("b.example");
            assertThat(web.json("/api/records?q=protocol&limit=2")).containsEntry("truncated", true)
                    .doesNotContainKey("limit");
            assertThat(web.json("/api/records?q=protocol&limit=3")).containsEntry("truncated", false);
            assertThat(web.json("/api/records?rfc=791&limit=1")).containsEntry("truncated", true);
        }
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> records(String pathAndQuery) throws Exception {
        return (List<Map<String, Object>>) web.json(pathAndQuery).get("records");
    }

    @Test
    void peersWordsStayTextInTheJson() throws Exception {
        String title = "Quotes \" and \\ and <script>alert(1)</script> & more";
        try (RawClient a = new RawClient(server.port())) {
            a.exchange(Requests.add(1, "a.example", 5678, title));

            HttpResponse<String> response = web.get("/api/records?rfc=1");
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(response.body()).doesNotContain("<script>");
            assertThat(records("/api/records?rfc=1")).singleElement()
                    .satisfies(record -> assertThat(record.get("title")).isEqualTo(title));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void statsCountRequestsByMethodAndStatus() throws Exception {
        try (RawClient a = new RawClient(server.port())) {
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            a.exchange(Requests.lookup(791, "a.example", 5678));
            a.exchange(Requests.lookup(1, "a.example", 5678));
            a.exchange("LOOKUP RFC 1 P2P-CI/2.0\r\nHost: a.example\r\nPort: 5678\r\n\r\n");

            Map<String, Object> stats = web.json("/api/stats");
            assertThat(stats).containsEntry("peers", 1L).containsEntry("records", 1L)
                    .containsEntry("connectionsOpen", 1L).containsEntry("connectionsRefused", 0L);
            Map<String, Map<String, Object>> requests = (Map<String, Map<String, Object>>) stats.get("requests");
            assertThat(requests.get("ADD")).containsEntry("200", 1L);
            assertThat(requests.get("LOOKUP")).containsEntry("200", 1L).containsEntry("404", 1L);
            assertThat((Map<String, Object>) stats.get("statuses")).containsEntry("404", 1L).containsEntry("505", 1L);
        }
    }

    @Test
    void metricsAreReadByThePrometheusParserWithConventionalNamesAndLabels() throws Exception {
        try (RawClient a = new RawClient(server.port()); RawClient b = new RawClient(server.port())) {
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            a.exchange(Requests.add(2616, "a.example", 5678, "HTTP/1.1"));
            b.exchange(Requests.lookup(791, "b.example", 6789));
            b.exchange(Requests.lookup(1, "b.example", 6789));
            b.exchange("FETCH RFC 1 P2P-CI/1.0\r\nHost: b.example\r\nPort: 6789\r\n\r\n");

            HttpResponse<String> response = web.get("/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
            PrometheusText metrics = PrometheusText.parse(response.body());

            assertThat(metrics.value("p2pci_requests_total", Map.of("method", "ADD", "status", "200")))
                    .hasValue(2.0);
            assertThat(metrics.value("p2pci_requests_total", Map.of("method", "LOOKUP", "status", "200")))
                    .hasValue(1.0);
            assertThat(metrics.value("p2pci_requests_total", Map.of("method", "LOOKUP", "status", "404")))
                    .hasValue(1.0);
            assertThat(metrics.value("p2pci_requests_total", Map.of("method", "INVALID", "status", "400")))
                    .hasValue(1.0);
            assertThat(metrics.value("p2pci_request_duration_seconds_count", Map.of("method", "ADD")))
                    .hasValue(2.0);
            assertThat(metrics.value("p2pci_request_duration_seconds_bucket", Map.of("method", "ADD", "le", "+Inf")))
                    .hasValue(2.0);
            assertThat(metrics.value("p2pci_peers", Map.of())).hasValue(2.0);
            assertThat(metrics.value("p2pci_records", Map.of())).hasValue(2.0);
            assertThat(metrics.value("p2pci_connections_open", Map.of())).hasValue(2.0);
            assertThat(metrics.value("p2pci_connections_refused_total", Map.of())).hasValue(0.0);
            assertThat(metrics.value("p2pci_store_commits_total", Map.of()).orElseThrow()).isGreaterThanOrEqualTo(1);
            assertThat(metrics.value("p2pci_store_committed_changes_total", Map.of())).hasValue(4.0);
            assertThat(metrics.family("p2pci_store_commit_duration_seconds").orElseThrow().type())
                    .isEqualTo("histogram");
            assertThat(metrics.family("jvm_memory_used_bytes")).isPresent();
            assertThat(metrics.family("jvm_threads_current")).isPresent();
            assertThat(metrics.family("process_cpu_seconds")).isPresent();

            for (PrometheusText.Family family : metrics.families()) {
                assertThat(family.help()).as(family.name()).isNotBlank();
                for (PrometheusText.Sample sample : family.samples()) {
                    assertThat(sample.name()).matches("[a-z_][a-z0-9_]*");
                    assertThat(sample.labels().keySet()).allMatch(label -> label.matches("[a-z_][a-z0-9_]*"));
                    if (family.type().equals("counter")) {
                        assertThat(sample.name()).as("a counter's sample").endsWith("_total");
                    }
                }
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void removalsAreCountedAndFedWithWhyTheConnectionEnded() throws Exception {
        RawClient closing = new RawClient(server.port());
        closing.exchange(Requests.add(1, "closing.example", 5678, "One"));
        RawClient crashing = new RawClient(server.port());
        crashing.exchange(Requests.add(2, "crashing.example", 6789, "Two"));

        closing.close();
        crashing.reset();

        await().atMost(PATIENCE).until(() -> server.store().peerCount() == 0);
        List<Map<String, Object>> events = (List<Map<String, Object>>) web.json("/api/events").get("events");
        assertThat(events).filteredOn(event -> "removed".equals(event.get("kind")))
                .extracting(event -> event.get("host"), event -> event.get("reason"), event -> event.get("records"))
                .containsExactlyInAnyOrder(
                        org.assertj.core.api.Assertions.tuple("closing.example", "closed", 1L),
                        org.assertj.core.api.Assertions.tuple("crashing.example", "reset", 1L));
        assertThat(events).extracting(event -> event.get("kind"))
                .startsWith("registered", "added", "registered", "added");

        PrometheusText metrics = PrometheusText.parse(web.get("/metrics").body());
        assertThat(metrics.value("p2pci_peers_removed_total", Map.of("reason", "closed"))).hasValue(1.0);
        assertThat(metrics.value("p2pci_peers_removed_total", Map.of("reason", "reset"))).hasValue(1.0);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPeerCutOffMidRequestIsFedAsARequestTimeout() throws Exception {
        try (IndexServer strict = IndexServer.start(ServerConfig.defaults().withPort(0).withBindAddress(LOOPBACK)
                        .withRequestTimeout(Duration.ofMillis(300)), Optional.of(new WebSettings(LOOPBACK, 0)));
                RawClient slow = new RawClient(strict.port())) {
            slow.exchange(Requests.add(1, "slow.example", 5678, "One"));
            slow.send("LOOKUP RFC 1 P2P-CI/1.0\r\nHost: slow.example\r\n"); // and nothing more

            await().atMost(PATIENCE).until(() -> strict.store().peerCount() == 0);
            List<Map<String, Object>> events = (List<Map<String, Object>>)
                    new WebClient(strict.httpPort().orElseThrow()).json("/api/events").get("events");
            assertThat(events).filteredOn(event -> "removed".equals(event.get("kind")))
                    .extracting(event -> event.get("reason")).containsExactly("request timeout");
        }
    }

    @Test
    void theFeedStreamsEachIndexEventAsItHappens() throws Exception {
        try (Socket socket = new Socket(LOOPBACK, server.httpPort().orElseThrow())) {
            BufferedReader feed = sendRaw(socket, "/events");
            assertThat(feed.readLine()).isEqualTo("HTTP/1.1 200 OK");
            readUntil(feed, "retry: 2000");

            try (RawClient a = new RawClient(server.port())) {
                a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));

                assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"registered\"")
                        .contains("\"host\":\"a.example\"").contains("\"port\":5678");
                assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"added\"").contains("\"rfc\":791")
                        .contains("\"title\":\"Internet Protocol\"");
            }
            assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"removed\"").contains("\"reason\":\"closed\"");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void aFeedFollowedAgainAfterAFloodOfAdditionsTellsTheRemovalItMissedThenTheAdditionsAsOne() throws Exception {
        long lastSeen;
        try (RawClient gone = new RawClient(server.port())) {
            gone.exchange(Requests.add(1, "gone.example", 5678, "One"));
            List<Map<String, Object>> events = (List<Map<String, Object>>) web.json("/api/events").get("events");
            lastSeen = (Long) events.getLast().get("seq"); // what a dashboard following then had last
        }
        await().atMost(PATIENCE).until(() -> server.store().peerCount() == 0);
        int given = 500; // the latest events a returning browser is given again (README, /events)
        int flood = given + 100;
        try (RawClient bulk = new RawClient(server.port())) {
            StringBuilder burst = new StringBuilder();
            for (int rfc = 1; rfc <= flood; rfc++) {
                burst.append(Requests.add(rfc, "bulk.example", 6789, "Bulk " + rfc));
            }
            bulk.send(burst.toString());
            for (int rfc = 1; rfc <= flood; rfc++) {
                assertThat(bulk.readResponse()).startsWith("P2P-CI/1.0 200 OK");
            }

            try (Socket socket = new Socket(LOOPBACK, server.httpPort().orElseThrow())) {
                BufferedReader feed = sendRaw(socket, "/events", "Last-Event-ID: " + lastSeen + "\r\n");
                assertThat(feed.readLine()).isEqualTo("HTTP/1.1 200 OK");
                assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"removed\"")
                        .contains("\"host\":\"gone.example\"").contains("\"reason\":\"closed\"");
                assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"registered\"")
                        .contains("\"host\":\"bulk.example\"");
                assertThat(readUntil(feed, "data: ")).contains("\"kind\":\"added\"")
                        .contains("\"host\":\"bulk.example\"").contains("\"count\":" + given)
                        .contains("\"lastRfc\":" + flood);
            }
        }
    }

    /**
     * Sends a GET of {@code target} exactly as written (an HTTP client would refuse a malformed one) and returns the
     * answer's lines; the socket's timeout bounds every read.
     */
    private static BufferedReader sendRaw(Socket socket, String target) throws IOException {
        return sendRaw(socket, target, "");
    }

    /** As {@link #sendRaw(Socket, String)}, with {@code headerLines} (each ending in CRLF) after Host. */
    private static BufferedReader sendRaw(Socket socket, String target, String headerLines) throws IOException {
        socket.setSoTimeout((int) PATIENCE.toMillis());
        socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headerLines + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    /** Reads lines until one starts with {@code prefix}, and returns it; the socket's timeout bounds the wait. */
    private static String readUntil(BufferedReader reader, String prefix) throws IOException {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the stream ended before a line starting with " + prefix);
    }

    @Test
    void onlyGetIsServedAndUnknownPathsAreNotFound() throws Exception {
        assertThat(web.send(HttpRequest.newBuilder(web.uri("/api/peers"))
                .POST(HttpRequest.BodyPublishers.ofString("x"))).statusCode()).isEqualTo(405);
        assertThat(web.get("/nothing-here").statusCode()).isEqualTo(404);
        assertThat(web.get("/api/peers/..").statusCode()).isEqualTo(404);
    }

    @Test
    void aQueryIsReadUpToItsLimitAndRefusedOverIt() throws Exception {
        String atLimit = "q=" + "a".repeat(WebServer.MAX_QUERY_CHARS - 2 - 6) + "&rfc=1";
        assertThat(atLimit).hasSize(WebServer.MAX_QUERY_CHARS);
        assertThat(web.get("/api/records?" + atLimit).statusCode()).isEqualTo(400); // q over its own limit
        assertThat(web.get("/api/records?" + atLimit.replace("q=", "x=")).statusCode()).isEqualTo(200);
        assertThat(web.get("/api/records?" + atLimit.replace("q=", "x=") + "1").statusCode()).isEqualTo(414);
    }

    @Test
    void badParametersAreAnsweredWith400AndSayWhich() throws Exception {
        for (String query : List.of("rfc=abc", "rfc=0", "rfc=-1", "limit=0", "limit=999999")) {
            HttpResponse<String> response = web.get("/api/records?" + query);
            assertThat(response.statusCode()).as(query).isEqualTo(400);
            assertThat(WebClient.parse(response.body())).containsKey("error");
        }
    }

    @Test
    void dashboardsFollowTheFeedUpToTheLimitAndOneMoreIsTurnedAway() throws Exception {
        List<Socket> followers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < WebServer.MAX_SUBSCRIBERS; i++) {
                Socket socket = new Socket(LOOPBACK, server.httpPort().orElseThrow());
                followers.add(socket);
                BufferedReader feed = sendRaw(socket, "/events");
                assertThat(feed.readLine()).isEqualTo("HTTP/1.1 200 OK");
                readUntil(feed, "retry: 2000"); // written once it follows the feed
            }
            try (Socket oneMore = new Socket(LOOPBACK, server.httpPort().orElseThrow())) {
                assertThat(sendRaw(oneMore, "/events").readLine()).startsWith("HTTP/1.1 503 ");
            }
            assertThat(web.get("/api/stats").statusCode()).as("the API still answers").isEqualTo(200);
        } finally {
            for (Socket socket : followers) {
                socket.close();
            }
        }
    }

    @Test
    void aQueryThatIsNotUrlEncodedIsABadRequest() throws Exception {
        try (Socket socket = new Socket(LOOPBACK, server.httpPort().orElseThrow())) {
            assertThat(sendRaw(socket, "/api/records?q=%zz").readLine()).startsWith("HTTP/1.1 400 ");
        }
    }

    @Test
    void aFilterOfTitleWordsIsReadUpToItsLimit() throws Exception {
        String atLimit = "a".repeat(WebServer.MAX_FILTER_CHARS);
        assertThat(web.get("/api/records?q=" + atLimit).statusCode()).isEqualTo(200);
        assertThat(web.get("/api/records?q=" + atLimit + "a").statusCode()).isEqualTo(400);
        String sixteenWords = String.join("%20", java.util.stream.IntStream.rangeClosed(1, 16)
                .mapToObj(word -> "w" + word).toList());
        assertThat(web.get("/api/records?q=" + sixteenWords).statusCode()).isEqualTo(200);
        assertThat(web.get("/api/records?q=" + sixteenWords + "%20w17").statusCode())
                .as("a 17th word is refused, not dropped").isEqualTo(400);
    }

    @Test
    void thePagesComeFromThisServerOnlyAndForbidEverythingElse() throws Exception {
        for (String path : List.of("/", "/dashboard.js", "/dashboard.css")) {
            HttpResponse<String> response = web.get(path);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Security-Policy").orElseThrow())
                    .startsWith("default-src 'self'");
            assertThat(response.body()).doesNotContainPattern("(src|href)=\"(https?:)?//");
        }
    }
}
