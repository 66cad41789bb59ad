package net.p2pci.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The CPU time (user plus system) a server process and its descendants have used so far, from /proc/PID/stat, so
 * that a run can report the server's cost per request beside its throughput. Descendants count because nginx
 * serves from worker processes under its master. Immutable; safe to share.
 */
final class ProcessCpu {
    /** Linux's USER_HZ on every common architecture, used when {@code getconf} cannot be run. */
    private static final long DEFAULT_CLOCK_TICKS_PER_SECOND = 100;
    private static final long GETCONF_DEADLINE_SECONDS = 10;
    /** Fields after the command's closing parenthesis of /proc/PID/stat: state is 0, utime 11, stime 12. */
    private static final int UTIME_FIELD = 11;
    private static final int STIME_FIELD = 12;
    private static volatile long clockTicksPerSecond;

    private final long pid;

    private ProcessCpu(long pid) {
        this.pid = pid;
    }

    static ProcessCpu of(long pid) {
        return new ProcessCpu(pid);
    }

    long pid() {
        return pid;
    }

    /**
     * Clock ticks of CPU time used by the process and every live descendant. A descendant that exits between two
     * samples takes its ticks with it; the servers measured keep theirs for the whole run.
     */
    long ticks() throws IOException {
        long total = 0;
        List<Long> pending = new ArrayList<>(List.of(pid));
        while (!pending.isEmpty()) {
            long next = pending.removeLast();
            total += ownTicks(next);
            pending.addAll(children(next));
        }
        return total;
    }

    /** Seconds of CPU time in {@code ticks}, at this machine's clock-tick rate. */
    static double seconds(long ticks) {
        return (double) ticks / clockTicksPerSecond();
    }

    /** The kernel's clock ticks per second ({@code getconf CLK_TCK}), read once. */
    static long clockTicksPerSecond() {
        if (clockTicksPerSecond == 0) {
            clockTicksPerSecond = readClockTicks();
        }
        return clockTicksPerSecond;
    }

    static long ownTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name is in parentheses and may itself hold spaces or parentheses: split after the last one.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).strip().split(" ");
        return Long.parseLong(fields[UTIME_FIELD]) + Long.parseLong(fields[STIME_FIELD]);
    }

    private static List<Long> children(long pid) throws IOException {
        Path tasks = Path.of("/proc", Long.toString(pid), "task");
        List<Long> children = new ArrayList<>();
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    for (String child : Files.readString(thread.resolve("children")).split("\\s+")) {
                        if (!child.isEmpty()) {
                            children.add(Long.parseLong(child));
                        }
                    }
                } catch (NoSuchFileException e) {
                    // the thread ended while being listed
                }
            }
        }
        return children;
    }

    private static long readClockTicks() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String text = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            if (getconf.waitFor(GETCONF_DEADLINE_SECONDS, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return Long.parseLong(text);
            }
        } catch (IOException | NumberFormatException e) {
            // fall back below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return DEFAULT_CLOCK_TICKS_PER_SECOND;
    }
}
