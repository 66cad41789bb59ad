package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The reconnect waits: a ceiling that doubles up to a cap, and full jitter below it. */
final class ReconnectBackoffTest {
    private static final ReconnectBackoff PEER_DEFAULT =
            new ReconnectBackoff(IndexSession.RECONNECT_INITIAL_DELAY, IndexSession.RECONNECT_MAX_DELAY);

    @Test
    void theCeilingDoublesFromTheInitialDelayUpToTheCapAndStaysThere() {
        assertThat(IntStream.rangeClosed(0, 7).mapToObj(PEER_DEFAULT::ceiling).map(Duration::toMillis).toList())
                .isEqualTo(List.of(250L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 10_000L, 10_000L));
        assertThat(PEER_DEFAULT.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
        assertThat(new ReconnectBackoff(Duration.ofDays(365), Duration.ofDays(365)).ceiling(62))
                .isEqualTo(Duration.ofDays(365));
    }

    @Test
    void eachDelayIsDrawnFromTheWholeRangeBetweenZeroAndTheCeiling() {
        SplittableRandom random = new SplittableRandom(7734);
        LongSummaryStatistics delays = IntStream.range(0, 10_000)
                .mapToLong(i -> PEER_DEFAULT.delayBefore(3, random).toMillis())
                .summaryStatistics();

        assertThat(delays.getMin()).isBetween(0L, 20L);
        assertThat(delays.getMax()).isBetween(1_980L, 2_000L);
        assertThat(delays.getAverage()).isBetween(900.0, 1_100.0);
    }

    @Test
    void aBackoffThatCouldNotWaitOrWouldShrinkIsRefused() {
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ReconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
