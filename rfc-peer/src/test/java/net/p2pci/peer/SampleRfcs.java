package net.p2pci.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import net.p2pci.peer.library.RfcFileName;

/** The real RFC files in the repository's {@code sample-rfcs/}, which tests copy and never write to. */
public final class SampleRfcs {
    private static final String SAMPLE_FOLDER = "sample-rfcs";

    private SampleRfcs() {
    }

    /** The repository root: the nearest folder above the working directory that holds {@code sample-rfcs/}. */
    public static Path repositoryRoot() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null && !Files.isDirectory(folder.resolve(SAMPLE_FOLDER))) {
            folder = folder.getParent();
        }
        if (folder == null) {
            throw new IllegalStateException("no " + SAMPLE_FOLDER + "/ above " + Path.of("").toAbsolutePath());
        }
        return folder;
    }

    public static Path folder() {
        return repositoryRoot().resolve(SAMPLE_FOLDER);
    }

    public static Path file(int number) {
        return folder().resolve(RfcFileName.canonical(number));
    }

    /** Every sample's RFC number, ascending. */
    public static List<Integer> numbers() {
        try (Stream<Path> files = Files.list(folder())) {
            return files.map(file -> RfcFileName.parse(file.getFileName().toString()))
                    .filter(number -> number.isPresent())
                    .map(number -> number.getAsInt())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies the samples with these numbers into {@code target} under their canonical names. */
    public static void copy(Path target, List<Integer> numbers) throws IOException {
        for (int number : numbers) {
            Files.copy(file(number), target.resolve(RfcFileName.canonical(number)));
        }
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read; (read = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
