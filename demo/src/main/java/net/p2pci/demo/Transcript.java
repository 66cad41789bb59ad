package net.p2pci.demo;

import java.io.PrintStream;
import java.util.List;

/**
 * What the demo prints: a heading per step, each program's output under its label, what was sent to whom, and one
 * line per check, ✔ or ✘.
 *
 * <p>Thread-safe: every method holds the monitor, because the shutdown hook may print while the demo runs.
 */
final class Transcript {
    /** Labels are padded to one width so that the programs' lines start in one column. */
    private static final int LABEL_WIDTH = 10;

    private final PrintStream out;
    private int passed;
    private int failed;
    private boolean ended;

    Transcript(PrintStream out) {
        this.out = out;
    }

    synchronized void heading(String title) {
        if (ended) {
            return;
        }
        out.println();
        out.println("── " + title + " ──");
    }

    /** A line of the demo's own: what it does next, or why. */
    synchronized void note(String text) {
        if (!ended) {
            out.println(text);
        }
    }

    /** A command line a user could type to do the same by hand. */
    synchronized void command(String commandLine) {
        if (!ended) {
            out.println("$ " + commandLine);
        }
    }

    /** The lines of one source under its label, e.g. {@code [server] [Server] Added peerA:40123}. */
    synchronized void show(String label, List<String> lines) {
        String prefix = String.format("%-" + LABEL_WIDTH + "s", "[" + label + "]");
        for (String line : ended ? List.<String>of() : lines) {
            out.println((prefix + " " + line).stripTrailing());
        }
    }

    /** Shows what a program printed since it was last shown. */
    void show(DemoProcess process) {
        show(process.label(), process.takeUnshown());
    }

    /** Prints the outcome of one expected behaviour and counts it. */
    synchronized boolean check(boolean held, String what) {
        if (held) {
            passed++;
        } else {
            failed++;
        }
        if (!ended) {
            out.println((held ? "✔ " : "✘ ") + what);
        }
        return held;
    }

    /**
     * Prints a last line and nothing after it: once the demo is interrupted, what its main thread would still print
     * (programs vanishing under it) would only mislead.
     */
    synchronized void end(String lastLine) {
        if (!ended) {
            out.println(lastLine);
            out.flush();
            ended = true;
        }
    }

    synchronized int passed() {
        return passed;
    }

    synchronized int failed() {
        return failed;
    }

    synchronized void flush() {
        out.flush();
    }
}
