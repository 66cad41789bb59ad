package net.p2pci.protocol;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps log lines caused by clients bounded: of each kind of line from each source, the first few in an interval are
 * logged and the rest only counted, and the count is reported once the interval is over (by the next line of that
 * kind and source, or by {@link #flush}). A client repeating one bad request therefore costs a few lines per
 * interval, never a line per request. Both programs use it, as they use {@link WireText#forLog}, for every line whose
 * cause a remote client controls.
 *
 * <p>Thread-safe: one entry per kind and source in a concurrent map, each counted atomically. The number of entries
 * is bounded ({@link #MAX_SOURCES}); past it, new sources share one entry per kind.
 */
public final class LogThrottle {
    /** Lines of one kind from one source logged per interval: enough to see what a client does, not a flood. */
    public static final int DEFAULT_LINES_PER_INTERVAL = 5;
    /** The interval over which those lines are counted and after which suppressed ones are summarised. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    /** Sources tracked one by one; a flood from more addresses than this is counted under {@link #OTHER_SOURCES}. */
    public static final int MAX_SOURCES = 4096;
    /** The source name shared by the sources over {@link #MAX_SOURCES}. */
    public static final String OTHER_SOURCES = "other sources";

    /** What {@link #admit} decided: log the line or not, and how many like it went unlogged before it. */
    public record Verdict(boolean log, long suppressedBefore) {
        private static final Verdict SUPPRESS = new Verdict(false, 0);
        private static final Verdict LOG = new Verdict(true, 0);

        /** A note to append to the logged line about the lines suppressed before it; empty when there were none. */
        public String note() {
            return suppressedBefore == 0 ? "" : " (" + suppressedBefore + " more like it before were not logged)";
        }
    }

    /** A summary of lines not logged during an interval that has ended. */
    public record Summary(String kind, String source, long suppressed, Duration interval) {
        /** One log line for it, e.g. {@code 1234 more "400 to client" lines from 10.0.0.5 not logged in 10 s}. */
        public String describe() {
            return suppressed + " more \"" + kind + "\" lines from " + source + " were not logged in the last "
                    + interval.toSeconds() + " s";
        }
    }

    private record Key(String kind, String source) {
    }

    /**
     * Counts for one kind and source. The counts are atomic, so that the common case (a line let through or held
     * back within the interval) takes no lock: every request of a busy peer may pass here, from many threads at
     * once. Only the start of a new interval takes the window's monitor.
     */
    private static final class Window {
        volatile long startNanos;
        final AtomicInteger logged = new AtomicInteger();
        final AtomicLong suppressed = new AtomicLong();

        Window(long startNanos) {
            this.startNanos = startNanos;
        }

        /** Starts a new interval at {@code now} if the current one has ended; the count held back in it, or -1. */
        synchronized long restartIfEnded(long now, long intervalNanos) {
            if (now - startNanos < intervalNanos) {
                return -1;
            }
            startNanos = now;
            logged.set(0);
            return suppressed.getAndSet(0);
        }
    }

    private final int linesPerInterval;
    private final Duration interval;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();

    /** The defaults, on the JVM's monotonic clock. */
    public LogThrottle() {
        this(DEFAULT_LINES_PER_INTERVAL, DEFAULT_INTERVAL, System::nanoTime);
    }

    public LogThrottle(int linesPerInterval, Duration interval, LongSupplier nanoClock) {
        if (linesPerInterval < 1 || interval.toNanos() < 1) {
            throw new IllegalArgumentException("a throttle must let at least one line through per interval");
        }
        this.linesPerInterval = linesPerInterval;
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Whether a line of {@code kind} caused by {@code source} may be logged now. When the line is the first of a new
     * interval, the verdict carries how many were suppressed in the interval before.
     */
    public Verdict admit(String kind, String source) {
        long now = nanoClock.getAsLong();
        Key key = new Key(kind, source);
        Window window = windows.get(key);
        if (window == null) {
            if (windows.size() >= MAX_SOURCES) {
                key = new Key(kind, OTHER_SOURCES);
            }
            window = windows.computeIfAbsent(key, k -> new Window(now));
        }
        long suppressedBefore = 0;
        if (now - window.startNanos >= intervalNanos) {
            suppressedBefore = Math.max(0, window.restartIfEnded(now, intervalNanos));
        }
        if (window.logged.incrementAndGet() <= linesPerInterval) {
            return suppressedBefore == 0 ? Verdict.LOG : new Verdict(true, suppressedBefore);
        }
        window.suppressed.incrementAndGet();
        return Verdict.SUPPRESS;
    }

    /**
     * Reports, through {@code sink}, the lines suppressed in every interval that has ended, and forgets sources that
     * have been quiet for a whole interval. Call it now and then (each second, say) so that a flood that stopped is
     * still summarised.
     */
    public void flush(java.util.function.Consumer<Summary> sink) {
        long now = nanoClock.getAsLong();
        for (Map.Entry<Key, Window> entry : windows.entrySet()) {
            Window window = entry.getValue();
            long suppressed = window.restartIfEnded(now, intervalNanos);
            if (suppressed < 0) {
                continue;
            }
            if (suppressed == 0) {
                windows.remove(entry.getKey(), window);
                continue;
            }
            sink.accept(new Summary(entry.getKey().kind(), entry.getKey().source(), suppressed, interval));
        }
    }
}
