package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.p2pci.server.web.WebSettings;
import net.p2pci.testsupport.HeadlessChromium;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless Chromium, driven through Selenium: a peer joins, adds an RFC and dies, and the
 * open page shows each step without being reloaded; in cluster mode, an instance's page shows the peers of every
 * instance and which one each is connected to. A screenshot of each step, and of the other pages, is written under
 * target/screenshots/. Without chromium and chromium-driver the test is skipped on a developer's machine and fails
 * in CI (see {@link HeadlessChromium}).
 */
class DashboardBrowserIT {
    private static final Duration PATIENCE = Duration.ofSeconds(10);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** RFCs a peer adds at once in the burst test: fewer than the 500 records and events a page is given. */
    private static final int BURST_RFCS = 300;

    private IndexServer server;
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void start() throws IOException {
        chromium = HeadlessChromium.start(1280, 1100);
        browser = chromium.browser();
        server = IndexServer.start(ServerConfig.defaults().withPort(0).withBindAddress(LOOPBACK),
                Optional.of(new WebSettings(LOOPBACK, 0)));
    }

    @AfterEach
    void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aPeerThatJoinsAddsAndDiesIsShownAsItHappensWithoutAReload() throws Exception {
        int webPort = server.httpPort().orElseThrow();
        String dashboard = "http://127.0.0.1:" + webPort + "/";
        browser.get(dashboard);
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        // A reload would lose this; it is still there at the end.
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes'");
        assertThat(browser.findElement(By.id("peers-empty")).isDisplayed()).isTrue();

        By peerRow = By.cssSelector("#peers tbody tr[data-peer='peer-a.example:5678']");
        try (RawClient peer = new RawClient(server.port())) {
            peer.exchange(Requests.add(791, "peer-a.example", 5678, "Internet Protocol"));

            assertThat(cells(wait, peerRow)).startsWith("peer-a.example", "5678", "127.0.0.1");
            wait.until(ExpectedConditions.textToBe(By.id("stat-peers"), "1"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed"),
                    "Peer peer-a.example:5678 registered"));
            chromium.screenshot("dashboard-1-peer-joined");

            peer.exchange(Requests.add(2616, "peer-a.example", 5678, "Hypertext Transfer Protocol -- HTTP/1.1"));

            assertThat(cells(wait, By.cssSelector("#records tbody tr[data-record='2616@peer-a.example:5678']")))
                    .containsExactly("2616", "Hypertext Transfer Protocol -- HTTP/1.1",
                    "peer-a.example", "5678");
            wait.until(ExpectedConditions.textToBe(By.cssSelector(
                    "#peers tbody tr[data-peer='peer-a.example:5678'] td:nth-child(5)"), "2"));
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("feed"), "RFC 2616"));

            // The filters narrow the records in place.
            browser.findElement(By.id("filter-words")).sendKeys("hypertext");
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#records tbody tr"), 1));
            chromium.screenshot("dashboard-2-record-added");
            browser.findElement(By.id("filter-words")).clear();
            browser.findElement(By.id("filter-rfc")).sendKeys("791");
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#records tbody tr[data-record='791@peer-a.example:5678']")));
            wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#records tbody tr"), 1));

            peer.reset(); // as a crashed peer's kernel would
        }

        wait.until(ExpectedConditions.invisibilityOfElementLocated(peerRow));
        WebElement removal = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#feed li[data-kind='removed']")));
        assertThat(removal.getText()).contains("Peer peer-a.example:5678 removed: reset (2 records)");
        wait.until(ExpectedConditions.textToBe(By.id("stat-peers"), "0"));
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#records tbody tr"), 0));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument")).isEqualTo("yes");
        chromium.screenshot("dashboard-3-peer-removed");

        // The other pages, for the record, and the dashboard on a phone's screen.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        chromium.screenshot("dashboard-phone");
        for (String page : List.of("metrics", "api/peers", "api/records", "api/stats")) {
            browser.get(dashboard + page);
            wait.until(ExpectedConditions.presenceOfElementLocated(By.tagName("body")));
            assertThat(browser.findElement(By.tagName("body")).getText()).isNotBlank();
            chromium.screenshot(page.replace('/', '-'));
        }
    }

    @Test
    void aPeerThatAddsManyRfcsInABurstIsToldInFewFeedEntriesWhileTheRecordsTableShowsThemAll() throws Exception {
        String dashboard = "http://127.0.0.1:" + server.httpPort().orElseThrow() + "/";
        browser.get(dashboard);
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        String bulkEntries = "#feed li[data-kind='added'][data-peer='bulk.example:5678']";

        try (RawClient peer = new RawClient(server.port())) {
            StringBuilder burst = new StringBuilder();
            for (int rfc = 1; rfc <= BURST_RFCS; rfc++) {
                burst.append(Requests.add(rfc, "bulk.example", 5678, "Bulk " + rfc));
            }
            peer.send(burst.toString()); // all at once, as a peer sharing its collection does
            for (int rfc = 1; rfc <= BURST_RFCS; rfc++) {
                assertThat(peer.readResponse()).startsWith("P2P-CI/1.0 200 OK");
            }

            // Each addition is counted in exactly one entry, and the burst took fewer entries than additions.
            wait.until(page -> addedCount(bulkEntries) == BURST_RFCS);
            List<WebElement> entries = browser.findElements(By.cssSelector(bulkEntries));
            assertThat(entries).hasSizeLessThan(BURST_RFCS);
            WebElement run = entries.stream().filter(entry -> Integer.parseInt(entry.getDomAttribute("data-count")) > 1)
                    .findFirst().orElseThrow();
            assertThat(run.getText()).matches("(?s).*Peer bulk\\.example:5678 added \\d+ RFCs: "
                    + "RFC (\\d+) “Bulk \\1” … RFC (\\d+) “Bulk \\2”");
            assertThat(browser.findElements(By.cssSelector("#feed li[data-kind='registered']"))).hasSize(1);

            wait.until(ExpectedConditions.textToBe(By.id("records-count"), "(" + BURST_RFCS + ")"));
            assertThat(browser.findElements(By.cssSelector("#records tbody tr"))).hasSize(BURST_RFCS);
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#records tbody tr[data-record='" + BURST_RFCS + "@bulk.example:5678']")));
            ((JavascriptExecutor) browser).executeScript("document.getElementById('feed').scrollIntoView()");
            chromium.screenshot("dashboard-burst");

            // A new page is given the latest events in one batch: the burst is one entry there.
            browser.navigate().refresh();
            wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
            WebElement whole = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(bulkEntries)));
            assertThat(whole.getDomAttribute("data-count")).isEqualTo(Integer.toString(BURST_RFCS));
            assertThat(whole.getText()).endsWith("Peer bulk.example:5678 added " + BURST_RFCS
                    + " RFCs: RFC 1 “Bulk 1” … RFC " + BURST_RFCS + " “Bulk " + BURST_RFCS + "”");

            peer.reset();
        }

        // The removal after the burst is told too.
        WebElement removal = wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#feed li[data-kind='removed']")));
        assertThat(removal.getText()).contains("Peer bulk.example:5678 removed: reset (" + BURST_RFCS + " records)");
    }

    /** The additions the feed's entries matching {@code selector} count between them. */
    private long addedCount(String selector) {
        return ((Number) ((JavascriptExecutor) browser).executeScript("return [...document.querySelectorAll("
                + "arguments[0])].reduce((sum, entry) => sum + Number(entry.dataset.count), 0)", selector))
                .longValue();
    }

    @Test
    @RequiresPostgres
    void inClusterModeEachInstancesPageShowsEveryPeerAndWhereItIsConnected() throws Exception {
        try (PostgresCluster database = PostgresCluster.start();
                IndexServer one = ClusterDashboardTest.instance(database, "one");
                IndexServer two = ClusterDashboardTest.instance(database, "two");
                RawClient a = new RawClient(one.port()); RawClient b = new RawClient(two.port())) {
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            b.exchange(Requests.add(2616, "b.example", 6789, "HTTP/1.1"));

            browser.get("http://127.0.0.1:" + one.httpPort().orElseThrow() + "/");
            WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
            wait.until(ExpectedConditions.textToBe(By.id("instance"), "· instance one"));
            assertThat(cells(wait, By.cssSelector("#peers tbody tr[data-peer='a.example:5678']"))).last()
                    .isEqualTo("one");
            assertThat(cells(wait, By.cssSelector("#peers tbody tr[data-peer='b.example:6789']"))).last()
                    .isEqualTo("two");
            wait.until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("#records tbody tr[data-record='2616@b.example:6789']")));
            chromium.screenshot("dashboard-cluster");

            // A peer joining through the other instance shows here too, without a reload.
            try (RawClient c = new RawClient(two.port())) {
                c.exchange(Requests.add(1, "c.example", 7890, "Host Software"));
                assertThat(cells(wait, By.cssSelector("#peers tbody tr[data-peer='c.example:7890']"))).last()
                        .isEqualTo("two");
            }
        }
    }

    /**
     * The texts of a row's cells once it shows. The page re-renders its tables as events come, so a row found may be
     * replaced before its cells are read: it is then found and read again, within the wait's deadline.
     */
    private static List<String> cells(WebDriverWait wait, By row) {
        return wait.ignoring(StaleElementReferenceException.class).until(driver -> {
            WebElement shown = ExpectedConditions.visibilityOfElementLocated(row).apply(driver);
            return shown == null ? null
                    : shown.findElements(By.tagName("td")).stream().map(WebElement::getText).toList();
        });
    }
}
