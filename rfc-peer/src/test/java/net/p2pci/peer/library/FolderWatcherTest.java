package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.library.RfcLibrary.RfcFile;
import net.p2pci.peer.library.RfcLibrary.SkippedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher that takes over a watch opened before the start-up scan: it makes no look of its own at start, so
 * what changed between the scan and its start must reach it through the watch's events. The rescan fallback is an
 * hour away, so whatever is told here was told by those events.
 */
final class FolderWatcherTest {
    private static final FolderWatcher.Settings SETTINGS = new FolderWatcher.Settings(Duration.ofHours(1),
            Duration.ofMillis(100), Duration.ofMillis(100));
    private static final long DEADLINE_SECONDS = 20;

    @TempDir
    Path dir;

    private final LinkedBlockingQueue<String> told = new LinkedBlockingQueue<>();

    private final FolderWatcher.Listener listener = new FolderWatcher.Listener() {
        @Override
        public void filesAdded(List<RfcFile> files) {
            files.forEach(file -> told.add("added " + file.number()));
        }

        @Override
        public void filesSkipped(List<SkippedFile> skipped) {
            skipped.forEach(entry -> told.add("skipped " + entry.fileName()));
        }

        @Override
        public void filesGone(List<Integer> rfcNumbers) {
            rfcNumbers.forEach(number -> told.add("gone " + number));
        }

        @Override
        public void scanFailed(String reason) {
            told.add("failed " + reason);
        }
    };

    @Test
    void changesBetweenTheScanAndTheWatchersStartAreToldThroughTheWatchOpenedBeforeTheScan() throws Exception {
        Files.writeString(dir.resolve("rfc1.txt"), "Request for Comments: 1\n");
        Files.writeString(dir.resolve("rfc2.txt"), "Request for Comments: 2\n");
        RfcLibrary library = RfcLibrary.open(dir);
        FolderWatcher.Watch watch = FolderWatcher.Watch.open(library);
        assertThat(library.scan().served()).extracting(RfcFile::number).containsExactly(1, 2);

        Files.writeString(dir.resolve("rfc3.txt"), "Request for Comments: 3\n");
        Files.delete(dir.resolve("rfc1.txt"));
        try (FolderWatcher watcher = FolderWatcher.start(library, SETTINGS, listener, List.of(), watch)) {
            assertThat(List.of(next(), next())).containsExactlyInAnyOrder("added 3", "gone 1");
            assertThat(library.numbers()).containsExactly(2, 3);
        }
    }

    @Test
    void withNothingChangedSinceTheScanTheWatcherTellsNothingAndStillSeesWhatComesLater() throws Exception {
        Files.writeString(dir.resolve("rfc1.txt"), "Request for Comments: 1\n");
        RfcLibrary library = RfcLibrary.open(dir);
        FolderWatcher.Watch watch = FolderWatcher.Watch.open(library);
        library.scan();

        try (FolderWatcher watcher = FolderWatcher.start(library, SETTINGS, listener, List.of(), watch)) {
            Files.writeString(dir.resolve("rfc4.txt"), "Request for Comments: 4\n");
            assertThat(next()).isEqualTo("added 4");
            assertThat(told).isEmpty();
        }
    }

    private String next() throws InterruptedException {
        String event = told.poll(DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("told within %d s", DEADLINE_SECONDS).isNotNull();
        return event;
    }
}
