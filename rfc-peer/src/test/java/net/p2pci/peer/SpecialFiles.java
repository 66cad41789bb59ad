package net.p2pci.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Directory entries that Java cannot make by itself, made by the system's own tools. */
public final class SpecialFiles {
    private static final Duration TOOL_DEADLINE = Duration.ofSeconds(10);

    private SpecialFiles() {
    }

    /** A named pipe: opening it for reading waits for a writer, for ever if none comes. */
    public static Path fifo(Path path) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (!mkfifo.waitFor(TOOL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS) || mkfifo.exitValue() != 0) {
            mkfifo.destroyForcibly();
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }
}
