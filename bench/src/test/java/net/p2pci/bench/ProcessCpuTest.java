package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The server CPU figures: read from /proc as the JDK reads them, and a process's descendants count with it. */
class ProcessCpuTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void clockTicksComeFromGetconf() {
        assertThat(ProcessCpu.clockTicksPerSecond()).isPositive();
    }

    /** The JDK reads the same counters for ProcessHandle; a reading of ours falls between two of its. */
    @Test
    void ownTicksAgreeWithTheJdksCpuDuration() throws IOException {
        long pid = ProcessHandle.current().pid();
        long tickNanos = 1_000_000_000L / ProcessCpu.clockTicksPerSecond();

        long before = jdkCpuNanos();
        long ours = ProcessCpu.ownTicks(pid) * tickNanos;
        long after = jdkCpuNanos();

        assertThat(ours).isBetween(before - tickNanos, after + tickNanos);
    }

    /** nginx serves from workers under its master: a busy child's ticks count for the parent given. */
    @Test
    void aBusyChildCountsForItsParent() throws IOException {
        Process parent = new ProcessBuilder("sh", "-c", "sh -c 'while :; do :; done' & wait").start();
        try {
            ProcessCpu cpu = ProcessCpu.of(parent.pid());
            long parentAlone = ProcessCpu.ownTicks(parent.pid());
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (cpu.ticks() <= parentAlone + 2) {
                assertThat(System.nanoTime()).as("the busy child's ticks never counted").isLessThan(deadline);
                Thread.onSpinWait();
            }
            assertThat(ProcessCpu.ownTicks(parent.pid())).isLessThan(cpu.ticks());
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }

    private static long jdkCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }
}
