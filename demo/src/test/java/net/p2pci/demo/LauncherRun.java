package net.p2pci.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A demo's launcher (bin/demo, bin/cluster-demo) run as a user runs it, a process whose exit status and transcript a
 * test holds it to.
 *
 * @param status     how the demo exited
 * @param transcript everything it printed, stdout and stderr together
 */
record LauncherRun(int status, String transcript) {
    /** After SIGTERM the demo stops what it started, each program within a few seconds, then exits. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

    /**
     * Runs {@code bin/<launcher> args} with the test's JDK and {@code environment}, its stdin closed; one that has
     * not finished within {@code deadline} is stopped with SIGTERM, as on Ctrl-C, and fails the test.
     */
    static LauncherRun run(String launcher, List<String> args, Map<String, String> environment, Path work,
                           Duration deadline) throws IOException, InterruptedException {
        Path output = work.resolve("transcript.txt");
        List<String> command = new ArrayList<>(List.of(Path.of("..", "bin", launcher).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The JDK running the tests, which the launcher takes when it is 21 or newer.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(environment);
        Process demo = builder.start();
        demo.getOutputStream().close();
        if (!demo.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
            demo.destroy(); // SIGTERM, so that the demo stops its programs as on Ctrl-C
            if (!demo.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                demo.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("bin/" + launcher + " did not finish within " + deadline.toSeconds()
                    + " s; its transcript:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new LauncherRun(demo.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }
}
