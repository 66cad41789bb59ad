package net.p2pci.web;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * Runs each HTTP exchange on a virtual thread of its own, at most {@code limit} at once: past that an exchange is
 * refused, and the HTTP server closes its connection, so a flood of requests costs a bounded number of threads.
 * Thread-safe: a semaphore counts the exchanges under way.
 */
public final class BoundedExecutor implements Executor {
    private final Semaphore running;
    private final Thread.Builder threads = Thread.ofVirtual().name("web-", 1);

    public BoundedExecutor(int limit) {
        this.running = new Semaphore(limit);
    }

    @Override
    public void execute(Runnable exchange) {
        if (!running.tryAcquire()) {
            throw new RejectedExecutionException("too many HTTP exchanges under way");
        }
        try {
            threads.start(() -> {
                try {
                    exchange.run();
                } finally {
                    running.release();
                }
            });
        } catch (RuntimeException | Error e) {
            running.release();
            throw e;
        }
    }
}
