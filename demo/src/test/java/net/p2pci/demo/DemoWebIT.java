package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/demo --web as a user runs it: the classic demo with the index server's dashboard and each peer's page on,
 * whose addresses it prints and whose answers it checks; the test holds it to its exit status and its transcript.
 */
class DemoWebIT {
    /** The demo takes about 15 s on an idle 2-core machine; the rest is load. */
    private static final Duration RUN_DEADLINE = Duration.ofMinutes(2);

    @TempDir
    Path work;

    @Test
    void withWebEveryPageIsPrintedAndAnswersAndEveryCheckHolds() throws Exception {
        LauncherRun run = LauncherRun.run("demo", List.of("--web", "--pace", "0"), Map.of(), work, RUN_DEADLINE);

        assertThat(run.status()).as(run.transcript()).isZero();
        assertThat(run.transcript())
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
}
