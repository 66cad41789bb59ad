package net.p2pci.testsupport;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless Chromium for the pages' browser tests, driven through Selenium, in a fresh profile that closing
 * deletes; screenshots go under target/screenshots/.
 *
 * <p>Debian's chromium and chromium-driver are used as installed (.ci/run installs them when missing); nothing is
 * downloaded, Selenium Manager included, since the driver and the browser are both named. Without them the test is
 * skipped on a developer's machine and fails in CI. Selenium and JUnit are {@code provided} in this module: only the
 * browser tests load this class, and they bring both; the demo and the bench never do. Not thread-safe: one per test.
 */
public final class HeadlessChromium implements AutoCloseable {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final WebDriver browser;
    private final Path profile;

    private HeadlessChromium(WebDriver browser, Path profile) {
        this.browser = browser;
        this.profile = profile;
    }

    /**
     * Starts the browser with a window of {@code width} by {@code height} pixels; skips the test when chromium or
     * its driver is missing, and fails it when that happens in CI.
     */
    public static HeadlessChromium start(int width, int height) throws IOException {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("chromium and chromium-driver are missing; .ci/run installs them");
        }
        assumeTrue(installed, "chromium and chromium-driver are missing (apt-get install chromium chromium-driver)");
        Path profile = Files.createTempDirectory("chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        ChromeDriverService driver = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        try {
            WebDriver browser = new ChromeDriver(driver, options);
            Files.createDirectories(SCREENSHOTS);
            return new HeadlessChromium(browser, profile);
        } catch (RuntimeException | IOException e) {
            deleteTree(profile);
            throw e;
        }
    }

    public WebDriver browser() {
        return browser;
    }

    /** Writes what the window shows to target/screenshots/{@code name}.png. */
    public void screenshot(String name) throws IOException {
        byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name + ".png"), png);
    }

    /** Quits the browser and deletes its profile. */
    @Override
    public void close() throws IOException {
        try {
            browser.quit();
        } finally {
            deleteTree(profile);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
