package net.p2pci.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Stopping the processes a run started, each by its own handle, and pausing without checked exceptions. */
final class Processes {
    private Processes() {
    }

    /** SIGTERM, then SIGKILL when the process has not exited within {@code grace}; waits for it either way. */
    static void stop(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
