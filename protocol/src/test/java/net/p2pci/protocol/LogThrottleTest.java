package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A repeated line is logged a bounded number of times per interval, and what was held back is summarised. */
class LogThrottleTest {
    private final AtomicLong now = new AtomicLong();
    private final LogThrottle throttle = new LogThrottle(3, Duration.ofSeconds(10), now::get);

    @Test
    void linesAtTheLimitAreLoggedAndOneMoreIsCountedInstead() {
        for (int i = 0; i < 3; i++) {
            assertThat(throttle.admit("400", "10.0.0.1").log()).isTrue();
        }

        assertThat(throttle.admit("400", "10.0.0.1").log()).isFalse();
    }

    @Test
    void otherKindsAndOtherSourcesHaveTheirOwnAllowance() {
        for (int i = 0; i < 10; i++) {
            throttle.admit("400", "10.0.0.1");
        }

        assertThat(throttle.admit("timeout", "10.0.0.1").log()).isTrue();
        assertThat(throttle.admit("400", "10.0.0.2").log()).isTrue();
    }

    @Test
    void theFirstLineOfTheNextIntervalCarriesTheCountHeldBack() {
        for (int i = 0; i < 10; i++) {
            throttle.admit("400", "10.0.0.1");
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        LogThrottle.Verdict next = throttle.admit("400", "10.0.0.1");

        assertThat(next.log()).isTrue();
        assertThat(next.suppressedBefore()).isEqualTo(7);
        assertThat(next.note()).contains("7 more");
    }

    @Test
    void flushSummarisesAFloodThatStoppedAndForgetsQuietSources() {
        for (int i = 0; i < 1003; i++) {
            throttle.admit("400", "10.0.0.1");
        }
        throttle.admit("400", "10.0.0.2");
        List<LogThrottle.Summary> summaries = new ArrayList<>();

        throttle.flush(summaries::add);
        assertThat(summaries).isEmpty();

        now.addAndGet(Duration.ofSeconds(11).toNanos());
        throttle.flush(summaries::add);
        assertThat(summaries).containsExactly(new LogThrottle.Summary("400", "10.0.0.1", 1000, Duration.ofSeconds(10)));
        assertThat(summaries.get(0).describe()).isEqualTo(
                "1000 more \"400\" lines from 10.0.0.1 were not logged in the last 10 s");

        now.addAndGet(Duration.ofSeconds(11).toNanos());
        summaries.clear();
        throttle.flush(summaries::add);
        assertThat(summaries).isEmpty();
    }

    @Test
    void sourcesPastTheBoundShareOneAllowancePerKind() {
        for (int i = 0; i < LogThrottle.MAX_SOURCES; i++) {
            throttle.admit("400", "source-" + i);
        }
        int logged = 0;
        for (int i = 0; i < 100; i++) {
            if (throttle.admit("400", "late-" + i).log()) {
                logged++;
            }
        }

        assertThat(logged).isEqualTo(3);
    }
}
