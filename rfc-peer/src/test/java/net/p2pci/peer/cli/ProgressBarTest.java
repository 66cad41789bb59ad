package net.p2pci.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.download.DownloadProgress;
import org.junit.jupiter.api.Test;

/** The progress bar's line: share, bytes, rate and time left; and that a short download draws nothing. */
final class ProgressBarTest {
    private static final HostAndPort HOLDER = new HostAndPort("127.0.0.1", 5000);

    @Test
    void aDownloadWithAKnownLengthShowsTheBarShareRateAndTimeLeft() {
        DownloadProgress progress = new DownloadProgress(9000, HOLDER, 4_000_000, OptionalLong.of(16_000_000), 1);

        assertThat(ProgressBar.line(progress, Duration.ofSeconds(2))).isEqualTo("RFC 9000 [#######"
                + ".......................]  25%  4.0 MB of 16.0 MB  2.0 MB/s  0:06 left");
    }

    @Test
    void aDownloadWithoutAnAnnouncedLengthShowsBytesAndRateOnly() {
        DownloadProgress progress = new DownloadProgress(1, HOLDER, 1_500, OptionalLong.empty(), 1);

        assertThat(ProgressBar.line(progress, Duration.ofSeconds(3))).isEqualTo("RFC 1 1.5 kB  500 B/s");
    }

    @Test
    void longTimesLeftAreShownInHours() {
        assertThat(ProgressBar.clock(3_725)).isEqualTo("1:02:05");
        assertThat(ProgressBar.clock(65)).isEqualTo("1:05");
    }

    @Test
    void aDownloadThatEndsBeforeTheBarWouldShowLeavesTheOutputUntouched() {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        ProgressBar bar = new ProgressBar(new PrintStream(output, true, StandardCharsets.UTF_8),
                () -> List.of(new DownloadProgress(1, HOLDER, 10, OptionalLong.of(20), 1)));

        bar.start(1);
        bar.stop();

        assertThat(output.toByteArray()).isEmpty();
    }
}
