package net.p2pci.bench;

import java.time.Duration;

/** Pausing without checked exceptions, for the waits a scenario measures or polls with. */
final class Processes {
    private Processes() {
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
