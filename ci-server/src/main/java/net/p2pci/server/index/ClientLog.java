package net.p2pci.server.index;

import java.time.Duration;
import net.p2pci.protocol.LogThrottle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The server's log lines whose cause is a client, each kind throttled per source address ({@link LogThrottle}), so
 * that no client can make the log grow without bound: a connection repeating a bad request gets a few lines per
 * interval and then a count. Two allowances: a small one for errors (bad requests, timeouts, refusals), and a large
 * one for the index's events (connections, registrations, ADDs, removals), which a class demo or a lab starting up
 * stays well inside.
 *
 * <p>Thread-safe, as {@link LogThrottle} is; {@link #flush} runs on the watchdog's thread.
 */
public final class ClientLog {
    private static final Logger log = LogManager.getLogger(ClientLog.class);

    /** Error lines of one kind from one address per interval: enough to see what a client does. */
    public static final int ERROR_LINES_PER_INTERVAL = 5;
    /** Event lines of one kind from one address per interval: a lab of 50 peers starting at once logs each. */
    public static final int EVENT_LINES_PER_INTERVAL = 200;
    public static final Duration INTERVAL = LogThrottle.DEFAULT_INTERVAL;

    private final LogThrottle errors = new LogThrottle(ERROR_LINES_PER_INTERVAL, INTERVAL, System::nanoTime);
    private final LogThrottle events = new LogThrottle(EVENT_LINES_PER_INTERVAL, INTERVAL, System::nanoTime);

    /** Logs an index event at INFO, e.g. {@code [Server] Added RFC 1 from a}, unless its allowance is spent. */
    public void event(String kind, String source, String format, Object... arguments) {
        write(events, Level.INFO, kind, source, format, arguments);
    }

    /** Logs a client's error at INFO, e.g. a 400, unless its allowance is spent. */
    public void error(String kind, String source, String format, Object... arguments) {
        write(errors, Level.INFO, kind, source, format, arguments);
    }

    /** Logs a refusal or a drop at WARN, unless its allowance is spent. */
    public void warning(String kind, String source, String format, Object... arguments) {
        write(errors, Level.WARN, kind, source, format, arguments);
    }

    private static void write(LogThrottle throttle, Level level, String kind, String source, String format,
            Object... arguments) {
        if (!log.isEnabled(level)) {
            return;
        }
        LogThrottle.Verdict verdict = throttle.admit(kind, source);
        if (!verdict.log()) {
            return;
        }
        log.log(level, format + verdict.note(), arguments);
    }

    /** Logs a count of the lines held back in every interval that has ended. */
    public void flush() {
        errors.flush(summary -> log.info("[Server] {}", summary.describe()));
        events.flush(summary -> log.info("[Server] {}", summary.describe()));
    }
}
