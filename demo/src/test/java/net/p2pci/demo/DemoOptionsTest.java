package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The demo's command line: --web and --pace, and the demos that take neither. */
final class DemoOptionsTest {
    private static final String ROOT = Path.of("..").toAbsolutePath().normalize().toString();

    @Test
    void withoutOptionsTheDemoRunsAtFullSpeedWithoutPages() {
        DemoRun.Options options = DemoRun.parseOptions(new String[] {"--root", ROOT}, true);

        assertThat(options.web()).isFalse();
        assertThat(options.pace()).isZero();
    }

    @Test
    void webPausesBetweenStepsUnlessThePaceIsGiven() {
        assertThat(DemoRun.parseOptions(new String[] {"--root", ROOT, "--web"}, true).pace())
                .isEqualTo(DemoRun.WEB_PACE);
        assertThat(DemoRun.parseOptions(new String[] {"--root", ROOT, "--web", "--pace", "0"}, true).pace())
                .isZero();
        assertThat(DemoRun.parseOptions(new String[] {"--root", ROOT, "--pace", "500ms"}, true))
                .isEqualTo(new DemoRun.Options(Path.of(ROOT), false, Duration.ofMillis(500)));
    }

    @ParameterizedTest
    @CsvSource({"0, PT0S", "2s, PT2S", "500ms, PT0.5S", "60s, PT60S", "60000ms, PT60S"})
    void paceTakesSecondsOrMillisecondsUpToAMinute(String text, Duration expected) {
        assertThat(DemoRun.parsePace(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2", "61s", "60001ms", "-1s", "1.5s", "2 s", "s", "", "1m", "9999999s"})
    void aPaceThatIsNotADurationUpToAMinuteIsRefused(String text) {
        assertThatThrownBy(() -> DemoRun.parsePace(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--pace takes");
    }

    @Test
    void aDemoThatIsNotWatchableTakesNeither() {
        assertThatThrownBy(() -> DemoRun.parseOptions(new String[] {"--root", ROOT, "--web"}, false))
                .hasMessage("unknown argument: --web");
    }
}
