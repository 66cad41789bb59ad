package net.p2pci.peer.index;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long to wait before each attempt to reach the index server again: exponential backoff with full jitter. The
 * wait is drawn at random between zero and a ceiling that doubles with every failed attempt, up to a cap, so that the
 * peers of a server that restarted come back quickly but spread out rather than all at the same instant.
 *
 * <p>Thread-safe: immutable; each caller brings its own random source.
 *
 * @param initialCeiling the ceiling before the first attempt
 * @param maxCeiling     the ceiling never exceeded, however many attempts failed
 */
record ReconnectBackoff(Duration initialCeiling, Duration maxCeiling) {
    /** Past this many doublings any sensible initial ceiling has long reached any sensible cap. */
    private static final int MAX_DOUBLINGS = 30;

    ReconnectBackoff {
        if (initialCeiling.toMillis() < 1 || maxCeiling.compareTo(initialCeiling) < 0) {
            throw new IllegalArgumentException("backoff needs 1 ms <= initial ceiling <= max ceiling, not "
                    + initialCeiling + " and " + maxCeiling);
        }
    }

    /** The longest wait before attempt {@code attempt} (counted from 0). */
    Duration ceiling(int attempt) {
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt " + attempt);
        }
        long initialMillis = initialCeiling.toMillis();
        int doublings = Math.min(attempt, MAX_DOUBLINGS);
        if (doublings >= Long.numberOfLeadingZeros(initialMillis) - 1) {
            return maxCeiling; // doubling that often would overflow: far past the cap anyway
        }
        return Duration.ofMillis(Math.min(initialMillis << doublings, maxCeiling.toMillis()));
    }

    /** The wait before attempt {@code attempt}: uniformly random from zero to its ceiling, both included. */
    Duration delayBefore(int attempt, RandomGenerator random) {
        return Duration.ofMillis(random.nextLong(ceiling(attempt).toMillis() + 1));
    }
}
