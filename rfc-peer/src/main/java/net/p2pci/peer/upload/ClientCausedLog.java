package net.p2pci.peer.upload;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import net.p2pci.protocol.LogThrottle;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;

/**
 * The upload server's log lines whose cause is a remote client (a request refused, a file sent, a connection cut
 * off), passed through a {@link LogThrottle}: of each kind from each source address a few lines per interval, the
 * rest counted and summarised once the interval is over. A client that floods the upload port so costs a few lines
 * every ten seconds, never a line per connection.
 *
 * <p>Thread-safe: the throttle is; the map that remembers where each kind is logged is concurrent.
 */
final class ClientCausedLog {
    /** The logger and level of a kind of line, for its summary. */
    private record Destination(Logger logger, Level level) {
    }

    private final LogThrottle throttle;
    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();

    ClientCausedLog(LogThrottle throttle) {
        this.throttle = Objects.requireNonNull(throttle, "throttle");
    }

    /**
     * Logs the line unless lines of its {@code kind} from {@code source} are over their share for now. A line that
     * would not be logged at this level anyway is not counted either, so that no summary speaks of it.
     *
     * @param source the client's address, without its port, which changes with every connection
     */
    void log(Logger logger, Level level, String kind, String source, String format, Object... arguments) {
        if (!logger.isEnabled(level)) {
            return;
        }
        LogThrottle.Verdict verdict = throttle.admit(kind, source);
        destinations.putIfAbsent(kind, new Destination(logger, level));
        if (verdict.log()) {
            logger.log(level, format + verdict.note(), arguments);
        }
    }

    /** Logs the summaries of intervals that have ended; called every second, so that a flood that stopped is told. */
    void flush() {
        throttle.flush(summary -> {
            Destination destination = destinations.get(summary.kind());
            destination.logger().log(destination.level(), summary.describe());
        });
    }
}
