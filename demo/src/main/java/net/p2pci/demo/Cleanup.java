package net.p2pci.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything the demo started or created, undone on {@link #close()}: every program stopped by its PID, then what
 * the programs used closed (a database), then the temporary directory deleted.
 *
 * <p>Thread-safe: the main thread and the shutdown hook (Ctrl-C, SIGTERM) may both close it; the first one does the
 * work, and a program registered after that is stopped at once.
 */
final class Cleanup implements AutoCloseable {
    private final Path directory;
    private final List<DemoProcess> processes = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean closed;

    private Cleanup(Path directory) {
        this.directory = directory;
    }

    /** Creates the demo's temporary directory, deleted again on close. */
    static Cleanup withTemporaryDirectory() throws IOException {
        return new Cleanup(Files.createTempDirectory("p2pci-demo-"));
    }

    Path directory() {
        return directory;
    }

    /** Takes charge of stopping {@code process}. */
    DemoProcess register(DemoProcess process) {
        synchronized (this) {
            if (!closed) {
                processes.add(process);
                return process;
            }
        }
        process.stop();
        throw new IllegalStateException("the demo is stopping; " + process.label() + " was stopped at once");
    }

    /**
     * Takes charge of closing {@code resource} once every program has stopped, so that the programs never see it
     * go; resources are closed in the reverse order of their registration.
     */
    <T extends AutoCloseable> T registerResource(T resource) {
        synchronized (this) {
            if (!closed) {
                resources.add(resource);
                return resource;
            }
        }
        closeQuietly(resource);
        throw new IllegalStateException("the demo is stopping; " + resource + " was closed at once");
    }

    /** The resources registered and not yet closed, in the order of their registration. */
    synchronized List<AutoCloseable> resources() {
        return closed ? List.of() : List.copyOf(resources);
    }

    /** How many of the registered programs are still running. */
    synchronized long running() {
        return processes.stream().filter(process -> process.exitStatus().isEmpty()).count();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        // All of them are asked to leave at once; each then gets its grace time in turn.
        processes.forEach(DemoProcess::requestStop);
        processes.forEach(DemoProcess::stop);
        resources.reversed().forEach(Cleanup::closeQuietly);
        deleteDirectory();
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("demo: could not close " + resource + ": " + e.getMessage());
        }
    }

    private void deleteDirectory() {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("demo: could not delete " + directory + ": " + e.getMessage());
        }
    }
}
