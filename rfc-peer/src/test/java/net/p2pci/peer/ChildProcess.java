package net.p2pci.peer;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code java -jar} process started by a test: its stdout and stderr are collected line by line, its stdin stays
 * open until the test closes it, and {@link #close()} kills it by its PID and waits, so no process outlives a test.
 */
public final class ChildProcess implements AutoCloseable {
    /** A JVM starts and binds its ports in about a second here; this leaves room for a busy two-core machine. */
    public static final Duration STARTUP_DEADLINE = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final List<String> stdout = new CopyOnWriteArrayList<>();
    private final List<String> stderr = new CopyOnWriteArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private ChildProcess(String name, Process process) {
        this.name = name;
        this.process = process;
        this.stdoutReader = Thread.ofVirtual().start(() -> collect(process.getInputStream(), stdout));
        this.stderrReader = Thread.ofVirtual().start(() -> collect(process.getErrorStream(), stderr));
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
        return new ChildProcess(name, new ProcessBuilder(command).start());
    }

    public static Path jar(String module, String name) {
        return SampleRfcs.repositoryRoot().resolve(module).resolve("target").resolve(name);
    }

    private static void collect(InputStream stream, List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException e) {
            // The process is gone; what it printed so far is kept.
        }
    }

    /** Waits until a stdout line matches and returns the match, so that groups (a port, say) can be read. */
    public Matcher awaitLine(Pattern pattern, Duration deadline) {
        return await(name + " prints " + pattern).atMost(deadline).pollInterval(Duration.ofMillis(20))
                .until(() -> findLine(pattern), Optional::isPresent).orElseThrow();
    }

    public Matcher awaitLine(Pattern pattern) {
        return awaitLine(pattern, STARTUP_DEADLINE);
    }

    public Optional<Matcher> findLine(Pattern pattern) {
        for (String line : stdout) {
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

    /** Waits for the process to exit by itself, and for all its output to be collected. */
    public int awaitExit(Duration deadline) throws InterruptedException {
        if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + deadline + "; it printed:\n" + output()
                    + "\nand on stderr:\n" + errors());
        }
        stdoutReader.join(Duration.ofSeconds(5));
        stderrReader.join(Duration.ofSeconds(5));
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
        return List.copyOf(stdout);
    }

    public String output() {
        return String.join("\n", stdout);
    }

    public String errors() {
        return String.join("\n", stderr);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }
}
