package net.p2pci.peer.cli;

import java.io.InterruptedIOException;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import net.p2pci.peer.library.RfcLibrary.RfcFile;

/**
 * Reads the titles of RFC files, in the order given, on a virtual thread of its own and at most {@value #AHEAD} ahead
 * of whoever takes them, so that reading thousands of files at start-up overlaps with sending their ADDs and showing
 * the answers instead of coming between them.
 */
final class TitlesAhead implements AutoCloseable {
    private static final int AHEAD = 256;

    /**
     * A title read, or what reading it threw (an error too, so that the taker never waits for a title that will not
     * come), which the taker gets instead, as if it had read the title itself.
     */
    private record Title(String title, Throwable failure) {
    }

    private final BlockingQueue<Title> titles = new ArrayBlockingQueue<>(AHEAD);
    private final Thread reader;

    TitlesAhead(List<RfcFile> files) {
        reader = Thread.ofVirtual().name("title-reader").start(() -> {
            try {
                for (RfcFile file : files) {
                    if (Thread.currentThread().isInterrupted()) {
                        return; // closed: a read now would only fail on the interrupt and say so in the log
                    }
                    Title title;
                    try {
                        title = new Title(CommandProcessor.titleOf(file.number(), file.path()), null);
                    } catch (RuntimeException | Error e) {
                        title = new Title(null, e);
                    }
                    titles.put(title);
                    if (title.failure() != null) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                // close(): nobody takes the rest
            }
        });
    }

    /** The title of the next file of the list, as {@link CommandProcessor#titleOf} gives it. */
    String next() throws InterruptedIOException {
        Title next;
        try {
            next = titles.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading RFC titles");
        }
        switch (next.failure()) {
            case null -> {
            }
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            default -> throw new IllegalStateException(next.failure());
        }
        return next.title();
    }

    /** Stops reading ahead. */
    @Override
    public void close() {
        reader.interrupt();
    }
}
