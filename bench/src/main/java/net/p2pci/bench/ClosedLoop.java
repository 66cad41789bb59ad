package net.p2pci.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * The closed loop every load scenario runs, whatever the protocol: W workers, each on a virtual thread of its own,
 * each sending one request at a time and waiting for its answer before the next; requests begun in the measured
 * phase and answered right have their latency recorded. The server's CPU time is read at both ends of the measured
 * phase. Scenarios differ only in their {@link Step}: the bytes written and how the answer is read and checked.
 */
final class ClosedLoop {
    /** Latencies above this are clamped: nothing on loopback should take a minute. */
    static final long HIGHEST_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    /** Whether a worker keeps one connection (an I/O error ends it) or opens one per request (it carries on). */
    enum Connections { PERSISTENT, PER_REQUEST }

    /** One request and the check of its answer, on one worker's thread. */
    @FunctionalInterface
    interface Step {
        /** Sends one request and checks its answer; {@code measured} says whether it falls in the measured phase. */
        void perform(boolean measured) throws IOException, WrongAnswer;
    }

    /**
     * How long the loop runs: {@code warmup} unmeasured, then {@code duration} measured; workers still in a request
     * at the end get {@code grace} to finish it. With {@code untilOneDone} (a single stream of large files) a worker
     * carries on past the end, within the grace, until one request of it has been measured.
     */
    record Phases(Duration warmup, Duration duration, Duration grace, boolean untilOneDone) {
        static Phases of(Duration warmup, Duration duration) {
            return new Phases(warmup, duration, WireConnection.READ_TIMEOUT.multipliedBy(2), false);
        }
    }

    /**
     * What the measured phase saw: the latencies in nanoseconds of the requests begun in it and answered right, each
     * worker's count of them (0 for a lost one), the workers lost to I/O errors, and the server's CPU ticks over the
     * phase when its process was known.
     */
    record Measured(Histogram latencies, long[] requestsByWorker, double seconds, int workersLost,
                    OptionalLong serverCpuTicks) {
        long requests() {
            return latencies.getTotalCount();
        }

        double perSecond() {
            return requests() / seconds;
        }
    }

    private ClosedLoop() {
    }

    static Histogram newHistogram() {
        return new Histogram(1, HIGHEST_TRACKED_NANOS, SIGNIFICANT_DIGITS);
    }

    /**
     * Runs {@code workers} workers, worker {@code i} performing {@code steps.apply(i)} back to back, through
     * {@code phases}; errors are counted in {@code errors} by kind; {@code server}'s CPU time is read when the
     * measured phase begins and when it ends.
     */
    static Measured run(int workers, IntFunction<Step> steps, Connections connections, Phases phases, Errors errors,
                        Optional<ProcessCpu> server) {
        long start = System.nanoTime();
        long measureFrom = start + phases.warmup().toNanos();
        long end = measureFrom + phases.duration().toNanos();
        Histogram latencies = newHistogram();
        long[] requestsByWorker = new long[workers];
        int lost = 0;
        OptionalLong cpuTicks = OptionalLong.empty();
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Histogram>> running = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                Step step = steps.apply(i);
                running.add(threads.submit(() -> work(step, connections, phases, measureFrom, end, errors)));
            }
            if (server.isPresent()) {
                cpuTicks = cpuTicksBetween(server.get(), measureFrom, end, errors);
            }
            long joinDeadline = end + phases.grace().toNanos();
            for (int i = 0; i < workers; i++) {
                try {
                    Histogram worker = running.get(i).get(Math.max(1, joinDeadline - System.nanoTime()),
                            TimeUnit.NANOSECONDS);
                    if (worker == null) {
                        lost++;
                    } else {
                        latencies.add(worker);
                        requestsByWorker[i] = worker.getTotalCount();
                    }
                } catch (ExecutionException | TimeoutException e) {
                    errors.count("worker:" + e.getClass().getSimpleName());
                    lost++;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        } finally {
            // Not close(), which would wait for a worker stuck past the deadline; its socket is cut off anyway.
            threads.shutdownNow();
        }
        return new Measured(latencies, requestsByWorker, phases.duration().toNanos() / 1e9, lost, cpuTicks);
    }

    /** Adds the usual figures of a measured phase to {@code result}, each name prefixed by {@code prefix}. */
    static void report(Result result, String prefix, Measured measured) {
        Histogram latencies = measured.latencies();
        result.figure(prefix + "throughput", measured.perSecond(), "req/s");
        result.figure(prefix + "requests", measured.requests(), "");
        result.figure(prefix + "p50_ms", millis(latencies.getValueAtPercentile(50)), "ms");
        result.figure(prefix + "p90_ms", millis(latencies.getValueAtPercentile(90)), "ms");
        result.figure(prefix + "p99_ms", millis(latencies.getValueAtPercentile(99)), "ms");
        result.figure(prefix + "p999_ms", millis(latencies.getValueAtPercentile(99.9)), "ms");
        result.figure(prefix + "max_ms", millis(latencies.getMaxValue()), "ms");
        reportCpu(result, prefix, measured);
    }

    /** The server's CPU figures, when its process was known and something was measured. */
    static void reportCpu(Result result, String prefix, Measured measured) {
        if (measured.serverCpuTicks().isPresent() && measured.requests() > 0) {
            double cpuSeconds = ProcessCpu.seconds(measured.serverCpuTicks().getAsLong());
            result.figure(prefix + "server_cpu_s", cpuSeconds,
                    "s of server CPU (user + system) in the measured phase");
            result.figure(prefix + "server_cpu_us_per_req", cpuSeconds * 1e6 / measured.requests(),
                    "µs of server CPU per request");
        }
    }

    /**
     * The checks of every closed-loop run, with the errors figure: no error, no worker (named {@code workers}) lost,
     * and at least one request answered right in the measured phase.
     */
    static void check(Result result, Errors errors, Measured measured, String workers) {
        result.figure("errors", errors.total(), errors.describe());
        if (errors.total() > 0) {
            result.fail(errors.total() + " errors: " + errors.describe());
        }
        if (measured.workersLost() > 0) {
            result.fail(measured.workersLost() + " " + workers + " lost");
        }
        if (measured.requests() == 0) {
            result.fail("no request was answered right in the measured time");
        }
    }

    static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** One worker's loop; its latencies, or null when its persistent connection failed (the error is counted). */
    private static Histogram work(Step step, Connections connections, Phases phases, long measureFrom, long end,
                                  Errors errors) {
        Histogram latencies = newHistogram();
        long straggleUntil = end + phases.grace().toNanos();
        while (true) {
            long begin = System.nanoTime();
            boolean stillWithoutOne = phases.untilOneDone() && latencies.getTotalCount() == 0 && begin < straggleUntil;
            if (begin >= end && !stillWithoutOne) {
                return latencies;
            }
            boolean measured = begin >= measureFrom;
            try {
                step.perform(measured);
                long done = System.nanoTime();
                if (measured) {
                    latencies.recordValue(Math.min(done - begin, HIGHEST_TRACKED_NANOS));
                }
            } catch (WrongAnswer e) {
                errors.count(e.kind());
            } catch (IOException e) {
                errors.count(e);
                if (connections == Connections.PERSISTENT) {
                    return null;
                }
            }
        }
    }

    /** The server's CPU ticks from {@code from} to {@code to} (System.nanoTime()), read on the calling thread. */
    private static OptionalLong cpuTicksBetween(ProcessCpu server, long from, long to, Errors errors) {
        try {
            sleepUntil(from);
            long before = server.ticks();
            sleepUntil(to);
            return OptionalLong.of(server.ticks() - before);
        } catch (IOException e) {
            errors.count("server-cpu:" + e.getClass().getSimpleName());
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
