package net.p2pci.checker;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts the peer under test as a process and drives it through its stdin with rfc-peer's commands
 * ({@code LOOKUP n}, {@code LIST}, {@code GET n}), one line each. Its output goes to a file, named in the report
 * when something fails. The process is killed at the end of the run, by its own handle.
 */
final class ScriptedPeer implements PeerDriver {
    /** A JVM peer starts and registers within seconds; a busy machine gets room. */
    static final long STARTUP_MILLIS = 30_000;

    private final List<String> command;
    private final long commandMillis;
    private Process process;
    private OutputStream stdin;
    private Path output;

    /** {@code commandLine} split at spaces; {@code {server}} in it becomes the checker's index address. */
    ScriptedPeer(String commandLine, Timing timing) {
        this.command = Arrays.stream(commandLine.strip().split(" +")).toList();
        this.commandMillis = Math.max(timing.timeout().toMillis() * 2, 5_000);
    }

    @Override
    public void start(String server) throws IOException {
        output = Files.createTempFile("p2pci-check-peer-", ".log");
        process = new ProcessBuilder(command.stream().map(word -> word.replace("{server}", server)).toList())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        stdin = process.getOutputStream();
    }

    private void send(String line) throws IOException {
        if (!process.isAlive()) {
            throw new IOException("the peer process has exited (status " + process.exitValue() + "); its output is in "
                    + output);
        }
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    @Override
    public void lookup(int number) throws IOException {
        send("LOOKUP " + number);
    }

    @Override
    public void list() throws IOException {
        send("LIST");
    }

    @Override
    public void get(int number) throws IOException {
        send("GET " + number);
    }

    @Override
    public long startupMillis() {
        return STARTUP_MILLIS;
    }

    @Override
    public long commandMillis() {
        return commandMillis;
    }

    /** Where the peer's output went. */
    File output() {
        return output.toFile();
    }

    @Override
    public void close() throws IOException {
        if (process == null) {
            return;
        }
        try {
            stdin.close(); // the end of its script: a shell peer leaves by itself
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
