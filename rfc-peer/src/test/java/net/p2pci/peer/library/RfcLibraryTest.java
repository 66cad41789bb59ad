package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.p2pci.peer.SpecialFiles;
import net.p2pci.peer.library.RfcLibrary.RfcFile;
import net.p2pci.peer.library.RfcLibrary.ScanReport;
import net.p2pci.peer.library.RfcLibrary.SkippedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which directory entries a library serves, which it skips and why, and how downloads are published in it. */
final class RfcLibraryTest {
    @TempDir
    Path dir;
    @TempDir
    Path elsewhere;

    @Test
    void scanServesRfcFilesByNumberAndSaysWhyEveryOtherEntryIsSkipped() throws IOException {
        write("rfc2616.txt", "RFC2119.txt", "rfc_791.txt", "notes.md", "rfc1.pdf", ".rfc768.txt.123.part");
        Files.createDirectory(dir.resolve("rfc9999.txt"));

        ScanReport report = RfcLibrary.open(dir).scan();

        assertThat(report.served()).containsExactly(
                new RfcFile(791, dir.resolve("rfc_791.txt")),
                new RfcFile(2119, dir.resolve("RFC2119.txt")),
                new RfcFile(2616, dir.resolve("rfc2616.txt")));
        assertThat(report.skipped()).containsExactly(
                new SkippedFile(".rfc768.txt.123.part", "an unfinished download"),
                new SkippedFile("notes.md", "not an RFC file name (rfcN.txt)"),
                new SkippedFile("rfc1.pdf", "not an RFC file name (rfcN.txt)"),
                new SkippedFile("rfc9999.txt", "not a regular file"));
    }

    @Test
    void twoFilesForOneRfcServeTheCanonicalNameAndSkipTheOther() throws IOException {
        write("RFC_2616.txt", "rfc2616.txt", "RFC793.txt", "rfc-793.txt");

        ScanReport report = RfcLibrary.open(dir).scan();

        assertThat(report.served()).containsExactly(
                new RfcFile(793, dir.resolve("RFC793.txt")),
                new RfcFile(2616, dir.resolve("rfc2616.txt")));
        assertThat(report.skipped()).containsExactly(
                new SkippedFile("RFC_2616.txt", "RFC 2616 is served from rfc2616.txt (the canonical name wins)"),
                new SkippedFile("rfc-793.txt", "RFC 793 is served from RFC793.txt (the first name in sort order wins)"));
    }

    /**
     * Every note about a skipped spelling names the file actually served. With three names, the canonical one last
     * in sort order, the note about the second once named the first, which was itself skipped.
     */
    @ParameterizedTest
    @MethodSource("spellingsOfOneRfc")
    void everySkippedSpellingOfAnRfcNamesTheFileActuallyServed(List<String> names, String served) throws IOException {
        write(names.toArray(String[]::new));
        RfcLibrary library = RfcLibrary.open(dir);

        ScanReport report = library.scan();

        assertThat(report.served()).containsExactly(new RfcFile(1, dir.resolve(served)));
        assertThat(library.find(1)).contains(dir.resolve(served));
        String rule = served.equals("rfc1.txt") ? "the canonical name wins" : "the first name in sort order wins";
        assertThat(report.skipped()).extracting(SkippedFile::fileName)
                .containsExactlyInAnyOrderElementsOf(names.stream().filter(name -> !name.equals(served)).toList());
        assertThat(report.skipped()).extracting(SkippedFile::reason)
                .containsOnly("RFC 1 is served from " + served + " (" + rule + ")");
    }

    static Stream<Arguments> spellingsOfOneRfc() {
        return Stream.of(
                Arguments.of(List.of("rfc1.txt", "RFC0001.TXT"), "rfc1.txt"),
                Arguments.of(List.of("RFC0001.TXT", "RFC_1.txt", "rfc1.txt"), "rfc1.txt"),
                Arguments.of(List.of("RFC-1.TXT", "RFC0001.TXT", "rfc_1.txt", "rfc1.txt"), "rfc1.txt"),
                Arguments.of(List.of("rfc_1.txt", "RFC0001.TXT", "Rfc-001.txt"), "RFC0001.TXT"));
    }

    @Test
    void entriesThatCannotBeSentAreSkippedEachWithItsReason() throws Exception {
        Path outside = Files.writeString(elsewhere.resolve("secret"), "root:x:0:0:root:/root:/bin/bash\n");
        write("rfc1.txt", "rfc2.txt");
        Files.createFile(dir.resolve("rfc3.txt"));
        SpecialFiles.fifo(dir.resolve("rfc4.txt"));
        Files.createDirectory(dir.resolve("rfc5.txt"));
        Files.createSymbolicLink(dir.resolve("rfc6.txt"), dir.resolve("missing"));
        Files.createSymbolicLink(dir.resolve("rfc7.txt"), outside);
        Files.createSymbolicLink(dir.resolve("rfc8.txt"), Path.of("rfc2.txt")); // inside the directory: offered
        Files.createSymbolicLink(dir.resolve("rfc9.txt"), dir.resolve("rfc9.txt")); // a loop

        ScanReport report = RfcLibrary.open(dir).scan();

        assertThat(report.served()).containsExactly(
                new RfcFile(1, dir.resolve("rfc1.txt")),
                new RfcFile(2, dir.resolve("rfc2.txt")),
                new RfcFile(8, dir.resolve("rfc8.txt")));
        assertThat(report.skipped()).hasSize(6).startsWith(
                new SkippedFile("rfc3.txt", "empty"),
                new SkippedFile("rfc4.txt", "not a regular file"),
                new SkippedFile("rfc5.txt", "not a regular file"),
                new SkippedFile("rfc6.txt", "a symbolic link to nothing"),
                new SkippedFile("rfc7.txt", "a symbolic link out of the directory, to " + outside.toRealPath()
                        + " (served only with --allow-outside-links)"));
        assertThat(report.skipped().getLast()).satisfies(loop -> {
            assertThat(loop.fileName()).isEqualTo("rfc9.txt");
            assertThat(loop.reason()).startsWith("cannot be read: Too many levels of symbolic links"); // the system's
        });
    }

    @Test
    void aFileThisProcessCannotOpenIsSkipped() throws IOException {
        Path locked = Files.writeString(dir.resolve("rfc1.txt"), "text");
        Files.setPosixFilePermissions(locked, Set.of());
        // Root reads whatever the permission bits say; this case can only be shown by an ordinary user.
        assumeThat(Files.isReadable(locked)).as("this user is denied a file with no permissions").isFalse();

        ScanReport report = RfcLibrary.open(dir).scan();

        assertThat(report.served()).isEmpty();
        assertThat(report.skipped()).containsExactly(new SkippedFile("rfc1.txt", "cannot be read: permission denied"));
    }

    @Test
    void withOutsideLinksAllowedALinkOutOfTheDirectoryIsOffered() throws IOException {
        Path outside = Files.writeString(elsewhere.resolve("rfc1.txt"), "text");
        Files.createSymbolicLink(dir.resolve("rfc1.txt"), outside);

        ScanReport report = RfcLibrary.open(dir, true).scan();

        assertThat(report.served()).containsExactly(new RfcFile(1, dir.resolve("rfc1.txt")));
        assertThat(report.skipped()).isEmpty();
    }

    @Test
    void theCheckThatPicksAServedNameComesFirst() throws IOException {
        write("RFC0001.TXT");
        Files.createFile(dir.resolve("rfc1.txt")); // the canonical name, but empty: the other name is served

        ScanReport report = RfcLibrary.open(dir).scan();

        assertThat(report.served()).containsExactly(new RfcFile(1, dir.resolve("RFC0001.TXT")));
        assertThat(report.skipped()).containsExactly(new SkippedFile("rfc1.txt", "empty"));
    }

    @Test
    void rescanPicksUpNewFilesAndDropsVanishedOnes() throws IOException {
        write("rfc1.txt", "rfc2.txt");
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();

        Files.delete(dir.resolve("rfc1.txt"));
        write("rfc3.txt");
        library.scan();

        assertThat(library.numbers()).containsExactly(2, 3);
        assertThat(library.find(1)).isEmpty();
        assertThat(library.find(3)).contains(dir.resolve("rfc3.txt"));
    }

    @Test
    void aCompletePartFileBecomesTheCanonicalFileAndIsServed() throws IOException {
        RfcLibrary library = RfcLibrary.open(dir);
        Path part = library.createPartFile(2616);
        Files.writeString(part, "text");

        assertThat(part.getFileName().toString()).startsWith(".rfc2616.txt.").endsWith(".part");
        assertThat(library.scan().served()).isEmpty();

        Path target = library.moveIntoPlace(part, 2616);

        assertThat(target).isEqualTo(dir.resolve("rfc2616.txt")).hasContent("text");
        assertThat(part).doesNotExist();
        assertThat(library.find(2616)).contains(target);
    }

    @Test
    void unfinishedDownloadsOfAnEarlierRunAreDeletedAndNothingElse() throws IOException {
        write(".rfc768.txt.1x2y.part", ".rfc1.txt.a.part", "rfc768.txt", ".rfc768.txt", "notes.part", "rfc2.txt.part",
                ".rfc1.txt.my-Backup.part");

        List<String> deleted = RfcLibrary.open(dir).deleteUnfinishedDownloads();

        assertThat(deleted).containsExactly(".rfc1.txt.a.part", ".rfc768.txt.1x2y.part");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left.map(file -> file.getFileName().toString()))
                    .containsExactlyInAnyOrder("rfc768.txt", ".rfc768.txt", "notes.part", "rfc2.txt.part",
                            ".rfc1.txt.my-Backup.part");
        }
    }

    @Test
    void moveIntoPlaceNeverReplacesAFileThatIsAlreadyThere() throws IOException {
        Files.writeString(dir.resolve("rfc2616.txt"), "the user's own copy");
        RfcLibrary library = RfcLibrary.open(dir);
        Path part = library.createPartFile(2616);

        assertThatThrownBy(() -> library.moveIntoPlace(part, 2616)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(dir.resolve("rfc2616.txt")).hasContent("the user's own copy");
    }

    @Test
    void moveIntoPlaceRefusesFilesThatAreNotItsOwnPartFiles() throws IOException {
        RfcLibrary library = RfcLibrary.open(dir);
        Path stranger = Files.writeString(dir.resolve("notes.txt"), "x");

        assertThatThrownBy(() -> library.moveIntoPlace(stranger, 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void openRefusesAPathThatIsNotADirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("plain"), "x");

        assertThatThrownBy(() -> RfcLibrary.open(file)).isInstanceOf(NotDirectoryException.class);
        assertThatThrownBy(() -> RfcLibrary.open(dir.resolve("missing"))).isInstanceOf(NotDirectoryException.class);
    }

    private void write(String... names) throws IOException {
        for (String name : List.of(names)) {
            Files.writeString(dir.resolve(name), name);
        }
    }
}
