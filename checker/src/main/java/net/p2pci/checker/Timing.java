package net.p2pci.checker;

import java.time.Duration;

/**
 * How long the checker waits: {@code timeout} for any answer or event, and {@code quiet}, the pause after which an
 * answer that has begun but is not yet what was expected is taken as complete (a reader that does not wait for
 * the final empty line must stop somewhere).
 */
public record Timing(Duration timeout, Duration quiet) {
    /** The quiet interval is a quarter of the timeout, at most 1 s: long enough for a slow writer's next piece. */
    public static Timing of(Duration timeout) {
        Duration quarter = timeout.dividedBy(4);
        return new Timing(timeout, quarter.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : quarter);
    }
}
