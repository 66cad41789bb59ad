package net.p2pci.peer;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code java -jar} process started by a test: its stdout and stderr go to files, its stdin stays open until the
 * test closes it, and {@link #close()} kills it by its PID and waits, so no process outlives a test.
 *
 * <p>The output goes to files rather than pipes because the JDK closes a pipe's stream under a reader that is
 * blocked on it when the child exits, and a file also keeps what a killed process printed.
 */
public final class ChildProcess implements AutoCloseable {
    /** A JVM starts and binds its ports in about a second here; this leaves room for a busy two-core machine. */
    public static final Duration STARTUP_DEADLINE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path outputDirectory;
    private final Path stdout;
    private final Path stderr;

    private ChildProcess(String name, Process process, Path outputDirectory) {
        this.name = name;
        this.process = process;
        this.outputDirectory = outputDirectory;
        this.stdout = outputDirectory.resolve("stdout");
        this.stderr = outputDirectory.resolve("stderr");
    }

    /** Starts {@code java -jar jar args} with the test JVM's own java binary. */
    public static ChildProcess startJar(String name, Path jar, List<String> args) throws IOException {
        return startJar(name, jar, List.of(), args);
    }

    /** Starts {@code java [jvmOptions] -jar jar args} with the test JVM's own java binary. */
    public static ChildProcess startJar(String name, Path jar, List<String> jvmOptions, List<String> args)
            throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: integration tests run after 'mvn package'");
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Path outputDirectory = Files.createTempDirectory("child-process-");
        Process process = new ProcessBuilder(command)
                .redirectOutput(outputDirectory.resolve("stdout").toFile())
                .redirectError(outputDirectory.resolve("stderr").toFile())
                .start();
        return new ChildProcess(name, process, outputDirectory);
    }

    public static Path jar(String module, String name) {
        return SampleRfcs.repositoryRoot().resolve(module).resolve("target").resolve(name);
    }

    /**
     * The complete lines of an output file. While the process runs, a last line without its line end may still be
     * growing, so it is left out: a port number read from it could be cut short.
     */
    private List<String> completeLines(Path file) {
        boolean finished = !process.isAlive(); // asked first: once it is true, the file read is the whole output
        String text;
        try {
            // Decoded leniently: a character may be half written.
            text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int end = finished ? text.length() : text.lastIndexOf('\n') + 1;
        return text.substring(0, end).lines().toList();
    }

    /** Waits until a stdout line matches and returns the match, so that groups (a port, say) can be read. */
    public Matcher awaitLine(Pattern pattern, Duration deadline) {
        return await(name + " prints " + pattern).atMost(deadline).pollInterval(Duration.ofMillis(50))
                .until(() -> findLine(pattern), Optional::isPresent).orElseThrow();
    }

    public Matcher awaitLine(Pattern pattern) {
        return awaitLine(pattern, STARTUP_DEADLINE);
    }

    public Optional<Matcher> findLine(Pattern pattern) {
        for (String line : lines()) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return Optional.of(matcher);
            }
        }
        return Optional.empty();
    }

    /** Writes one line to the process's stdin. */
    public void send(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Ends the process's stdin, as the end of a piped script does. */
    public void closeInput() throws IOException {
        process.getOutputStream().close();
    }

    /** Waits for the process to exit by itself. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + deadline + "; it printed:\n" + output()
                    + "\nand on stderr:\n" + errors());
        }
        return process.exitValue();
    }

    /** SIGKILL: the process gets no chance to clean up, as in a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM: the process's shutdown hooks run. */
    public int terminate(Duration deadline) throws InterruptedException {
        process.destroy();
        return awaitExit(deadline);
    }

    public long pid() {
        return process.pid();
    }

    public List<String> lines() {
        return completeLines(stdout);
    }

    public String output() {
        return String.join("\n", lines());
    }

    public String errors() {
        return String.join("\n", completeLines(stderr));
    }

    /** Kills the process if it still runs, waits for it, and deletes its output files. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        try {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(outputDirectory);
        } catch (IOException e) {
            // A temporary file left behind harms nothing.
        }
    }
}
