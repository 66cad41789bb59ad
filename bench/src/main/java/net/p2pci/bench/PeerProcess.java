package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.peer.PeerOptions;
import net.p2pci.testsupport.ProgramProcess;

/**
 * An rfc-peer under test, run as users run it, through its launcher (or from a jar given instead): it shares a
 * directory, registers it with the index server and serves its files from its upload server until stopped. Its
 * commands come from a pipe that stays open, so it runs until {@link #close()}. Used by one thread.
 */
final class PeerProcess implements AutoCloseable {
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);

    private final ProgramProcess program;
    private final Process process;

    private PeerProcess(ProgramProcess program) {
        this.program = program;
        this.process = program.process();
    }

    /**
     * Starts the peer with {@code --server SERVER --dir DIRECTORY --host 127.0.0.1}, registering under the loopback
     * address so that downloads stay on this machine, through its launcher or from its jar ({@link Jvm#program}),
     * and with {@code --max-file-mib 1024}, so that it offers the 1 GiB files of get-large and multi-source (its
     * default cap is 64 MiB). Returns at once; the peer registers its files on its own.
     */
    static PeerProcess start(Settings settings, InetSocketAddress server, Path directory, Path output)
            throws IOException {
        ProcessBuilder builder = Jvm.program(settings.peerLauncher(), settings.peerJar(), settings.peerJvmOptions());
        builder.command().addAll(List.of("--server", server.getAddress().getHostAddress() + ":" + server.getPort(),
                "--dir", directory.toString(), "--host", "127.0.0.1", "--max-file-mib",
                Long.toString(PeerOptions.MAX_FILE_MIB)));
        return new PeerProcess(ProgramProcess.start("the peer", builder.redirectErrorStream(true), output));
    }

    /** Waits until the peer has written its upload server's port file, and returns that endpoint on 127.0.0.1. */
    InetSocketAddress awaitUploadServer() throws IOException {
        return new InetSocketAddress("127.0.0.1", program.awaitPort(START_DEADLINE));
    }

    /** Kills the peer with SIGKILL, as a machine that dies: no goodbye to the index, connections just end. */
    void kill() {
        process.destroyForcibly();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Closes its command pipe (the peer leaves the index and exits), then SIGTERM and SIGKILL if need be. */
    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            process.waitFor(STOP_DEADLINE.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (IOException e) {
            // the pipe is gone already; the signals below still stop it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        program.stop(STOP_DEADLINE);
    }
}
