package net.p2pci.peer.library;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The RFC files of a peer's directory, by RFC number: what the peer registers, serves and downloads into.
 *
 * <p>Thread-safe: the upload server, the downloader and the command layer share one library; the map from number to
 * file is concurrent, and a file only becomes visible under its final name once it is complete (see
 * {@link #moveIntoPlace}). Paths come only from listing the directory or from {@link RfcFileName#canonical}, never
 * from text a peer sent.
 */
public final class RfcLibrary {
    private static final Logger LOG = LogManager.getLogger(RfcLibrary.class);
    /** Downloads in progress are hidden files, so that neither this peer nor a user mistakes them for RFCs. */
    private static final String PART_FILE_PREFIX = ".";
    private static final String PART_FILE_SUFFIX = ".part";
    /** Random 64-bit names collide only by accident; a few attempts rule out bad luck without looping forever. */
    private static final int PART_FILE_NAME_ATTEMPTS = 4;
    /** Exactly the names {@link #createPartFile} makes: a dot, the canonical name, a base-36 random, ".part". */
    private static final Pattern PART_FILE_NAME = Pattern.compile("\\.rfc[0-9]+\\.txt\\.[0-9a-z]{1,13}\\.part");

    private final Path directory;
    private final ServableFile servable;
    private final ConcurrentMap<Integer, Path> files = new ConcurrentHashMap<>();

    private RfcLibrary(Path directory, ServableFile servable) {
        this.directory = directory;
        this.servable = servable;
    }

    /**
     * A library over {@code directory}, empty until {@link #scan()} is called, that offers no symbolic link leading
     * out of the directory.
     *
     * @throws NotDirectoryException when {@code directory} is not an existing directory
     */
    public static RfcLibrary open(Path directory) throws IOException {
        return open(directory, false);
    }

    /**
     * As {@link #open(Path)}; with {@code allowsOutsideLinks}, an RFC file that is a symbolic link to a file outside
     * the directory is offered too.
     */
    public static RfcLibrary open(Path directory, boolean allowsOutsideLinks) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new NotDirectoryException(absolute.toString());
        }
        return new RfcLibrary(absolute, new ServableFile(absolute.toRealPath(), allowsOutsideLinks));
    }

    public Path directory() {
        return directory;
    }

    /**
     * Lists the directory again and serves exactly the RFC files found: new ones are added, vanished ones dropped.
     * An entry is offered only if {@link ServableFile it may be sent}: a regular file, not empty, readable, and not
     * a symbolic link out of the directory (unless allowed). When several names hold the same RFC ({@code rfc1.txt},
     * {@code RFC0001.TXT}), one rule picks the file served: {@link RfcFileName#canonical the canonical name} if it is
     * among them, otherwise the first name in the order of {@link String#compareTo}; every other one is reported as
     * skipped, naming the file served.
     */
    public ScanReport scan() throws IOException {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            listing.forEach(entries::add);
        }
        entries.sort(Comparator.comparing(entry -> entry.getFileName().toString()));

        SortedMap<Integer, List<Path>> candidates = new TreeMap<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            OptionalInt number = RfcFileName.parse(name);
            if (PART_FILE_NAME.matcher(name).matches()) {
                skipped.add(new SkippedFile(name, "an unfinished download"));
            } else if (number.isEmpty()) {
                skipped.add(new SkippedFile(name, "not an RFC file name (rfcN.txt)"));
            } else {
                try {
                    servable.check(entry);
                    candidates.computeIfAbsent(number.getAsInt(), n -> new ArrayList<>()).add(entry);
                } catch (UnservableFileException e) {
                    skipped.add(new SkippedFile(name, e.getMessage()));
                }
            }
        }
        SortedMap<Integer, Path> found = new TreeMap<>();
        candidates.forEach((number, paths) -> {
            Path chosen = chosen(number, paths);
            found.put(number, chosen);
            String rule = chosen.getFileName().toString().equals(RfcFileName.canonical(number))
                    ? "the canonical name wins" : "the first name in sort order wins";
            for (Path other : paths) {
                if (other != chosen) {
                    skipped.add(new SkippedFile(other.getFileName().toString(), "RFC " + number + " is served from "
                            + chosen.getFileName() + " (" + rule + ")"));
                }
            }
        });
        files.keySet().retainAll(found.keySet());
        files.putAll(found);

        List<RfcFile> served = new ArrayList<>();
        found.forEach((number, path) -> served.add(new RfcFile(number, path)));
        skipped.sort(Comparator.comparing(SkippedFile::fileName));
        return new ScanReport(served, skipped);
    }

    /** Of the names of one RFC, in sort order: the canonical one if present, else the first. */
    private static Path chosen(int number, List<Path> paths) {
        String canonical = RfcFileName.canonical(number);
        return paths.stream().filter(path -> path.getFileName().toString().equals(canonical)).findFirst()
                .orElse(paths.getFirst());
    }

    /** The file that holds RFC {@code number}, if this peer has one. It may have been deleted since the last scan. */
    public Optional<Path> find(int number) {
        return Optional.ofNullable(files.get(number));
    }

    /**
     * Opens RFC {@code number}'s file for sending, checked again as the scan checks it, since the entry may have
     * changed since: a file that became a link out of the directory, unreadable, empty or gone is not sent, and no
     * longer offered.
     *
     * @return empty when no file of this RFC is offered
     * @throws UnservableFileException when this RFC's file may not be sent now, saying why
     */
    public Optional<OpenedFile> openForSending(int number) throws UnservableFileException {
        Path path = files.get(number);
        if (path == null) {
            return Optional.empty();
        }
        try {
            ServableFile.Checked checked = servable.checkBeforeOpening(path);
            FileChannel channel;
            try {
                channel = ServableFile.open(checked.real());
            } catch (IOException e) {
                throw ServableFile.cannotBeRead(e);
            }
            return Optional.of(new OpenedFile(path, channel, checked.attributes().lastModifiedTime().toInstant()));
        } catch (UnservableFileException e) {
            files.remove(number, path);
            throw e;
        }
    }

    /**
     * An RFC file opened for sending; its size is the open file's, so that the length announced and the bytes sent
     * agree even if the entry is replaced meanwhile.
     *
     * @param path         the entry in the directory, for log lines
     * @param lastModified the file's date when it was opened
     */
    public record OpenedFile(Path path, FileChannel channel, Instant lastModified) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }

    /**
     * Deletes the part files that downloads of an earlier run left behind (a peer that was killed cannot clean up).
     * For the peer's start-up, when none of its own downloads is under way yet.
     *
     * @return the names of the files deleted, in sort order; one that could not be deleted stays, and is skipped
     */
    public List<String> deleteUnfinishedDownloads() throws IOException {
        List<String> deleted = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory,
                entry -> PART_FILE_NAME.matcher(entry.getFileName().toString()).matches())) {
            for (Path partFile : listing) {
                try {
                    Files.delete(partFile);
                    deleted.add(partFile.getFileName().toString());
                } catch (NoSuchFileException e) {
                    // gone already
                } catch (IOException e) {
                    LOG.warn("Could not delete {}, an unfinished download of an earlier run: {}",
                            WireText.forLog(partFile.toString()), e.toString());
                }
            }
        }
        deleted.sort(Comparator.naturalOrder());
        return deleted;
    }

    /** The numbers of every RFC served, in ascending order. */
    public List<Integer> numbers() {
        return files.keySet().stream().sorted().toList();
    }

    /**
     * Creates an empty, hidden file in the directory for a download of RFC {@code number} to stream into. Unlike a
     * temporary file it gets the user's usual permissions, which the finished file keeps.
     */
    public Path createPartFile(int number) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String random = Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), Character.MAX_RADIX);
            Path part = directory.resolve(PART_FILE_PREFIX + RfcFileName.canonical(number) + "." + random
                    + PART_FILE_SUFFIX);
            try {
                return Files.createFile(part);
            } catch (FileAlreadyExistsException e) {
                if (attempt == PART_FILE_NAME_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * Renames a complete part file to {@code rfcN.txt} in one atomic step, and serves it from then on. Readers see
     * either no file or the whole file, never a partial one.
     *
     * @throws FileAlreadyExistsException when {@code rfcN.txt} exists: a user's file is never replaced
     */
    public Path moveIntoPlace(Path partFile, int number) throws IOException {
        Objects.requireNonNull(partFile, "partFile");
        boolean ownPartFile = directory.equals(partFile.getParent())
                && PART_FILE_NAME.matcher(partFile.getFileName().toString()).matches();
        if (!ownPartFile) {
            throw new IllegalArgumentException("not a part file of this library: " + partFile);
        }
        Path target = directory.resolve(RfcFileName.canonical(number));
        // A hard link fails, atomically, where the name exists: a file the user put there meanwhile is never
        // replaced, as a rename would replace it. The part file's own name then goes. A file system without hard
        // links gets the check and the rename, which leave a moment between them.
        try {
            Files.createLink(target, partFile);
            Files.delete(partFile);
        } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
            if (e instanceof FileAlreadyExistsException || Files.exists(target)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(partFile, target, StandardCopyOption.ATOMIC_MOVE);
        }
        forceDirectory();
        files.put(number, target);
        return target;
    }

    /** Makes the rename itself durable, so that a crash right after a download does not lose the new name. */
    private void forceDirectory() {
        try (FileChannel channel = FileChannel.open(directory)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Some platforms cannot open a directory as a channel; the file's own data is already forced.
        }
    }

    /** Forgets a file that turned out to be gone, so that it is no longer offered. */
    public void forget(int number, Path file) {
        files.remove(number, file);
    }

    /** One RFC file the library serves. */
    public record RfcFile(int number, Path path) {
    }

    /** A directory entry that is not served, and why, for the one line the peer prints about it. */
    public record SkippedFile(String fileName, String reason) {
    }

    /** What a scan found: the files served, by ascending RFC number, and the entries skipped, by name. */
    public record ScanReport(List<RfcFile> served, List<SkippedFile> skipped) {
        public ScanReport {
            served = List.copyOf(served);
            skipped = List.copyOf(skipped);
        }
    }
}
