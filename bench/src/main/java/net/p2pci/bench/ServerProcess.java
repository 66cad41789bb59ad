package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.testsupport.ProgramProcess;

/**
 * The ci-server under test, run as a process of its own (through its launcher, as users run it, or from a jar), so
 * that its heap and resident memory can be measured apart from the load generator's. It listens on a free port of
 * 127.0.0.1 only; its output goes to a file. Used by one thread.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)\\s*$");
    private static final Pattern VM_RSS = Pattern.compile("(?m)^VmRSS:\\s+(\\d+) kB");
    /** A cold JVM on a busy 2-core machine starts in a few seconds; far past that, something is wrong. */
    private static final Duration START_DEADLINE = Duration.ofSeconds(60);
    /** SIGTERM closes every connection first; with 10,000 peers that takes a few seconds. */
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    private static final Duration JCMD_DEADLINE = Duration.ofSeconds(120);

    private final ProgramProcess program;
    private final Process process;
    private final InetSocketAddress address;

    private ServerProcess(ProgramProcess program, InetSocketAddress address) {
        this.program = program;
        this.process = program.process();
        this.address = address;
    }

    /**
     * The server's per-peer record limit for a run. ADD load and the load-dir warm-up ADD new RFCs for as long as they
     * run; the default limit (20,000), a guard against one peer filling the index, would turn a fast run's ADDs
     * into 400s. The check is made on every ADD either way.
     */
    private static final int MAX_RECORDS_PER_PEER = 100_000_000;

    /** Starts {@code java [jvmOptions] -jar jar} as {@link #start(Optional, Path, List, Path)} does. */
    static ServerProcess start(Path jar, List<String> jvmOptions, Path output) throws IOException {
        return start(Optional.empty(), jar, jvmOptions, output);
    }

    /**
     * Starts the server with {@code --port 0 --bind 127.0.0.1 --max-records-per-peer N}, through its launcher when
     * there is one, else from the jar ({@link Jvm#program}), and waits until it has written its port file.
     */
    static ServerProcess start(Optional<Path> launcher, Path jar, List<String> jvmOptions, Path output)
            throws IOException {
        return start(launcher, jar, jvmOptions, Optional.empty(), output);
    }

    /**
     * As {@link #start(Optional, Path, List, Path)}, keeping the index in {@code database} when one is given (a
     * shared store, which other instances may share) instead of the server's own H2.
     */
    static ServerProcess start(Optional<Path> launcher, Path jar, List<String> jvmOptions,
            Optional<StoreSetup.Database> database, Path output) throws IOException {
        ProcessBuilder builder = Jvm.program(launcher, jar, jvmOptions);
        builder.command().addAll(List.of("--port", "0", "--bind", "127.0.0.1",
                "--max-records-per-peer", Integer.toString(MAX_RECORDS_PER_PEER)));
        if (database.isPresent()) {
            builder.command().addAll(database.get().serverArguments());
            builder.environment().putAll(database.get().serverEnvironment());
        }
        ProgramProcess program = ProgramProcess.start("the server", builder.redirectErrorStream(true), output);
        try {
            int port = program.awaitPort(START_DEADLINE);
            return new ServerProcess(program, new InetSocketAddress("127.0.0.1", port));
        } catch (IOException | RuntimeException e) {
            program.stop(STOP_DEADLINE);
            throw e;
        }
    }

    InetSocketAddress address() {
        return address;
    }

    long pid() {
        return process.pid();
    }

    Path output() {
        return program.output();
    }

    /**
     * Bytes of live objects in the server's heap, from {@code jcmd GC.class_histogram}, which runs a full GC first
     * and so counts only what is reachable.
     */
    long liveHeapBytes() throws IOException {
        Matcher total = HISTOGRAM_TOTAL.matcher(classHistogram());
        if (!total.find()) {
            throw new IOException("jcmd GC.class_histogram printed no Total line");
        }
        return Long.parseLong(total.group(2));
    }

    /** The first {@code lines} lines of the live-object class histogram, biggest first. */
    String classHistogramTop(int lines) throws IOException {
        return classHistogram().lines().limit(lines + 3L).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    private String classHistogram() throws IOException {
        Process jcmd = new ProcessBuilder(Jvm.jcmdCommand(), Long.toString(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!jcmd.waitFor(JCMD_DEADLINE.toSeconds(), TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
                throw new IOException("jcmd GC.class_histogram failed: " + text.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for jcmd", e);
        } finally {
            jcmd.destroyForcibly();
        }
        return text;
    }

    /** The server's resident set size, from /proc. */
    long residentBytes() throws IOException {
        Matcher rss = VM_RSS.matcher(Files.readString(Path.of("/proc", Long.toString(process.pid()), "status")));
        if (!rss.find()) {
            throw new IOException("no VmRSS in /proc/" + process.pid() + "/status");
        }
        return Long.parseLong(rss.group(1)) * 1024;
    }

    /** Stops the server with SIGTERM, or SIGKILL when it does not exit in time. */
    @Override
    public void close() {
        program.stop(STOP_DEADLINE);
    }
}
