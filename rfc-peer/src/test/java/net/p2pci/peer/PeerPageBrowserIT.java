package net.p2pci.peer;

import static net.p2pci.peer.ProgramProcesses.awaitListening;
import static net.p2pci.peer.ProgramProcesses.awaitRegistered;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.SearchRequest;
import net.p2pci.testsupport.HeadlessChromium;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A peer's own page in a real headless Chromium, driven through Selenium, with a real index server and two real
 * peer processes: the page lists the peer's RFCs and the other peer's record, its search narrows the index, a click
 * downloads an RFC that then lies byte for byte in the peer's directory, and commands typed into the peer's stdin
 * show in the page's log, a GET with its bar, without a reload. A screenshot of each step is written under
 * target/screenshots/. Without chromium and chromium-driver the test is skipped on a developer's machine and fails
 * in CI (see {@link HeadlessChromium}).
 */
class PeerPageBrowserIT {
    private static final Duration PATIENCE = Duration.ofSeconds(15);
    private static final Pattern PAGE_LINE = Pattern.compile("^\\[Peer\\] Web page on (http://127\\.0\\.0\\.1:\\d+/)$");

    @TempDir
    Path work;
    private final ProgramProcesses programs = new ProgramProcesses();
    private HeadlessChromium chromium;
    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws IOException {
        chromium = HeadlessChromium.start(1280, 1400);
        browser = chromium.browser();
    }

    @AfterEach
    void stopEverything() throws IOException, InterruptedException {
        if (chromium != null) {
            chromium.close();
        }
        programs.close();
    }

    @Test
    void thePageListsSearchesDownloadsAndFollowsTheShell() throws Exception {
        int serverPort = awaitListening(programs.startServer("ci-server", 0));
        Path dirA = Files.createDirectory(work.resolve("a"));
        Path dirB = Files.createDirectory(work.resolve("b"));
        SampleRfcs.copy(dirA, List.of(1149));
        SampleRfcs.copy(dirB, List.of(2616, 768));
        ChildProcess peerA = programs.startPeer("peer A", serverPort, dirA, List.of("--http-port", "0"));
        ChildProcess peerB = programs.startPeer("peer B", serverPort, dirB);
        int portA = awaitRegistered(peerA);
        int portB = awaitRegistered(peerB);
        String page = peerA.awaitLine(PAGE_LINE).group(1);
        String holderB = "127.0.0.1:" + portB;

        browser.get(page);
        WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
        wait.ignoring(StaleElementReferenceException.class);
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        ((JavascriptExecutor) browser).executeScript("window.sameDocument = 'yes'"); // a reload would lose it

        // Its own RFCs, with the title read from the file.
        assertThat(cellsOf(wait, By.cssSelector("#own tbody tr[data-rfc='1149']"))).containsExactly("1149",
                "A Standard for the Transmission of IP Datagrams on Avian Carriers", "rfc1149.txt");

        // The index, from the LIST the page ran on opening: the other peer's records, each with a download button.
        By httpRecord = By.cssSelector("#index tbody tr[data-record='2616@" + holderB + "']");
        assertThat(cellsOf(wait, httpRecord).subList(0, 3)).containsExactly("2616", "Hypertext Transfer Protocol -- HTTP/1.1",
                holderB);
        wait.until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#index tbody tr[data-record='768@" + holderB + "']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "LIST ALL P2P-CI/1.0"));
        // The active peers, from the PEERS the page ran with the LIST: both, with their record counts.
        assertThat(cellsOf(wait, By.cssSelector("#peers tbody tr[data-peer='127.0.0.1:" + portA + "']")))
                .containsExactly("127.0.0.1:" + portA, "1");
        assertThat(cellsOf(wait, By.cssSelector("#peers tbody tr[data-peer='" + holderB + "']")))
                .containsExactly(holderB, "2");
        assertThat(browser.findElement(By.id("peers-count")).getText()).isEqualTo("(2)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "PEERS ALL P2P-CI/1.0"));
        chromium.screenshot("peer-1-opened");

        // Title words are the index server's SEARCH, as the shell's command sends it; a number filters the LIST.
        search(wait, "hypertext", "2616", "(1 found by SEARCH)");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "Words: hypertext"));
        assertThat(browser.findElement(By.id("search-note")).getText()).startsWith("Searched by the index server");
        search(wait, "768", "768", "(1 of 3)");
        assertThat(browser.findElement(By.id("search-note")).isDisplayed()).isFalse();
        search(wait, "TRANSFER protocol", "2616", "(1 found by SEARCH)");
        chromium.screenshot("peer-2-searched");

        // A click downloads it: the progress bar ends full, the file is the holder's byte for byte, and the peer
        // shares it from then on.
        wait.until(driver -> { // found and clicked at once, as the table may be redrawn in between
            driver.findElement(httpRecord).findElement(By.cssSelector("button.download")).click();
            return true;
        });
        By doneBar = By.cssSelector("#downloads li.done[data-rfc='2616'] progress");
        List<String> valueAndMax = wait.until(driver -> {
            WebElement bar = driver.findElement(doneBar);
            return List.of(bar.getDomProperty("value"), bar.getDomProperty("max"));
        });
        long size = Files.size(SampleRfcs.file(2616));
        assertThat(valueAndMax).containsExactly(Long.toString(size), Long.toString(size));
        assertThat(SampleRfcs.sha256(dirA.resolve("rfc2616.txt"))).isEqualTo(SampleRfcs.sha256(SampleRfcs.file(2616)));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#own tbody tr[data-rfc='2616']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "GET RFC 2616 P2P-CI/1.0"));
        peerA.awaitLine(Pattern.compile("^\\[Peer\\] GET RFC 2616: " + size + " bytes in "));
        chromium.screenshot("peer-3-downloaded");

        // Commands typed into the peer's shell show on the open page: their lines, and a download's bar.
        peerA.send("LOOKUP 768");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "[Peer] LOOKUP RFC 768: 1 holder"));
        peerA.send("GET 768");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#downloads li.done[data-rfc='768']")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"), "[Peer] GET RFC 768: "));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#own tbody tr[data-rfc='768']")));
        assertThat(SampleRfcs.sha256(dirA.resolve("rfc768.txt"))).isEqualTo(SampleRfcs.sha256(SampleRfcs.file(768)));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.sameDocument")).isEqualTo("yes");
        chromium.screenshot("peer-4-shell-command");

        // On a phone's screen.
        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        wait.until(ExpectedConditions.textToBe(By.id("live"), "live"));
        wait.until(ExpectedConditions.visibilityOfElementLocated(httpRecord));
        chromium.screenshot("peer-phone");
    }

    @Test
    void againstAStandardServerThePageFiltersTheListAndSaysThereIsNoSearchNorPeers() throws Exception {
        try (DeviantServer standard = new DeviantServer(DeviantServer.standardOnly(List.of(
                new RfcRecord(793, "Transmission Control Protocol", "holder.example", 6789),
                new RfcRecord(791, "Internet Protocol", "holder.example", 6789))))) {
            Path dir = Files.createDirectory(work.resolve("a"));
            ChildProcess peer = programs.startPeer("peer", standard.port(), dir, List.of("--http-port", "0"));
            String page = peer.awaitLine(PAGE_LINE).group(1);

            browser.get(page);
            WebDriverWait wait = new WebDriverWait(browser, PATIENCE);
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(ExpectedConditions.textToBe(By.id("index-count"), "(2 of 2)"));
            wait.until(ExpectedConditions.textToBe(By.id("peers-empty"), "The index server has no PEERS extension."));
            assertThat(browser.findElements(By.cssSelector("#peers tbody tr"))).isEmpty();

            search(wait, "transmission", "793", "(1 found in LIST)");
            assertThat(browser.findElement(By.id("search-note")).getText())
                    .startsWith("The index server has no SEARCH extension");
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("log"),
                    "[Peer] SEARCH: the index server has no SEARCH extension; LIST filtered here"));
            search(wait, "protocol control", "793", "(1 found in LIST)");
            chromium.screenshot("peer-standard-server");
            assertThat(standard.received()).filteredOn(request -> request instanceof SearchRequest).isEmpty();
        }
    }

    /** Types a search and waits until the index shows that one RFC alone, counted as {@code count} says. */
    private void search(WebDriverWait wait, String words, String onlyRfc, String count) {
        WebElement field = browser.findElement(By.id("search"));
        field.clear();
        field.sendKeys(words);
        wait.until(ExpectedConditions.and(
                ExpectedConditions.numberOfElementsToBe(By.cssSelector("#index tbody tr"), 1),
                ExpectedConditions.numberOfElementsToBe(By.cssSelector("#index tbody tr[data-rfc='" + onlyRfc + "']"),
                        1),
                ExpectedConditions.textToBe(By.id("index-count"), count)));
    }

    /**
     * The texts of a row's cells, read at once: the page redraws a table whenever what it shows may have changed
     * (a LIST, a registration), and a row found before a redraw is stale after it, so a stale read is tried again.
     */
    private static List<String> cellsOf(WebDriverWait wait, By row) {
        return wait.until(driver -> driver.findElement(row).findElements(By.tagName("td")).stream()
                .map(WebElement::getText).toList());
    }
}
