package net.p2pci.protocol;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The file through which ci-server and rfc-peer tell whoever started them where they listen ({@code --port-file}):
 * the port in decimal and a newline. It appears whole or not at all, so that a starter polling for it never reads a
 * port cut short.
 */
public final class PortFile {
    private PortFile() {
    }

    /** Writes {@code port} to a temporary file beside {@code file}, then moves it into place in one step. */
    public static void write(Path file, int port) throws IOException {
        Path target = file.toAbsolutePath();
        Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(temporary, port + "\n", StandardCharsets.US_ASCII);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }
}
