package net.p2pci.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Waiting for a real child process's port file: the port once it is whole, the output when it never comes. */
class ProgramProcessTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    @TempDir
    Path directory;

    /** {@code sh -c script}, which sees the added {@code --port-file PATH} as $1 and $2. */
    private ProgramProcess startShell(String script) throws IOException {
        return ProgramProcess.start("sh", new ProcessBuilder("sh", "-c", script, "sh"), directory.resolve("out"));
    }

    @Test
    void thePortIsReadOnceTheProgramHasMovedItsPortFileIntoPlace() throws Exception {
        ProgramProcess program = startShell("echo starting; printf '4242\\n' > \"$2.tmp\"; mv \"$2.tmp\" \"$2\";"
                + " exec sleep 30");
        try {
            assertThat(program.awaitPort(DEADLINE)).isEqualTo(4242);
            assertThat(program.portFile()).hasFileName("out.port");
        } finally {
            program.stop(STOP_GRACE);
        }
        assertThat(program.lines()).containsExactly("starting");
    }

    @Test
    void aProgramThatExitsFirstFailsTheWaitWithItsStatusAndLastLines() throws Exception {
        ProgramProcess program = startShell("echo cannot listen; echo on stderr >&2; exit 3");

        assertThatThrownBy(() -> program.awaitPort(DEADLINE)).isInstanceOf(IOException.class)
                .hasMessageStartingWith("sh exited with status 3 before it wrote its port file")
                .hasMessageContaining("cannot listen").hasMessageContaining("on stderr");
        assertThat(program.errorLines()).containsExactly("on stderr");
    }

    @Test
    void aProgramThatWritesNoPortFileFailsTheWaitAtTheDeadline() throws Exception {
        ProgramProcess program = startShell("echo still starting; exec sleep 30");
        try {
            assertThatThrownBy(() -> program.awaitPort(Duration.ofMillis(300))).isInstanceOf(IOException.class)
                    .hasMessageContaining("sh wrote no port to " + program.portFile())
                    .hasMessageEndingWith("its last lines:\nstill starting");
        } finally {
            program.stop(STOP_GRACE);
        }
        assertThat(program.process().isAlive()).isFalse();
    }

    @Test
    void aPortFileLeftByAnEarlierRunIsNotTakenForThisOne() throws Exception {
        Files.writeString(directory.resolve("out.port"), "1234\n");
        ProgramProcess program = startShell("exit 0");

        assertThatThrownBy(() -> program.awaitPort(DEADLINE)).hasMessageContaining("exited with status 0");
    }

    @Test
    void aPortFileIsReadOnlyWhenItHoldsAWholeLine() throws Exception {
        Path portFile = directory.resolve("port");
        assertThat(PortFiles.read(portFile)).isEmpty();
        Files.writeString(portFile, "424");
        assertThat(PortFiles.read(portFile)).isEmpty();
        Files.writeString(portFile, "4242\n");
        assertThat(PortFiles.read(portFile)).hasValue(4242);
    }
}
