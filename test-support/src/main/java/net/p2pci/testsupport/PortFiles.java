package net.p2pci.testsupport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Waiting for a started program to be ready: it is once it has written its port to the file given with
 * {@code --port-file} (the port in decimal, then a newline).
 */
public final class PortFiles {
    /** Short against a JVM's start-up of a second or more, long enough not to load a busy 2-core machine. */
    public static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    /** Of the program's output, the lines a failure to start shows. */
    public static final int SHOWN_LINES = 30;

    private static final Pattern PORT_LINE = Pattern.compile("(\\d{1,5})\n");

    private PortFiles() {
    }

    /** The port the file holds; empty while there is no file, or none whole (a program that wrote it in place). */
    public static OptionalInt read(Path portFile) throws IOException {
        String text;
        try {
            text = Files.readString(portFile, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return OptionalInt.empty();
        }
        Matcher port = PORT_LINE.matcher(text);
        return port.matches() ? OptionalInt.of(Integer.parseInt(port.group(1))) : OptionalInt.empty();
    }

    /**
     * Polls {@code portFile} until it holds a port and returns it. Fails when {@code process} exits first or
     * {@code deadline} passes, with the last lines of {@code output} (what the program printed so far).
     */
    public static int awaitPort(String name, Process process, Path portFile, Duration deadline,
                                Supplier<List<String>> output) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            OptionalInt port = read(portFile);
            if (port.isPresent()) {
                return port.getAsInt();
            }
            if (!process.isAlive()) {
                throw new IOException(name + " exited with status " + process.exitValue()
                        + " before it wrote its port file" + lastLines(output.get()));
            }
            if (System.nanoTime() - end >= 0) {
                throw new IOException(name + " wrote no port to " + portFile + " within " + deadline.toSeconds()
                        + " s" + lastLines(output.get()));
            }
            try {
                Thread.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + name + " to write its port file");
            }
        }
    }

    private static String lastLines(List<String> lines) {
        if (lines.isEmpty()) {
            return "; it printed nothing";
        }
        return "; its last lines:\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - SHOWN_LINES),
                lines.size()));
    }
}
