package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/demo --web as a user runs it: the classic demo with the index server's dashboard and each peer's page on,
 * whose addresses it prints and whose answers it checks; the test holds it to its exit status and its transcript.
 */
class DemoWebIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "demo");
    /** The demo takes about 15 s on an idle 2-core machine; the rest is load. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(2);
    /** After SIGTERM the demo stops what it started, each program within a few seconds, then exits. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void withWebEveryPeersPageIsPrintedAndAnswersAndEveryCheckHolds() throws Exception {
        Path output = work.resolve("transcript.txt");
        int status = runDemo(output, List.of("--web", "--pace", "0"));
        String transcript = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(status).as(transcript).isZero();
        assertThat(transcript)
                .containsPattern("(?m)^The index server's dashboard \\(open it to watch peers join, add and leave\\):"
                        + " http://127\\.0\\.0\\.1:\\d+/$")
                .containsPattern("(?m)^✔ the dashboard answers at http://127\\.0\\.0\\.1:\\d+/$")
                .contains("The peers' pages (open them to watch each peer's index, downloads and transcript live):")
                .containsPattern("(?m)^  peer A: http://127\\.0\\.0\\.1:\\d+/$")
                .containsPattern("(?m)^  peer C: http://127\\.0\\.0\\.1:\\d+/$")
                .contains("✔ peer B's page answers with its RFCs 793, 959, 1945, 9110")
                .containsPattern("All \\d+ checks passed in \\d+\\.\\d s\\.")
                .doesNotContainPattern("(?m)^✘ ");
    }

    private static int runDemo(Path output, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        // The JDK running the tests, which the launcher takes when it is 21 or newer.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process demo = builder.start();
        demo.getOutputStream().close();
        if (!demo.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            demo.destroy(); // SIGTERM, so that the demo stops its programs as on Ctrl-C
            if (!demo.waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                demo.destroyForcibly().waitFor(STOP_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("bin/demo did not finish within " + RUN_DEADLINE.toSeconds()
                    + " s; its transcript:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return demo.exitValue();
    }
}
