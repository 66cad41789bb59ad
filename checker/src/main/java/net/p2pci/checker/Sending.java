package net.p2pci.checker;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A write with a deadline: a target that stops reading would otherwise block a large write for ever. The write
 * runs on a virtual thread; at the deadline the connection is closed, which ends the write.
 */
final class Sending {
    /** How a write ended. */
    enum Result {
        SENT,
        /** The target closed or reset the connection while the bytes went out. */
        CUT_OFF,
        /** The target took no more bytes until the deadline; the connection is closed now. */
        STALLED
    }

    private Sending() {
    }

    static Result within(WireConnection connection, byte[] bytes, Timing timing) {
        try (ExecutorService writer = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> write = writer.submit(() -> {
                connection.send(bytes);
                return null;
            });
            try {
                write.get(timing.timeout().toMillis(), TimeUnit.MILLISECONDS);
                return Result.SENT;
            } catch (TimeoutException e) {
                try {
                    connection.close(); // unblocks the writer, so that the executor's close does not wait
                } catch (java.io.IOException ignored) {
                    // closing is all that is left to do
                }
                return Result.STALLED;
            } catch (ExecutionException e) {
                return Result.CUT_OFF;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Result.STALLED;
            }
        }
    }
}
