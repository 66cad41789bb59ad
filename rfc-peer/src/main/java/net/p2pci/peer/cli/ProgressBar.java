package net.p2pci.peer.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import net.p2pci.peer.download.DownloadProgress;

/**
 * The progress bar a long download draws on a terminal, as curl and wget do: one line, redrawn in place with a
 * carriage return, with the share received, the rate and the time left; erased when the download ends, so that the
 * transcript reads as it does without it. Only for a terminal: scripts and pipes never get it.
 *
 * <p>Thread-safe: one download at a time (the processor runs one command at a time); the drawing thread and the
 * command's thread share only the volatile flag and the thread's join.
 */
final class ProgressBar {
    /** A download shorter than this shows no bar at all: most RFCs arrive in milliseconds. */
    static final Duration SHOWN_AFTER = Duration.ofSeconds(1);
    /** How often the bar is redrawn: often enough to look alive, rarely enough to cost nothing. */
    static final Duration REDRAW_EVERY = Duration.ofMillis(250);
    /** The bar's width in characters between its brackets, within an 80-column line with the figures. */
    static final int BAR_CHARS = 30;
    private static final double BYTES_PER_MEGABYTE = 1_000_000.0;
    private static final double BYTES_PER_KILOBYTE = 1_000.0;

    private final PrintStream terminal;
    private final Supplier<List<DownloadProgress>> progress;
    private Thread drawing;
    private volatile boolean drawn;

    /**
     * @param terminal where the bar is drawn: standard output, known to be a terminal
     * @param progress the downloads under way, as the downloader tells them
     */
    ProgressBar(PrintStream terminal, Supplier<List<DownloadProgress>> progress) {
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.progress = Objects.requireNonNull(progress, "progress");
    }

    /** Starts drawing the download of RFC {@code number}, from {@link #SHOWN_AFTER} on. */
    void start(int number) {
        long started = System.nanoTime();
        drawing = Thread.ofVirtual().name("progress-bar").start(() -> {
            try {
                Thread.sleep(SHOWN_AFTER);
                while (!Thread.currentThread().isInterrupted()) {
                    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
                    Optional<DownloadProgress> now = progress.get().stream()
                            .filter(download -> download.rfcNumber() == number).findFirst();
                    if (now.isPresent()) {
                        synchronized (terminal) {
                            terminal.print("\r" + line(now.get(), elapsed));
                            terminal.flush();
                        }
                        drawn = true;
                    }
                    Thread.sleep(REDRAW_EVERY);
                }
            } catch (InterruptedException e) {
                // the download ended
            }
        });
    }

    /** Stops drawing and erases the bar, if it was drawn, so that the next line starts at the line's start. */
    void stop() {
        Thread thread = drawing;
        if (thread == null) {
            return;
        }
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drawing = null;
        if (drawn) {
            synchronized (terminal) {
                terminal.print("\r" + " ".repeat(BAR_CHARS + 50) + "\r");
                terminal.flush();
            }
            drawn = false;
        }
    }

    /**
     * The bar's line: {@code RFC 9000 [#########.......]  31%  4.2 MB of 13.5 MB  1.1 MB/s  0:08 left}; without an
     * announced length, the bytes and the rate only.
     */
    static String line(DownloadProgress download, Duration elapsed) {
        long received = download.receivedBytes();
        double seconds = Math.max(elapsed.toNanos() / 1e9, 1e-3);
        double rate = received / seconds;
        StringBuilder line = new StringBuilder("RFC ").append(download.rfcNumber()).append(' ');
        if (download.totalBytes().isPresent() && download.totalBytes().getAsLong() > 0) {
            long total = download.totalBytes().getAsLong();
            double share = Math.min(1.0, (double) received / total);
            int filled = (int) Math.floor(share * BAR_CHARS);
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_CHARS - filled)).append("] ")
                    .append(String.format(Locale.ROOT, "%3d%%", (int) Math.floor(share * 100)))
                    .append("  ").append(bytes(received)).append(" of ").append(bytes(total))
                    .append("  ").append(bytes(Math.round(rate))).append("/s  ")
                    .append(rate > 0 ? clock(Math.round((total - received) / rate)) + " left" : "--:-- left");
        } else {
            line.append(bytes(received)).append("  ").append(bytes(Math.round(rate))).append("/s");
        }
        return line.toString();
    }

    /** Bytes in decimal units, as network rates are given: {@code 512 B}, {@code 4.2 kB}, {@code 13.5 MB}. */
    static String bytes(long count) {
        if (count >= BYTES_PER_MEGABYTE) {
            return String.format(Locale.ROOT, "%.1f MB", count / BYTES_PER_MEGABYTE);
        }
        if (count >= BYTES_PER_KILOBYTE) {
            return String.format(Locale.ROOT, "%.1f kB", count / BYTES_PER_KILOBYTE);
        }
        return count + " B";
    }

    /** Seconds as {@code m:ss}, or {@code h:mm:ss} from an hour up. */
    static String clock(long seconds) {
        long hours = seconds / 3600;
        return hours > 0 ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
}
