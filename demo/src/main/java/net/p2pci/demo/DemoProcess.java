package net.p2pci.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.testsupport.PortFiles;

/**
 * A program the demo started: its stdout and stderr collected line by line as they come, its stdin open for
 * commands, {@link #stop()} to end it by its PID, and signals for what the demo shows: {@link #kill()} as a crash
 * would end it, {@link #freeze()} and {@link #thaw()} to hold it still.
 *
 * <p>Thread-safe: one reader thread appends lines under the object's monitor and wakes whoever waits for one.
 */
final class DemoProcess {
    /** After SIGTERM a program gets this long to leave cleanly before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final String label;
    private final Process process;
    private final Path portFile;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();
    private boolean outputEnded;
    private boolean stopRequested;
    private boolean frozen;
    private int shown;

    private DemoProcess(String label, Process process, Path portFile) {
        this.label = label;
        this.process = process;
        this.portFile = portFile;
        this.reader = Thread.ofPlatform().daemon().name("output of " + label).start(this::collectOutput);
    }

    /**
     * Starts {@code command} in {@code directory} with {@code environment} added to the demo's own, stderr merged
     * into stdout so that the lines keep the order the program wrote them in. The command writes its port to
     * {@code portFile} once it listens ({@code --port-file}); one left from an earlier start is deleted first.
     */
    static DemoProcess start(String label, List<String> command, Path directory, Map<String, String> environment,
                             Path portFile) throws IOException {
        Files.deleteIfExists(portFile);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new DemoProcess(label, builder.start(), portFile);
    }

    /**
     * Waits until the program has written its port file and returns the port; fails with its last lines when it
     * exits first or {@code timeout} passes ({@link PortFiles#awaitPort}).
     */
    int awaitPort(Duration timeout) throws IOException {
        return PortFiles.awaitPort(label, process, portFile, timeout, () -> linesFrom(0));
    }

    String label() {
        return label;
    }

    private void collectOutput() {
        try (BufferedReader output = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = output.readLine(); line != null; line = output.readLine()) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // The process is gone; what it printed is kept.
        } finally {
            synchronized (this) {
                outputEnded = true;
                notifyAll();
            }
        }
    }

    /** The number of lines collected so far: a mark to search or show from. */
    synchronized int mark() {
        return lines.size();
    }

    /** The lines collected from {@code mark} on. */
    synchronized List<String> linesFrom(int mark) {
        return List.copyOf(lines.subList(mark, lines.size()));
    }

    /** The lines not yet shown, which from now on count as shown. */
    synchronized List<String> takeUnshown() {
        List<String> unshown = List.copyOf(lines.subList(shown, lines.size()));
        shown = lines.size();
        return unshown;
    }

    /**
     * Waits for the first line from {@code mark} on that matches {@code pattern}: until it comes, the output ends
     * (the program exited) or {@code timeout} passes, whichever is first.
     */
    synchronized Optional<Matcher> awaitLine(Pattern pattern, int mark, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int next = mark;
        while (true) {
            for (; next < lines.size(); next++) {
                Matcher matcher = pattern.matcher(lines.get(next));
                if (matcher.find()) {
                    return Optional.of(matcher);
                }
            }
            long left = deadline - System.nanoTime();
            if (outputEnded || left <= 0) {
                return Optional.empty();
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Types one command into the program, as a user at its stdin would. */
    void send(String command) throws IOException {
        OutputStream stdin = process.getOutputStream();
        stdin.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Ends the program's stdin, as the end of a piped script does. */
    void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the program to exit and its last output to be collected; empty if it is still running. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.empty();
        }
        reader.join(STOP_GRACE);
        return OptionalInt.of(process.exitValue());
    }

    /** The exit status if the program has exited. */
    OptionalInt exitStatus() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** SIGTERM, so that the program leaves cleanly; waits the grace time for it to exit. */
    OptionalInt terminate() throws InterruptedException {
        requestStop();
        return awaitExit(STOP_GRACE);
    }

    /**
     * SIGTERM without waiting, so that several programs can leave at the same time. Sent through the process's
     * handle: {@link Process#destroy()} would also close the pipes and lose what the program prints as it leaves.
     * A frozen program is thawed too, since it would only take the signal once it runs again.
     */
    void requestStop() {
        boolean thaw;
        synchronized (this) {
            if (stopRequested) {
                return;
            }
            stopRequested = true;
            thaw = frozen;
        }
        process.toHandle().destroy();
        if (thaw) {
            try {
                thaw();
            } catch (IOException e) {
                // The stop's grace time runs out, and SIGKILL ends it frozen or not.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * SIGKILL, as a crash or the kernel's out-of-memory killer ends a program: it cleans nothing up. Sent through
     * the process's handle, for the reason {@link #requestStop()} gives; waits for it to exit and answers its
     * status (137, 128 + 9, when the signal ended it).
     */
    OptionalInt kill() throws InterruptedException {
        synchronized (this) {
            stopRequested = true;
        }
        process.toHandle().destroyForcibly();
        return awaitExit(STOP_GRACE);
    }

    /** SIGSTOP: the program stands still, its sockets open, as a process the machine stopped scheduling would. */
    void freeze() throws IOException, InterruptedException {
        signal("STOP");
        synchronized (this) {
            frozen = true;
        }
    }

    /** SIGCONT: a frozen program runs again from where it stood. */
    void thaw() throws IOException, InterruptedException {
        signal("CONT");
        synchronized (this) {
            frozen = false;
        }
    }

    /** Sends the signal {@code name} with the shell's kill, as the JDK has no way to send any but TERM and KILL. */
    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("sh", "-c", "kill -s \"$1\" \"$2\"", "sh", name, Long.toString(pid()))
                .redirectErrorStream(true).start();
        kill.getOutputStream().close();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -s " + name + " " + pid() + " failed: " + output);
        }
    }

    /** Ends the program however it must, and waits for it: the cleanup that always runs. */
    void stop() {
        if (!process.isAlive()) {
            return;
        }
        try {
            if (terminate().isEmpty()) {
                process.destroyForcibly().waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }
}
