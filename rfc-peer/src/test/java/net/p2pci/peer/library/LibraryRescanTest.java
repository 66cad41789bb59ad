package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import net.p2pci.peer.library.RfcLibrary.Changes;
import net.p2pci.peer.library.RfcLibrary.OpenedFile;
import net.p2pci.peer.library.RfcLibrary.RfcFile;
import net.p2pci.peer.library.RfcLibrary.SkippedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of the watched folder at the library: the size cap, a file taken only once it has settled, a file
 * changed in place not sent until it settles again, and files gone. Time is given to each rescan, so no test waits.
 */
final class LibraryRescanTest {
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final Duration START = Duration.ofSeconds(100);

    @TempDir
    Path dir;

    @Test
    void aFileAtTheCapIsServedAndOneByteOverIsSkippedNamingTheCap() throws IOException {
        Files.write(dir.resolve("rfc1.txt"), new byte[1024 * 1024]);
        Files.write(dir.resolve("rfc2.txt"), new byte[1024 * 1024 + 1]);

        RfcLibrary library = RfcLibrary.open(dir, false, 1024 * 1024);

        assertThat(library.scan().skipped()).containsExactly(new SkippedFile("rfc2.txt",
                "larger than the cap of 1 MiB (1048577 bytes; --max-file-mib)"));
        assertThat(library.numbers()).containsExactly(1);
    }

    @Test
    void aNewFileIsTakenOnlyOnceItHasKeptItsSizeAndTimeForTheSettlePeriod() throws IOException {
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();
        Path file = write("rfc1149.txt", "Request for Comments: 1149\n");

        Changes first = library.rescan(START, SETTLE);
        Changes almost = library.rescan(START.plus(SETTLE).minusMillis(1), SETTLE);
        Changes settled = library.rescan(START.plus(SETTLE), SETTLE);

        assertThat(first.added()).isEmpty();
        assertThat(first.settling()).isEqualTo(1);
        assertThat(almost.added()).isEmpty();
        assertThat(settled.added()).containsExactly(new RfcFile(1149, file));
        assertThat(settled.settling()).isZero();
        assertThat(library.numbers()).containsExactly(1149);
    }

    @Test
    void aFileThatGrowsStartsItsSettlePeriodAgain() throws IOException {
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();
        Path file = write("rfc1149.txt", "Request for Comments: 1149\n");
        library.rescan(START, SETTLE);

        Files.writeString(file, "more\n", StandardOpenOption.APPEND);
        Changes grown = library.rescan(START.plus(SETTLE), SETTLE);
        assertThat(grown.added()).isEmpty();
        assertThat(library.find(1149)).isEmpty();
        Changes settled = library.rescan(START.plus(SETTLE).plus(SETTLE), SETTLE);

        assertThat(settled.added()).containsExactly(new RfcFile(1149, file));
    }

    @Test
    void aServedFileChangedInPlaceIsNotSentUntilItSettlesAgainYetStaysOffered() throws Exception {
        Path file = write("rfc791.txt", "Internet Protocol\n");
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();

        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 5_000));

        assertThatThrownBy(() -> library.openForSending(791)).isInstanceOf(UnservableFileException.class)
                .hasMessageStartingWith("changing:");
        assertThat(library.numbers()).containsExactly(791);
        Changes seen = library.rescan(START, SETTLE);
        Changes settled = library.rescan(START.plus(SETTLE), SETTLE);
        assertThat(seen.removed()).isEmpty();
        assertThat(settled.added()).as("still registered: not added again").isEmpty();
        try (OpenedFile opened = library.openForSending(791).orElseThrow()) {
            assertThat(opened.size()).isEqualTo(Files.size(file));
        }
    }

    @Test
    void aFileDeletedIsRemovedAtTheNextRescanEvenWhenAGetFoundItGoneFirst() throws IOException {
        write("rfc768.txt", "User Datagram Protocol\n");
        write("rfc793.txt", "Transmission Control Protocol\n");
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();

        Files.delete(dir.resolve("rfc793.txt"));
        assertThatThrownBy(() -> library.openForSending(793)).hasMessage("gone");
        Changes changes = library.rescan(START, SETTLE);

        assertThat(changes.removed()).containsExactly(793);
        assertThat(library.numbers()).containsExactly(768);
    }

    @Test
    void aFileRenamedToAnotherSpellingOfItsRfcIsNeitherRemovedNorAddedAgain() throws IOException {
        write("rfc1149.txt", "Request for Comments: 1149\n");
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();

        Files.move(dir.resolve("rfc1149.txt"), dir.resolve("RFC01149.TXT"));
        Changes renamed = library.rescan(START, SETTLE);
        Changes settled = library.rescan(START.plus(SETTLE), SETTLE);

        assertThat(renamed.removed()).isEmpty();
        assertThat(settled.added()).isEmpty();
        assertThat(settled.removed()).isEmpty();
        assertThat(library.find(1149)).contains(dir.resolve("RFC01149.TXT"));
    }

    @Test
    void threeSpellingsOfOneRfcServeTheCanonicalNameAndNameTheOthersAsIgnored() throws IOException {
        write("rfc1.txt", "one\n");
        write("RFC0001.TXT", "one\n");
        write("rfc0001.txt", "one\n");

        Changes changes = RfcLibrary.open(dir).rescan(START, Duration.ZERO);

        assertThat(changes.added()).containsExactly(new RfcFile(1, dir.resolve("rfc1.txt")));
        assertThat(changes.skipped()).containsExactly(
                new SkippedFile("RFC0001.TXT", "RFC 1 is served from rfc1.txt (the canonical name wins)"),
                new SkippedFile("rfc0001.txt", "RFC 1 is served from rfc1.txt (the canonical name wins)"));
    }

    @Test
    void anOpenedFileIsUnchangedWhenDeletedButNotWhenWrittenTo() throws Exception {
        write("rfc768.txt", "User Datagram Protocol\n");
        write("rfc793.txt", "Transmission Control Protocol\n");
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();

        try (OpenedFile deleted = library.openForSending(768).orElseThrow();
             OpenedFile appended = library.openForSending(793).orElseThrow()) {
            Files.delete(dir.resolve("rfc768.txt"));
            Files.writeString(dir.resolve("rfc793.txt"), "more\n", StandardOpenOption.APPEND);

            assertThat(deleted.unchangedSinceOpened()).isTrue();
            assertThat(appended.unchangedSinceOpened()).isFalse();
        }
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
