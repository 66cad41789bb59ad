package net.p2pci.server;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.locks.LockSupport;
import org.apache.logging.log4j.core.async.BlockingQueueFactory;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;

/**
 * The queue between the server's connections and its one log-writing thread ({@code <LingeringQueue/>} inside
 * the {@code Async} appender of log4j2.xml): a bounded {@link ArrayBlockingQueue} whose consumer lingers a moment
 * before it calls a batch finished.
 *
 * <p>The writer drains lines faster than connections make them, so with a plain queue it finds the queue empty
 * after nearly every line: it flushes that one line, parks, and the next line's producer pays to wake it. Under
 * churn that hand-off cost a fifth of the server's CPU. The Async appender asks {@link #isEmpty()} after each
 * line to decide whether the batch has ended and the output should be flushed; here an empty queue is given
 * {@link #LINGER} to receive more before the answer is yes. So under load lines are written and flushed in
 * batches, the writer wakes about once per linger rather than once per line, and producers mostly find it awake;
 * a lone line reaches the output at most one linger later; an idle server's writer stays parked in {@code take}.
 */
@Plugin(name = "LingeringQueue", category = Node.CATEGORY, elementType = BlockingQueueFactory.ELEMENT_TYPE)
public final class LingeringQueueFactory<E> implements BlockingQueueFactory<E> {
    /** Long enough to gather the lines of many requests, short enough that nobody reading the log notices. */
    static final Duration LINGER = Duration.ofMillis(1);

    @Override
    public BlockingQueue<E> create(int capacity) {
        return new LingeringQueue<>(capacity, LINGER);
    }

    @PluginFactory
    public static <E> LingeringQueueFactory<E> createFactory() {
        return new LingeringQueueFactory<>();
    }

    /** Bounded and blocking as {@link ArrayBlockingQueue} is; only {@link #isEmpty()} waits. */
    static final class LingeringQueue<E> extends ArrayBlockingQueue<E> {
        private static final long serialVersionUID = 1L;
        private final long lingerNanos;

        LingeringQueue(int capacity, Duration linger) {
            super(capacity);
            this.lingerNanos = linger.toNanos();
        }

        /** False at once when an element is waiting; otherwise true only if none has arrived within the linger. */
        @Override
        public boolean isEmpty() {
            if (!super.isEmpty()) {
                return false;
            }
            long deadline = System.nanoTime() + lingerNanos;
            for (long left = lingerNanos; left > 0; left = deadline - System.nanoTime()) {
                LockSupport.parkNanos(left);
                if (!super.isEmpty()) {
                    return false;
                }
            }
            return true;
        }
    }
}
