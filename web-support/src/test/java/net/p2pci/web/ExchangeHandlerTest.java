package net.p2pci.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A page's plumbing on a real JDK server on loopback: its files and the shared stylesheet with the security
 * headers, and each kind of failure sorted by the one handler.
 */
class ExchangeHandlerTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final PageResponses RESPONSES = new PageResponses(PageResponses.SAME_ORIGIN_ONLY);

    private final List<String> quiet = new CopyOnWriteArrayList<>();
    private final List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(PATIENCE).build();
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        StaticFiles files = StaticFiles.load(ExchangeHandlerTest.class, "the test page", RESPONSES, "test-page.html",
                "test-page.js");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", new ExchangeHandler(exchange -> {
            String path = exchange.getRequestURI().getRawPath();
            if (files.serve(exchange, path)) {
                return;
            }
            switch (path) {
                case "/refused" -> throw new RequestException(429, "too many <b>");
                case "/broken" -> throw new IllegalStateException("a bug of ours");
                default -> throw new RequestException(404, "not found");
            }
        }, RESPONSES, new ExchangeHandler.Log(quiet::add, failures::add)));
        server.setExecutor(new BoundedExecutor(4));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void thePageItsFilesAndTheSharedStylesheetComeWithTheSecurityHeaders() throws Exception {
        HttpResponse<String> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>test page</title>");
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");

        assertThat(get("/test-page.js").headers().firstValue("Content-Type"))
                .hasValue("text/javascript; charset=utf-8");

        HttpResponse<String> css = get("/base.css");
        assertThat(css.statusCode()).isEqualTo(200);
        assertThat(css.body()).contains(":root");
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        for (HttpResponse<String> answer : List.of(page, css)) {
            assertThat(answer.headers().firstValue("Content-Security-Policy")).hasValue(PageResponses.SAME_ORIGIN_ONLY);
            assertThat(answer.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
            assertThat(answer.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
        }
    }

    @Test
    void aRefusedRequestIsAnsweredWithItsStatusAsJsonThatStaysText() throws Exception {
        HttpResponse<String> refused = get("/refused");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue(PageResponses.JSON);
        assertThat(refused.body()).isEqualTo("{\"error\":\"too many \\u003cb>\"}");
        assertThat(get("/nowhere").statusCode()).isEqualTo(404);
        assertThat(failures).isEmpty();
    }

    @Test
    void anErrorOfOursIsLoggedOnceAndAnswered500() throws Exception {
        HttpResponse<String> broken = get("/broken");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("{\"error\":\"internal error\"}");
        assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessage("a bug of ours"));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
        return client.send(HttpRequest.newBuilder(uri).timeout(PATIENCE).build(), HttpResponse.BodyHandlers.ofString());
    }
}
