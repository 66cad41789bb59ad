package net.p2pci.peer;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * The peer's log lines while it is open, collected from the real Log4j 2 configuration with the root level lowered
 * to the one asked for (the configuration's default, warn, would hide the lines under test), for tests to read.
 */
public final class CapturedLog implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;
    private final Level levelBefore;

    public CapturedLog(Level level) {
        appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        levelBefore = root.getLevel();
        root.setLevel(level);
        root.addAppender(appender, Level.ALL, null);
        context.updateLoggers();
    }

    /** Every line so far, each as its level, a space and its message. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    public long count(String fragment) {
        return lines.stream().filter(line -> line.contains(fragment)).count();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        LoggerConfig root = context.getConfiguration().getRootLogger();
        root.removeAppender(appender.getName());
        root.setLevel(levelBefore);
        context.updateLoggers();
        // Not stopped: a connection's thread may be in the middle of a log call that already holds the appender,
        // and Log4j reports an append to a stopped appender as an error. It holds nothing that needs releasing.
    }
}
