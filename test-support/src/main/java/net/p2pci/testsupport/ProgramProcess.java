package net.p2pci.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A program started as a child process and told to write its port file, with its output going to a file rather
 * than a pipe: a file keeps what a killed process printed, and the JDK closes a pipe's stream under a reader blocked
 * on it when the child exits.
 *
 * <p>Used by one thread at a time; what it shares with the child is only the files, read as they grow.
 */
public final class ProgramProcess {
    private final String name;
    private final Process process;
    private final Path output;
    private final Optional<Path> errors;
    private final Path portFile;

    private ProgramProcess(String name, Process process, Path output, Optional<Path> errors, Path portFile) {
        this.name = name;
        this.process = process;
        this.output = output;
        this.errors = errors;
        this.portFile = portFile;
    }

    /**
     * Starts {@code program} with {@code --port-file OUTPUT.port} added to its arguments. Its stdout goes to
     * {@code output}; its stderr too when the builder merges them, else to {@code OUTPUT.err}.
     */
    public static ProgramProcess start(String name, ProcessBuilder program, Path output) throws IOException {
        Path portFile = sibling(output, ".port");
        // One left by an earlier run in the same place would say "ready" before this one is.
        Files.deleteIfExists(portFile);
        program.command().addAll(List.of("--port-file", portFile.toString()));
        program.redirectOutput(output.toFile());
        Optional<Path> errors = Optional.empty();
        if (!program.redirectErrorStream()) {
            errors = Optional.of(sibling(output, ".err"));
            program.redirectError(errors.get().toFile());
        }
        return new ProgramProcess(name, program.start(), output, errors, portFile);
    }

    private static Path sibling(Path file, String suffix) {
        return file.resolveSibling(file.getFileName() + suffix);
    }

    /** Waits until the program has written its port file and returns the port; see {@link PortFiles#awaitPort}. */
    public int awaitPort(Duration deadline) throws IOException {
        return PortFiles.awaitPort(name, process, portFile, deadline, () -> {
            List<String> everything = new ArrayList<>(lines());
            everything.addAll(errorLines());
            return everything;
        });
    }

    /** The complete lines the program has written to stdout (with stderr, if merged) so far. */
    public List<String> lines() {
        return completeLines(output);
    }

    /** The complete lines of stderr, when it goes to a file of its own; none when merged into stdout. */
    public List<String> errorLines() {
        return errors.map(this::completeLines).orElse(List.of());
    }

    /**
     * The complete lines of an output file. While the process runs, a last line without its line end may still be
     * growing, so it is left out: a number read from it could be cut short.
     */
    private List<String> completeLines(Path file) {
        boolean finished = !process.isAlive(); // asked first: once it is true, the file read is the whole output
        String text;
        try {
            // Decoded leniently: a character may be half written.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = finished ? text.length() : text.lastIndexOf('\n') + 1;
        return text.substring(0, end).lines().toList();
    }

    /** SIGTERM, then SIGKILL when the program has not exited within {@code grace}; waits for it either way. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Deletes the files the program wrote to; call it once the program has exited. */
    public void deleteFiles() throws IOException {
        Files.deleteIfExists(output);
        if (errors.isPresent()) {
            Files.deleteIfExists(errors.get());
        }
        Files.deleteIfExists(portFile);
    }

    public String name() {
        return name;
    }

    public Process process() {
        return process;
    }

    public Path output() {
        return output;
    }

    public Path portFile() {
        return portFile;
    }
}
