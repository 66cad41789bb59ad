package net.p2pci.peer.library;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.library.RfcLibrary.Changes;
import net.p2pci.peer.library.RfcLibrary.RfcFile;
import net.p2pci.peer.library.RfcLibrary.SkippedFile;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Keeps a library in step with its directory while the peer runs: the JDK's WatchService says when an entry changes,
 * and a periodic rescan catches what it misses (network file systems, platforms that poll, an overflow); each look
 * {@link RfcLibrary#rescan rescans} the directory. New RFC files are told once they have settled; RFCs whose files
 * are gone are told together after a quiet period, so that a burst of deletions costs one re-registration.
 *
 * <p>Thread-safe: everything runs on the watcher's one thread; {@link #close} only flags it and closes the watch
 * service, which wakes it.
 */
public final class FolderWatcher implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FolderWatcher.class);
    /** How often, at most, files still settling are looked at again: a fraction of the settle period. */
    private static final int SETTLE_CHECKS = 4;
    /** The shortest wait between looks, so that a settle period of 0 does not spin. */
    private static final Duration SHORTEST_WAIT = Duration.ofMillis(10);
    /** How long the events of one burst are gathered before the look they cause. */
    private static final Duration EVENT_BURST = Duration.ofMillis(50);
    /** How long close() waits for the watcher's thread, which only has to notice the closed watch service. */
    private static final Duration JOIN = Duration.ofSeconds(2);

    /**
     * How the folder is watched.
     *
     * @param rescan the time between rescans made whatever the watch service says (the fallback)
     * @param settle how long a new or changed file must keep its size and modification time to count as complete
     * @param quiet  how long after the last file went before the peer's records are made true again
     */
    public record Settings(Duration rescan, Duration settle, Duration quiet) {
        public static final Duration DEFAULT_RESCAN = Duration.ofSeconds(30);
        public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);
        public static final Duration DEFAULT_QUIET = Duration.ofSeconds(1);
        public static final Settings DEFAULT = new Settings(DEFAULT_RESCAN, DEFAULT_SETTLE, DEFAULT_QUIET);

        public Settings {
            for (Duration duration : List.of(Objects.requireNonNull(rescan, "rescan"),
                    Objects.requireNonNull(settle, "settle"), Objects.requireNonNull(quiet, "quiet"))) {
                if (duration.isNegative()) {
                    throw new IllegalArgumentException("a negative duration: " + duration);
                }
            }
            if (rescan.isZero()) {
                throw new IllegalArgumentException("the rescan period must be longer than 0");
            }
        }
    }

    /** Told what the watcher finds, on its thread, one call at a time. */
    public interface Listener {
        /** RFC files that appeared, or came back, and are complete, by ascending number. */
        void filesAdded(List<RfcFile> files);

        /**
         * Entries newly skipped (not skipped for this reason at the last look, nor at start-up) that have stayed so
         * for the settle period.
         */
        void filesSkipped(List<SkippedFile> skipped);

        /**
         * The files of these RFCs went (deleted, renamed away, no longer servable) and the folder has been quiet
         * since for the quiet period.
         */
        void filesGone(List<Integer> rfcNumbers);

        /** The directory could not be listed; the watcher tries again at the next look. */
        void scanFailed(String reason);
    }

    private final RfcLibrary library;
    private final Settings settings;
    private final Listener listener;
    private final WatchService watchService;
    private final Thread thread;
    private volatile boolean closed;

    private FolderWatcher(RfcLibrary library, Settings settings, Listener listener, WatchService watchService,
                          List<SkippedFile> toldAtStart, boolean looksAtOnce) {
        this.library = library;
        this.settings = settings;
        this.listener = listener;
        this.watchService = watchService;
        this.thread = Thread.ofVirtual().name("folder-watcher").unstarted(() -> watch(toldAtStart, looksAtOnce));
    }

    /**
     * A watch on a library's directory, opened before the library's start-up {@link RfcLibrary#scan scan}: every
     * change after that scan then shows as an event, so the watcher that takes it over needs no look of its own at
     * start, which on a large directory would be a second listing of every file at the busiest moment of a peer's
     * start. Where the platform offers no watch service for the directory there is none, and the watcher looks at
     * once instead. Closing it (the watcher does, and so may its opener) stops the events.
     */
    public static final class Watch implements AutoCloseable {
        private final WatchService service;

        private Watch(WatchService service) {
            this.service = service;
        }

        /** Watches {@code library}'s directory for entries created, deleted and modified, where the platform can. */
        public static Watch open(RfcLibrary library) {
            WatchService service = null;
            try {
                service = library.directory().getFileSystem().newWatchService();
                library.directory().register(service, StandardWatchEventKinds.ENTRY_CREATE,
                        StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY);
            } catch (IOException | UnsupportedOperationException e) {
                LOG.debug("No watch service for {}; it is rescanned periodically only: {}",
                        WireText.forLog(library.directory().toString()), e.toString());
                closeQuietly(service);
                service = null;
            }
            return new Watch(service);
        }

        @Override
        public void close() {
            closeQuietly(service);
        }
    }

    /**
     * Starts watching {@code library}'s directory through {@code openedBeforeScan}, opened before the scan that
     * {@code toldAtStart} comes from: its events tell what changed since, so the first look waits for them (or for
     * the first rescan); without a watch service the watcher looks at once. The watcher closes the watch.
     *
     * @param toldAtStart the entries skipped at start-up, already told, so that they are not told again
     */
    public static FolderWatcher start(RfcLibrary library, Settings settings, Listener listener,
                                      List<SkippedFile> toldAtStart, Watch openedBeforeScan) {
        FolderWatcher watcher = new FolderWatcher(Objects.requireNonNull(library, "library"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(listener, "listener"),
                openedBeforeScan.service, toldAtStart, openedBeforeScan.service == null);
        watcher.thread.start();
        return watcher;
    }

    private void watch(List<SkippedFile> toldAtStart, boolean looksAtOnce) {
        Set<SkippedFile> told = new HashSet<>(toldAtStart);
        Map<SkippedFile, Duration> skippedSince = new HashMap<>();
        Set<Integer> gone = new TreeSet<>();
        Duration goneAt = Duration.ZERO;
        Duration nextRescan = now().plus(settings.rescan());
        int settling = 0;
        Duration settleCheck = max(settings.settle().dividedBy(SETTLE_CHECKS), SHORTEST_WAIT);
        // A first look at once sees what changed between the start-up scan and the watch's start, where events do not.
        boolean firstLook = looksAtOnce;
        Duration lastLookCost = Duration.ZERO;
        try {
            while (!closed) {
                Duration wait = nextRescan.minus(now());
                if (settling > 0) {
                    wait = min(wait, settleCheck);
                }
                if (!gone.isEmpty()) {
                    wait = min(wait, goneAt.plus(settings.quiet()).minus(now()));
                }
                boolean changed = firstLook || awaitChange(max(wait, Duration.ZERO));
                if (changed && !firstLook) {
                    // Events come in bursts (a file copied in, a download's part file): one look after the burst,
                    // and in a large directory no more than half the time spent looking.
                    Thread.sleep(max(EVENT_BURST, lastLookCost));
                    awaitChange(Duration.ZERO);
                }
                firstLook = false;
                Duration now = now();
                if (changed || settling > 0 || now.compareTo(nextRescan) >= 0) {
                    nextRescan = now.plus(settings.rescan());
                    Changes changes;
                    try {
                        changes = library.rescan(now, settings.settle());
                        lastLookCost = now().minus(now);
                    } catch (IOException e) {
                        listener.scanFailed(e.getMessage());
                        continue;
                    }
                    if (!changes.added().isEmpty()) {
                        listener.filesAdded(changes.added());
                    }
                    List<SkippedFile> settledSkips = settledSkips(changes.skipped(), told, skippedSince, now);
                    if (!settledSkips.isEmpty()) {
                        listener.filesSkipped(settledSkips);
                    }
                    settling = changes.settling() + skippedSince.size();
                    if (!changes.removed().isEmpty()) {
                        gone.addAll(changes.removed());
                        goneAt = now;
                    }
                }
                if (!gone.isEmpty() && now.compareTo(goneAt.plus(settings.quiet())) >= 0) {
                    listener.filesGone(List.copyOf(gone));
                    gone.clear();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // close() ends the watcher.
        } catch (RuntimeException e) {
            LOG.error("Watching {} failed; it is no longer followed", WireText.forLog(library.directory().toString()),
                    e);
        }
    }

    /**
     * The entries skipped that are to be told now: those skipped for the same reason for the settle period, not told
     * yet. A file being copied in is empty for a moment, and a download's part file lives for one download; neither
     * is worth a line unless it stays. The peer's own part files are never told.
     */
    private List<SkippedFile> settledSkips(List<SkippedFile> skipped, Set<SkippedFile> told,
                                           Map<SkippedFile, Duration> skippedSince, Duration now) {
        told.retainAll(skipped);
        skippedSince.keySet().retainAll(skipped);
        List<SkippedFile> settled = new ArrayList<>();
        for (SkippedFile entry : skipped) {
            if (told.contains(entry) || RfcLibrary.isPartFileName(entry.fileName())) {
                continue;
            }
            Duration since = skippedSince.computeIfAbsent(entry, first -> now);
            if (now.minus(since).compareTo(settings.settle()) >= 0) {
                skippedSince.remove(entry);
                told.add(entry);
                settled.add(entry);
            }
        }
        return settled;
    }

    /**
     * Waits up to {@code wait} for the watch service to report a change, and drains what it reported; true if it
     * did. Without a watch service it only waits. An overflow counts as a change: the rescan sees the whole folder.
     */
    private boolean awaitChange(Duration wait) throws InterruptedException {
        if (watchService == null) {
            Thread.sleep(wait);
            return false;
        }
        WatchKey key = watchService.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        boolean changed = false;
        while (key != null) {
            changed |= !key.pollEvents().isEmpty();
            key.reset();
            key = watchService.poll();
        }
        return changed;
    }

    /** The watcher's monotonic clock. */
    private static Duration now() {
        return Duration.ofNanos(System.nanoTime());
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void closeQuietly(WatchService watchService) {
        if (watchService != null) {
            try {
                watchService.close();
            } catch (IOException e) {
                // nothing was watched through it
            }
        }
    }

    /** Stops watching; returns once the watcher's thread has ended, or after a short wait. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(watchService);
        thread.interrupt();
        try {
            thread.join(JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
