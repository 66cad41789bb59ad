package net.p2pci.peer.web;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The latest lines of the peer's transcript, numbered, for the web page to show as they are printed: the printing
 * thread adds, each page's stream waits for lines after the last it sent. A page that falls more than
 * {@link #MAX_LINES} behind misses the oldest; the printing thread never waits for a page.
 *
 * <p>Thread-safe: one monitor guards the ring; waiting streams are woken with {@code notifyAll}.
 */
public final class TranscriptFeed {
    /** Lines kept for a page that opens late or reconnects: several commands' worth. */
    static final int MAX_LINES = 2000;
    /** Characters of one line shown; a longer one is cut, as a terminal would wrap it out of sight. */
    static final int MAX_LINE_CHARS = 2000;

    /** One numbered line. */
    record Line(long seq, String text) {
    }

    private final ArrayDeque<Line> lines = new ArrayDeque<>();
    private long lastSeq;
    private boolean closed;

    /**
     * Adds a line as printed; called on the printing thread, and never blocks for long. Give it every line of the
     * transcript ({@code transcript.copyLinesTo(feed::add)}) from before the peer prints its first.
     */
    public synchronized void add(String text) {
        String shown = text.length() > MAX_LINE_CHARS ? text.substring(0, MAX_LINE_CHARS) + "…" : text;
        lines.addLast(new Line(++lastSeq, shown));
        if (lines.size() > MAX_LINES) {
            lines.removeFirst();
        }
        notifyAll();
    }

    /**
     * The lines after {@code seq}, waiting at most {@code timeoutMillis} for one to come; empty when none came or the
     * feed is closed.
     */
    synchronized List<Line> after(long seq, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!closed && lastSeq <= seq) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return List.of();
            }
            wait(left);
        }
        List<Line> newer = new ArrayList<>();
        for (Line line : lines) {
            if (line.seq() > seq) {
                newer.add(line);
            }
        }
        return newer;
    }

    /** Wakes every waiting stream for good: the page is stopping. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized boolean isClosed() {
        return closed;
    }
}
