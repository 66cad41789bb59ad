package net.p2pci.peer.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.Peer;
import net.p2pci.peer.PeerOptions;
import net.p2pci.peer.SampleRfcs;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.cli.Transcript;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's HTTP side over a raw socket, with a real index server and a real peer in this JVM: what a page of
 * another site, or a name pointed at this machine, cannot do; the limits, at and over; and that text from other
 * peers reaches the page as JSON text that never reads as markup.
 */
final class PageServerTest {
    @TempDir
    Path work;
    private IndexServer server;
    private Peer peer;
    private PageServer page;

    @BeforeEach
    void start() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withPort(0)
                .withBindAddress(InetAddress.getLoopbackAddress()));
        Path dir = Files.createDirectory(work.resolve("peer"));
        SampleRfcs.copy(dir, List.of(1149));
        peer = Peer.start(new PeerOptions(List.of(new HostAndPort("127.0.0.1", server.port())), dir, 0,
                Optional.empty(), List.of()));
        Transcript transcript = new Transcript(new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8));
        TranscriptFeed feed = new TranscriptFeed();
        transcript.copyLinesTo(feed::add);
        CommandProcessor processor = new CommandProcessor(peer.library(), peer.index(), peer.downloader(),
                transcript);
        processor.registerLibrary(peer.initialScan());
        page = PageServer.start(new PageSettings(InetAddress.getLoopbackAddress(), 0),
                new PageServer.Parts(peer.library(), peer.index(), peer.downloader(), processor), feed);
    }

    @AfterEach
    void stop() {
        if (page != null) {
            page.close();
        }
        if (peer != null) {
            peer.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePageAndItsOwnRfcsAreServedToThisMachinesNames() throws IOException {
        assertThat(exchange("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + page.port() + "\r\n"))
                .startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Security-Policy: default-src 'self';")
                .contains("<title>P2P-CI peer</title>");
        assertThat(exchange("GET /api/own HTTP/1.1\r\nHost: localhost:" + page.port() + "\r\n"))
                .startsWith("HTTP/1.1 200").contains("\"rfc\":1149", "\"file\":\"rfc1149.txt\"");
        assertThat(exchange("GET /api/own HTTP/1.1\r\nHost: [::1]:" + page.port() + "\r\n"))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void aHostHeaderNamingAnotherSiteIsRefusedAsARebindingAttackWouldSendIt() throws IOException {
        assertThat(exchange("GET /api/own HTTP/1.1\r\nHost: attacker.example:" + page.port() + "\r\n"))
                .startsWith("HTTP/1.1 421").doesNotContain("1149");
        assertThat(exchange("POST /api/get HTTP/1.1\r\nHost: attacker.example\r\nX-P2PCI-Page: 1\r\n"
                + "Content-Length: 33\r\n\r\nrfc=2616&holder=127.0.0.1%3A1%20x")).startsWith("HTTP/1.1 421");
    }

    @Test
    void aPostWithoutThePagesHeaderOrFromAnotherOriginStartsNothing() throws IOException {
        String body = "rfc=2616&holder=127.0.0.1%3A1";
        String host = "Host: 127.0.0.1:" + page.port() + "\r\n";
        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "Content-Type: application/x-www-form-urlencoded"
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)).startsWith("HTTP/1.1 403");
        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "X-P2PCI-Page: 1\r\nOrigin: http://attacker.example"
                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)).startsWith("HTTP/1.1 403");
        assertThat(exchange("GET /api/downloads HTTP/1.1\r\n" + host)).contains("{\"downloads\":[]}");

        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "X-P2PCI-Page: 1\r\nOrigin: http://127.0.0.1:"
                + page.port() + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body))
                .startsWith("HTTP/1.1 202");
        // Nobody listens at port 1: the download fails, and the page says so.
        awaitDownloads("\"rfc\":2616", "\"holder\":\"127.0.0.1:1\"", "\"state\":\"failed\"");
    }

    @Test
    void aClickedDownloadOfAnRfcAlreadyHereFailsWithoutTryingTheHolder() throws IOException {
        String host = "Host: 127.0.0.1:" + page.port() + "\r\nX-P2PCI-Page: 1\r\n";
        String body = "rfc=1149&holder=127.0.0.1%3A1";
        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "Content-Length: " + body.length() + "\r\n\r\n"
                + body)).startsWith("HTTP/1.1 202");

        awaitDownloads("\"rfc\":1149", "\"state\":\"failed\"", "\"received\":0");
    }

    @Test
    void aPostBodyIsReadUpToItsLimitAndRefusedOverIt() throws IOException {
        String host = "Host: 127.0.0.1:" + page.port() + "\r\nX-P2PCI-Page: 1\r\n";
        String atLimit = "q=" + "a".repeat(PageServer.MAX_QUERY_CHARS - 2);
        String overByOne = atLimit + "a";
        assertThat(exchange("POST /api/list HTTP/1.1\r\n" + host + "Content-Length: " + atLimit.length()
                + "\r\n\r\n" + atLimit)).startsWith("HTTP/1.1 200").contains("\"listed\":true");
        assertThat(exchange("POST /api/list HTTP/1.1\r\n" + host + "Content-Length: " + overByOne.length()
                + "\r\n\r\n" + overByOne)).startsWith("HTTP/1.1 413");
        assertThat(exchange("GET /api/index?q=" + "a".repeat(PageServer.MAX_QUERY_CHARS - 2) + " HTTP/1.1\r\n"
                + host)).startsWith("HTTP/1.1 200");
        assertThat(exchange("GET /api/index?q=" + "a".repeat(PageServer.MAX_QUERY_CHARS - 1) + " HTTP/1.1\r\n"
                + host)).startsWith("HTTP/1.1 414");
    }

    @Test
    void badRequestsGetTheirStatusAndQuoteNothingSent() throws IOException {
        String host = "Host: 127.0.0.1:" + page.port() + "\r\nX-P2PCI-Page: 1\r\n";
        String badHolder = "rfc=2616&holder=%3Cb%3E";
        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "Content-Length: " + badHolder.length()
                + "\r\n\r\n" + badHolder)).startsWith("HTTP/1.1 400").contains("holder takes host:port")
                .doesNotContain("<b>");
        String badRfc = "rfc=-1&holder=127.0.0.1%3A1";
        assertThat(exchange("POST /api/get HTTP/1.1\r\n" + host + "Content-Length: " + badRfc.length()
                + "\r\n\r\n" + badRfc)).startsWith("HTTP/1.1 400");
        assertThat(exchange("GET /nothing-here HTTP/1.1\r\n" + host)).startsWith("HTTP/1.1 404");
        assertThat(exchange("PUT /api/get HTTP/1.1\r\n" + host + "Content-Length: 0\r\n"))
                .startsWith("HTTP/1.1 405").contains("Allow: GET, POST");
    }

    @Test
    void aTitleFromAnotherPeerReachesThePageAsTextThatNeverReadsAsMarkup() throws IOException {
        try (IndexClient other = IndexClient.connect(new HostAndPort("127.0.0.1", server.port()),
                Optional.of("other.example"), 5678)) {
            other.add(7, "<img src=x onerror=alert(1)> \"quoted\"");
            String answer = exchange("POST /api/list HTTP/1.1\r\nHost: 127.0.0.1:" + page.port()
                    + "\r\nX-P2PCI-Page: 1\r\nContent-Length: 7\r\n\r\nq=quote");
            assertThat(answer).startsWith("HTTP/1.1 200")
                    .contains("\"title\":\"\\u003cimg src=x onerror=alert(1)> \\\"quoted\\\"\"")
                    .contains("\"holder\":\"other.example:5678\"")
                    .doesNotContain("<img");
        }
    }

    @Test
    void aSearchAndThePeersTableAreTheIndexServersAnswersToTheShellsSearchAndPeers() throws IOException {
        try (IndexClient other = IndexClient.connect(new HostAndPort("127.0.0.1", server.port()),
                Optional.of("other.example"), 5678)) {
            other.add(7, "Avian Carriers Revisited");
            other.add(8, "Carriers of Other Kinds");
            String post = "POST %s HTTP/1.1\r\nHost: 127.0.0.1:" + page.port()
                    + "\r\nX-P2PCI-Page: 1\r\nContent-Length: %d\r\n\r\n%s";

            String found = exchange(post.formatted("/api/search", 22, "q=CARRIERS+avian&x=%3C"));
            assertThat(found).startsWith("HTTP/1.1 200").contains("\"through\":\"SEARCH\"", "\"truncated\":false",
                    "\"limit\":\"1000\"", "\"matched\":2");
            assertThat(found.indexOf("\"rfc\":7,")).isPositive().isLessThan(found.indexOf("\"rfc\":1149,"));
            assertThat(found).doesNotContain("\"rfc\":8,");
            assertThat(exchange(post.formatted("/api/search", 8, "q=%21%21"))).startsWith("HTTP/1.1 400");
            assertThat(exchange(post.formatted("/api/search", 0, ""))).startsWith("HTTP/1.1 400");

            String peers = exchange(post.formatted("/api/peers", 0, ""));
            assertThat(peers).startsWith("HTTP/1.1 200").contains("\"offered\":true", "\"count\":2",
                    "{\"peer\":\"other.example:5678\",\"records\":2}",
                    "{\"peer\":\"" + peer.index().self() + "\",\"records\":1}");
            assertThat(exchange("GET /api/search?q=avian HTTP/1.1\r\nHost: 127.0.0.1:" + page.port() + "\r\n"))
                    .as("runs a command: a POST of the page only").startsWith("HTTP/1.1 404");
        }
    }

    /** Waits until the page's downloads, as JSON, hold every one of {@code parts}. */
    private void awaitDownloads(String... parts) {
        await("the download's end").atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                exchange("GET /api/downloads HTTP/1.1\r\nHost: 127.0.0.1:" + page.port() + "\r\n")).contains(parts));
    }

    /** Sends one request, closing the connection after it, and returns the whole answer as text. */
    private String exchange(String requestHead) throws IOException {
        String request = requestHead.contains("\r\n\r\n") ? requestHead : requestHead + "\r\n";
        request = request.replaceFirst("\r\n", "\r\nConnection: close\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), page.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
