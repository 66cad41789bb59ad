package net.p2pci.peer;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.p2pci.testsupport.ClassArchive;
import net.p2pci.testsupport.ProgramProcess;
import net.p2pci.testsupport.Programs;

/**
 * A {@code java -jar} process started by a test through {@link ProgramProcess}: its stdout and stderr go to files of
 * their own, its stdin stays open until the test closes it, and {@link #close()} kills it by its PID and waits, so
 * no process outlives a test.
 */
public final class ChildProcess implements AutoCloseable {
    /** A JVM starts and binds its ports in about a second here; this leaves room for a busy two-core machine. */
    public static final Duration STARTUP_DEADLINE = Duration.ofSeconds(30);

    private final String name;
    private final ProgramProcess program;
    private final Process process;
    private final Path outputDirectory;

    private ChildProcess(String name, ProgramProcess program, Path outputDirectory) {
        this.name = name;
        this.program = program;
        this.process = program.process();
        this.outputDirectory = outputDirectory;
    }

    /** Starts {@code java [jvmOptions] -jar JAR args} with the test JVM's own java, JAR being {@code module}'s. */
    public static ChildProcess startJar(String name, String module, List<String> jvmOptions, List<String> args)
            throws IOException {
        Path jar = Programs.jar(SampleRfcs.repositoryRoot(), module);
        return start(name, jar, ClassArchive.forJar(jar), jvmOptions, args);
    }

    /** As {@link #startJar}, for a process whose exit the test times (see {@link ClassArchive#forTimedExit}). */
    public static ChildProcess startTimedJar(String name, String module, List<String> jvmOptions, List<String> args)
            throws IOException {
        Path jar = Programs.jar(SampleRfcs.repositoryRoot(), module);
        return start(name, jar, ClassArchive.forTimedExit(jar), jvmOptions, args);
    }

    private static ChildProcess start(String name, Path jar, ClassArchive.Use archive, List<String> jvmOptions,
                                      List<String> args) throws IOException {
        Path outputDirectory = Files.createTempDirectory("child-process-");
        List<String> options = Stream.concat(archive.jvmOptions().stream(), jvmOptions.stream()).toList();
        ProgramProcess program = ProgramProcess.start(name, Programs.javaJar(jar, options, args),
                outputDirectory.resolve("stdout"));
        program.process().onExit().thenAccept(exited -> archive.afterExit().accept(exited.exitValue()));
        return new ChildProcess(name, program, outputDirectory);
    }

    /** Waits until the program has written its port file and returns the port it listens on. */
    public int awaitPort() throws IOException {
        return program.awaitPort(STARTUP_DEADLINE);
    }

    /** The file the program writes its port to, once it listens. */
    public Path portFile() {
        return program.portFile();
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

    /** The complete lines of stdout so far. */
    public List<String> lines() {
        return program.lines();
    }

    public String output() {
        return String.join("\n", lines());
    }

    public String errors() {
        return String.join("\n", program.errorLines());
    }

    /** Kills the process if it still runs, waits for it, and deletes its output files. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        try {
            program.deleteFiles();
            Files.deleteIfExists(outputDirectory);
        } catch (IOException e) {
            // A temporary file left behind harms nothing.
        }
    }
}
