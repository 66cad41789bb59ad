package net.p2pci.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * A class-data archive for the program jars that tests start again and again, as the launchers in {@code bin/} keep
 * one for users: a child JVM that maps the program's classes from it starts with about a third less CPU, which on a
 * two-core machine running hundreds of child processes is minutes of the suite.
 *
 * <p>One child writes the archive as it exits, to a file of its own that is moved into place only after a clean
 * exit, so that no child ever maps an archive another is still writing; until then children run without one. An
 * archive older than its jar (rebuilt since) is written again. The JVM's messages about the archive are turned off,
 * since they would land in the program's stdout, which tests read.
 *
 * <p>Thread-safe: which thread claims the writing is settled by a concurrent set.
 */
public final class ClassArchive {
    /** A whole run's archive is 10 to 20 MiB; a smaller one comes from a child that ended early, and is not kept. */
    private static final long MIN_ARCHIVE_BYTES = 4L << 20;
    private static final List<String> QUIET = List.of("-Xlog:cds*=off", "-Xlog:class+path*=off");
    /** Archives this JVM has a child writing; it writes each at most once. */
    private static final Set<Path> CLAIMED = ConcurrentHashMap.newKeySet();

    private ClassArchive() {
    }

    /**
     * The JVM options for a child that runs {@code jar}, and what to do once it has exited, given its exit status:
     * only a child that exited by itself (status below 128, not killed by a signal) has written a whole archive.
     */
    public record Use(List<String> jvmOptions, IntConsumer afterExit) {
        public Use {
            jvmOptions = List.copyOf(jvmOptions);
        }
    }

    /**
     * How a child running {@code jar} uses the archive: maps it when it is there and current; otherwise the first
     * such child writes it; the others run without.
     */
    public static Use forJar(Path jar) {
        return forJar(jar, true);
    }

    /**
     * As {@link #forJar(Path)}, for a child whose exit a test times: it never writes the archive, which takes the
     * better part of a second as the JVM exits.
     */
    public static Use forTimedExit(Path jar) {
        return forJar(jar, false);
    }

    private static Use forJar(Path jar, boolean mayWrite) {
        Path archive = jar.resolveSibling(jar.getFileName() + "-" + Integer.toHexString(Programs.javaCommand()
                .hashCode()) + "-tests.jsa");
        if (isCurrent(archive, jar)) {
            return new Use(concat(List.of("-XX:SharedArchiveFile=" + archive), QUIET), exitStatus -> { });
        }
        if (!mayWrite || !CLAIMED.add(archive)) {
            return new Use(List.of(), exitStatus -> { });
        }
        Path written = archive.resolveSibling(archive.getFileName() + "." + UUID.randomUUID() + ".tmp");
        return new Use(concat(List.of("-XX:ArchiveClassesAtExit=" + written), QUIET), exitStatus -> {
            try {
                if (exitStatus < 128 && Files.size(written) >= MIN_ARCHIVE_BYTES) {
                    Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } else {
                    CLAIMED.remove(archive); // let a later child write it
                }
            } catch (IOException e) {
                CLAIMED.remove(archive);
            } finally {
                try {
                    Files.deleteIfExists(written);
                } catch (IOException e) {
                    // A stray temporary file in target/ is harmless.
                }
            }
        });
    }

    private static boolean isCurrent(Path archive, Path jar) {
        try {
            return Files.size(archive) >= MIN_ARCHIVE_BYTES
                    && Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> concat(List<String> first, List<String> second) {
        return Stream.concat(first.stream(), second.stream()).toList();
    }
}
