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
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * <p>The library remembers each file as it was seen complete, its size and modification time: a file is sent only
 * while it still has them, so that one being rewritten is not passed off as the file registered. The folder's
 * watcher {@link #rescan rescans} it: a new or changed file is taken once it has kept its size and time for a settle
 * period.
 *
 * <p>Thread-safe: the upload server, the downloader, the command layer and the watcher share one library; the map
 * from number to file is concurrent, and a file only becomes visible under its final name once it is complete (see
 * {@link #moveIntoPlace}); the scans are synchronized, as they share the files still settling. Paths come only from
 * listing the directory or from {@link RfcFileName#canonical}, never from text a peer sent.
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
    /**
     * The default cap on a file offered: what a peer of ours downloads at most (Downloader.MAX_DOWNLOAD_BYTES), so
     * that nothing is offered that our own peers would refuse; the largest RFC is a few MiB.
     */
    public static final long DEFAULT_MAX_FILE_MIB = 64;

    private final ConcurrentMap<Integer, Seen> files = new ConcurrentHashMap<>();
    /** Files seen new or changed by {@link #rescan}, not yet settled; only touched under the library's lock. */
    private final Map<Path, Settling> settling = new HashMap<>();
    /** The RFCs served at the end of the last scan; only touched under the library's lock. */
    private Set<Integer> servedAtLastScan = Set.of();

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
        return open(directory, allowsOutsideLinks, DEFAULT_MAX_FILE_MIB * ServableFile.BYTES_PER_MIB);
    }

    /** As {@link #open(Path, boolean)}, offering no file larger than {@code maxFileBytes}. */
    public static RfcLibrary open(Path directory, boolean allowsOutsideLinks, long maxFileBytes) throws IOException {
        Path absolute = directory.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute)) {
            throw new NotDirectoryException(absolute.toString());
        }
        return new RfcLibrary(absolute, new ServableFile(absolute.toRealPath(), allowsOutsideLinks, maxFileBytes));
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
    public synchronized ScanReport scan() throws IOException {
        Listing listing = list();
        files.keySet().retainAll(listing.chosen().keySet());
        settling.clear();
        servedAtLastScan = Set.copyOf(listing.chosen().keySet());
        listing.chosen().forEach(files::put);
        List<RfcFile> served = new ArrayList<>();
        listing.chosen().forEach((number, seen) -> served.add(new RfcFile(number, seen.path())));
        return new ScanReport(served, listing.skipped());
    }

    /**
     * Lists the directory again, as the folder's watcher does, and takes what is complete: a file new or changed
     * since it was last taken is served (again) only once it has kept its size and modification time for
     * {@code settle} since first seen so, so that one still being written is not offered. A file that is gone, or no
     * longer servable, stops being offered at once. Until a changed file settles, the version seen complete stays
     * registered but is not sent ({@link #openForSending} answers that it is changing).
     *
     * @param now    the time of this listing, from a monotonic clock
     * @param settle how long a file must stay unchanged to count as complete
     */
    public synchronized Changes rescan(Duration now, Duration settle) throws IOException {
        Listing listing = list();
        List<RfcFile> added = new ArrayList<>();
        Set<Path> stillSettling = new HashSet<>();
        listing.chosen().forEach((number, seen) -> {
            Seen held = files.get(number);
            if (seen.equals(held)) {
                return;
            }
            Settling since = settling.get(seen.path());
            if (since == null || !since.seen().equals(seen)) {
                since = new Settling(seen, now);
                settling.put(seen.path(), since);
            }
            if (now.minus(since.since()).compareTo(settle) >= 0) {
                settling.remove(seen.path());
                files.put(number, seen);
                if (held == null) {
                    added.add(new RfcFile(number, seen.path()));
                }
            } else {
                stillSettling.add(seen.path());
            }
        });
        settling.keySet().retainAll(stillSettling);
        // Also those served at the last look that a GET found gone since, and forgot.
        Set<Integer> removed = new TreeSet<>(servedAtLastScan);
        removed.addAll(files.keySet());
        removed.removeAll(listing.chosen().keySet());
        files.keySet().removeAll(removed);
        // What this look leaves served, from what it saw, not from files: a GET (which takes no lock) that finds a
        // file gone after the listing drops it from files, and the next look must still tell it gone.
        Set<Integer> served = new HashSet<>(servedAtLastScan);
        served.addAll(files.keySet());
        served.removeAll(removed);
        servedAtLastScan = Set.copyOf(served);
        return new Changes(added, List.copyOf(removed), listing.skipped(), stillSettling.size());
    }

    /** A directory entry and its name, taken once for sorting. */
    private record Entry(String name, Path path) {
    }

    /** Lists the directory and sorts its entries into the RFC file chosen for each number and those skipped. */
    private Listing list() throws IOException {
        List<Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(directory)) {
            listing.forEach(entry -> entries.add(new Entry(entry.getFileName().toString(), entry)));
        }
        entries.sort(Comparator.comparing(Entry::name));

        SortedMap<Integer, List<Seen>> candidates = new TreeMap<>();
        List<SkippedFile> skipped = new ArrayList<>();
        for (Entry listed : entries) {
            String name = listed.name();
            Path entry = listed.path();
            OptionalInt number = RfcFileName.parse(name);
            if (PART_FILE_NAME.matcher(name).matches()) {
                skipped.add(new SkippedFile(name, "an unfinished download"));
            } else if (number.isEmpty()) {
                skipped.add(new SkippedFile(name, "not an RFC file name (rfcN.txt)"));
            } else {
                try {
                    BasicFileAttributes attributes = servable.check(entry).attributes();
                    candidates.computeIfAbsent(number.getAsInt(), n -> new ArrayList<>())
                            .add(Seen.of(entry, attributes));
                } catch (UnservableFileException e) {
                    skipped.add(new SkippedFile(name, e.getMessage()));
                }
            }
        }
        SortedMap<Integer, Seen> chosen = new TreeMap<>();
        candidates.forEach((number, named) -> {
            Seen winner = chosen(number, named);
            chosen.put(number, winner);
            String rule = winner.path().getFileName().toString().equals(RfcFileName.canonical(number))
                    ? "the canonical name wins" : "the first name in sort order wins";
            for (Seen other : named) {
                if (other != winner) {
                    skipped.add(new SkippedFile(other.path().getFileName().toString(), "RFC " + number
                            + " is served from " + winner.path().getFileName() + " (" + rule + ")"));
                }
            }
        });
        skipped.sort(Comparator.comparing(SkippedFile::fileName));
        return new Listing(chosen, skipped);
    }

    /** A directory listing sorted: the file chosen per RFC number, and the entries skipped, by name. */
    private record Listing(SortedMap<Integer, Seen> chosen, List<SkippedFile> skipped) {
    }

    /** A file as seen at one listing: its entry, size and modification time; equal when none changed. */
    private record Seen(Path path, long size, FileTime modified) {
        static Seen of(Path path, BasicFileAttributes attributes) {
            return new Seen(path, attributes.size(), attributes.lastModifiedTime());
        }

        boolean matches(BasicFileAttributes attributes) {
            return size == attributes.size() && modified.equals(attributes.lastModifiedTime());
        }
    }

    /** A file new or changed, unchanged since {@code since} (on the watcher's monotonic clock). */
    private record Settling(Seen seen, Duration since) {
    }

    /** Of the names of one RFC, in sort order: the canonical one if present, else the first. */
    private static Seen chosen(int number, List<Seen> named) {
        String canonical = RfcFileName.canonical(number);
        return named.stream().filter(seen -> seen.path().getFileName().toString().equals(canonical))
                .findFirst().orElse(named.getFirst());
    }

    /** The file that holds RFC {@code number}, if this peer has one. It may have been deleted since the last scan. */
    public Optional<Path> find(int number) {
        return Optional.ofNullable(files.get(number)).map(Seen::path);
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
        Seen seen = files.get(number);
        if (seen == null) {
            return Optional.empty();
        }
        Path path = seen.path();
        ServableFile.Checked checked;
        try {
            checked = servable.checkBeforeOpening(path);
        } catch (UnservableFileException e) {
            files.remove(number, seen);
            throw e;
        }
        FileChannel channel;
        try {
            channel = ServableFile.open(checked.real());
        } catch (IOException e) {
            files.remove(number, seen);
            throw ServableFile.cannotBeRead(e);
        }
        OpenedFile opened = new OpenedFile(path, channel, checked.real(), checked.attributes());
        // Checked on the open file: a rewrite that began before the open shows in its size or time here.
        if (!seen.matches(checked.attributes()) || !opened.unchangedSinceOpened()) {
            closeQuietly(channel);
            throw new UnservableFileException("changing: it differs from the file seen complete, and is sent again"
                    + " once it has stayed unchanged for the settle period");
        }
        return Optional.of(opened);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // a file opened only for reading has nothing to lose on close
        }
    }

    /**
     * An RFC file opened for sending; its size is the open file's, so that the length announced and the bytes sent
     * agree even if the entry is replaced meanwhile.
     *
     * @param path       the entry in the directory, for log lines
     * @param real       the file opened, every link resolved
     * @param attributes the file's attributes as checked before it was opened
     */
    public record OpenedFile(Path path, FileChannel channel, Path real, BasicFileAttributes attributes)
            implements AutoCloseable {
        /** The file's date when it was opened. */
        public Instant lastModified() {
            return attributes.lastModifiedTime().toInstant();
        }

        /** The file's size when it was opened: the length announced. */
        public long size() {
            return attributes.size();
        }

        /**
         * Whether the bytes being sent are still those of the file as announced: the open file has its size still,
         * and, if its name still leads to it, the same modification time. A file deleted, or replaced under its name
         * by a rename, keeps its bytes for whoever has it open; one written to in place does not.
         */
        public boolean unchangedSinceOpened() {
            try {
                if (channel.size() != attributes.size()) {
                    return false;
                }
                BasicFileAttributes now = Files.readAttributes(real, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (now.fileKey() != null && !now.fileKey().equals(attributes.fileKey())) {
                    return true;
                }
                return now.size() == attributes.size()
                        && now.lastModifiedTime().equals(attributes.lastModifiedTime());
            } catch (NoSuchFileException e) {
                return true;
            } catch (IOException e) {
                return false;
            }
        }

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

    /** Whether {@code fileName} is the name of a part file of this peer's downloads. */
    public static boolean isPartFileName(String fileName) {
        return PART_FILE_NAME.matcher(fileName).matches();
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
        files.put(number, Seen.of(target, Files.readAttributes(target, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS)));
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
        files.computeIfPresent(number, (key, seen) -> seen.path().equals(file) ? null : seen);
    }

    /** One RFC file the library serves. */
    public record RfcFile(int number, Path path) {
    }

    /** A directory entry that is not served, and why, for the one line the peer prints about it. */
    public record SkippedFile(String fileName, String reason) {
    }

    /**
     * What a {@link #rescan} changed: the RFCs now served that were not (by ascending number), those no longer
     * served, every entry skipped (by name), and how many files are still settling.
     */
    public record Changes(List<RfcFile> added, List<Integer> removed, List<SkippedFile> skipped, int settling) {
        public Changes {
            added = List.copyOf(added);
            removed = List.copyOf(removed);
            skipped = List.copyOf(skipped);
        }
    }

    /** What a scan found: the files served, by ascending RFC number, and the entries skipped, by name. */
    public record ScanReport(List<RfcFile> served, List<SkippedFile> skipped) {
        public ScanReport {
            served = List.copyOf(served);
            skipped = List.copyOf(skipped);
        }
    }
}
