package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose threads all run out of memory at once still says why it ends: the first to fail writes the fatal
 * line before any of them halts the process. Before, a thread that failed a moment after the first could halt the
 * process while the first waited for stderr's lock, and the server ended with status 70 and not a word.
 */
final class FatalErrorsProcessIT {
    @TempDir
    Path work;

    @RepeatedTest(5)
    void everyThreadFailingAtOnceStillLeavesTheFatalLineOnceAndTheStatus() throws Exception {
        Path output = work.resolve("out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process race = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                FatalHaltRace.class.getName()).redirectErrorStream(true).redirectOutput(output.toFile()).start();

        assertThat(race.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(race.exitValue()).as("exit status; output %s", lines).isEqualTo(FatalErrors.EXIT_STATUS);
        assertThat(lines).filteredOn(line -> line.startsWith("ci-server: fatal error")).hasSize(1);
    }
}
