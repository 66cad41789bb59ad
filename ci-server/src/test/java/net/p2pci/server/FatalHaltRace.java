package net.p2pci.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A program for {@link FatalErrorsProcessIT}: many threads meet a full heap at the same moment and all call
 * {@link FatalErrors#halt}, as the connection threads of a server do when a flood exhausts its memory.
 */
public final class FatalHaltRace {
    private static final int THREADS = 32;

    /** What fills the heap, in a field so that nothing can free it. */
    private static final List<long[]> HOG = new ArrayList<>();

    private FatalHaltRace() {
    }

    public static void main(String[] args) {
        FatalErrors.prepare();
        OutOfMemoryError error = new OutOfMemoryError("Java heap space");
        CountDownLatch go = new CountDownLatch(1);
        for (int i = 0; i < THREADS; i++) {
            Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                FatalErrors.halt(error);
            });
        }
        try {
            while (true) {
                HOG.add(new long[1024]);
            }
        } catch (OutOfMemoryError full) {
            // the heap is full, as it is when a server's threads meet this error
        }
        go.countDown();
        FatalErrors.halt(error);
    }
}
