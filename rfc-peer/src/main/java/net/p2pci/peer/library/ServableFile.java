package net.p2pci.peer.library;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import net.p2pci.protocol.WireText;

/**
 * The one rule for which directory entries a peer may offer and send, applied at the scan and again when a file is
 * sent (the entry may have changed in between): a regular file, not empty, no larger than the cap, that this process
 * can open for reading, and, if it is a symbolic link, one that leads to a file inside the directory, unless links
 * out of it are allowed.
 *
 * <p>Thread-safe: immutable.
 *
 * @param realDirectory      the directory with every symbolic link on its path resolved
 * @param allowsOutsideLinks whether a symbolic link to a file outside the directory may be offered
 * @param maxFileBytes       the largest file offered; a larger one is skipped, as no peer of ours would take it
 */
record ServableFile(Path realDirectory, boolean allowsOutsideLinks, long maxFileBytes) {
    /** Bytes in the mebibyte of {@code --max-file-mib}. */
    static final long BYTES_PER_MIB = 1024 * 1024;

    ServableFile {
        Objects.requireNonNull(realDirectory, "realDirectory");
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be 1 or more: " + maxFileBytes);
        }
    }

    /** An entry that passed the checks: the real path to open it at, and its attributes as checked. */
    record Checked(Path real, BasicFileAttributes attributes) {
    }

    /**
     * Checks {@code entry} as far as can be done without opening it, and returns the real path to open it at: the
     * entry with any symbolic link resolved, so that opening it with {@link LinkOption#NOFOLLOW_LINKS} cannot be sent
     * elsewhere by a link swapped in since. Whether it can be read is for the open to tell.
     *
     * @throws UnservableFileException with the reason, in a few words, when it may not be offered or sent
     */
    Checked checkBeforeOpening(Path entry) throws UnservableFileException {
        // Taken in the real directory, so that a plain file needs one lstat and no resolving of every directory on
        // its path; only a symbolic link is resolved, and must stay inside the directory.
        Path inDirectory = realDirectory.resolve(entry.getFileName().toString());
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(inDirectory, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new UnservableFileException("gone");
        } catch (IOException e) {
            throw cannotBeRead(e);
        }
        Path real = inDirectory;
        if (attributes.isSymbolicLink()) {
            try {
                real = inDirectory.toRealPath();
            } catch (NoSuchFileException e) {
                throw new UnservableFileException(Files.isSymbolicLink(inDirectory) ? "a symbolic link to nothing"
                        : "gone");
            } catch (IOException e) {
                throw cannotBeRead(e);
            }
            if (!real.startsWith(realDirectory) && !allowsOutsideLinks) {
                throw new UnservableFileException("a symbolic link out of the directory, to "
                        + WireText.forLog(real.toString()) + " (served only with --allow-outside-links)");
            }
            try {
                attributes = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                throw cannotBeRead(e);
            }
        }
        // Checked before any open: opening a FIFO for reading would wait for a writer for ever.
        if (!attributes.isRegularFile()) {
            throw new UnservableFileException("not a regular file");
        }
        if (attributes.size() == 0) {
            throw new UnservableFileException("empty");
        }
        if (attributes.size() > maxFileBytes) {
            throw new UnservableFileException("larger than the cap of " + describeCap(maxFileBytes) + " ("
                    + attributes.size() + " bytes; --max-file-mib)");
        }
        return new Checked(real, attributes);
    }

    /**
     * Checks {@code entry} wholly, opening it once: the scan's check. Files.isReadable asks the permission bits,
     * which root passes whatever they say; an open is the real test.
     */
    Checked check(Path entry) throws UnservableFileException {
        Checked checked = checkBeforeOpening(entry);
        try (FileChannel probe = open(checked.real())) {
            return checked;
        } catch (IOException e) {
            throw cannotBeRead(e);
        }
    }

    /** Opens a real path for reading, refusing a symbolic link swapped in since it was checked. */
    static FileChannel open(Path real) throws IOException {
        return FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** The cap as {@code --max-file-mib} gives it: whole MiB where it is, else bytes. */
    private static String describeCap(long bytes) {
        return bytes % BYTES_PER_MIB == 0 ? bytes / BYTES_PER_MIB + " MiB" : bytes + " bytes";
    }

    static UnservableFileException cannotBeRead(IOException failure) {
        return new UnservableFileException("cannot be read: " + describe(failure));
    }

    private static String describe(IOException failure) {
        return switch (failure) {
            case AccessDeniedException e -> "permission denied";
            case FileSystemException e when e.getReason() != null -> WireText.forLog(e.getReason());
            default -> WireText.forLog(Objects.requireNonNullElse(failure.getMessage(),
                    failure.getClass().getSimpleName()));
        };
    }
}
