package net.p2pci.peer.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;

/**
 * The peer's user-facing output on stdout: protocol messages exactly as the protocol module writes them (each CRLF
 * shown as a line break), and one-line notes and errors prefixed {@code [Peer]}.
 *
 * <p>Thread-safe as far as its stream is: every method prints with a single call, so lines never interleave. Events
 * (lines that come on their own, from another thread), and whatever another thread prints while an interactive
 * shell's prompt may be up (a command from the web page), go through a volatile printer that the shell points above
 * its prompt. Every line is also copied, as printed, to whoever follows the transcript (the web page).
 */
public final class Transcript {
    private static final String PREFIX = "[Peer] ";
    private static final String WIRE_LINE_END = "\r\n";
    /** How long lines printed within a {@link #batch()} may wait to go out together. */
    private static final long BATCH_INTERVAL_NANOS = 50_000_000L;
    /** How many characters of a batch's lines may wait to go out together. */
    private static final int BATCH_CHARS = 32 * 1024;

    /**
     * Guards the batch and every print to the stream while a batch may hold lines; a lock rather than a monitor, so
     * that a virtual thread waiting to print leaves its carrier free.
     */
    private final ReentrantLock printing = new ReentrantLock();
    /** What a {@link #batch()} holds, so that thousands of lines go out in a few writes; guarded by printing. */
    private final StringBuilder batched = new StringBuilder();
    /** The thread whose lines the open batch holds, or null; guarded by printing. */
    private Thread batchOwner;
    /** How deep the owner's batches are nested; guarded by printing. */
    private int batches;
    /** When the batch's lines last went out, in System.nanoTime() terms; guarded by printing. */
    private long batchSentAt;

    /** A batch of output; closing it prints what it still holds. */
    public interface Batch extends AutoCloseable {
        @Override
        void close();
    }

    private final PrintStream out;
    /** Who else reads each line printed (the peer's web page); nobody unless set. */
    private volatile Consumer<String> copies = line -> { };
    /** Where events go: the stream, or above the prompt of an interactive shell. */
    private volatile Consumer<String> eventPrinter;
    /** The interactive shell's thread while its prompt may be up; what other threads print goes above it. */
    private volatile Thread promptThread;

    public Transcript(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
        this.eventPrinter = out::println;
    }

    /**
     * Gives every line printed from now on to {@code reader} as well, without its line end: the peer's web page shows
     * the transcript as it is printed. It is called on the printing thread, so it must not block.
     */
    public void copyLinesTo(Consumer<String> reader) {
        copies = Objects.requireNonNull(reader, "reader");
    }

    public void message(Request request) {
        printWire(MessageWriter.encode(request));
    }

    public void message(IndexResponse response) {
        printWire(MessageWriter.encode(response));
    }

    public void message(FileResponse head) {
        printWire(MessageWriter.encode(head));
    }

    /** A line such as {@code [Peer] LOOKUP RFC 2616: 1 holder}. */
    public void note(String format, Object... arguments) {
        println(PREFIX + String.format(Locale.ROOT, format, arguments));
    }

    /** A note given whole, with no format to apply: {@code text} is printed as it is after the prefix. */
    public void noteText(String text) {
        println(PREFIX + text);
    }

    /**
     * Opens a batch on this thread: until it is closed, what this thread prints to the stream waits to go out with
     * the lines after it, so that a registration of thousands of RFCs is shown in a few writes rather than one per
     * line. The lines go out with the first line printed 50 ms after the last write, at 32 K characters, before any
     * other thread's line (which keeps them in order), and at the batch's end. While another thread's batch is open,
     * this one holds nothing.
     */
    public Batch batch() {
        printing.lock();
        try {
            if (batchOwner == null) {
                batchOwner = Thread.currentThread();
                batchSentAt = System.nanoTime();
            }
            if (batchOwner != Thread.currentThread()) {
                return () -> { };
            }
            batches++;
            return this::endBatch;
        } finally {
            printing.unlock();
        }
    }

    private void endBatch() {
        printing.lock();
        try {
            if (--batches == 0) {
                batchOwner = null;
                sendBatched();
            }
        } finally {
            printing.unlock();
        }
    }

    /** Prints whatever a batch still holds, as at exit: nothing printed is lost. */
    public void flush() {
        printing.lock();
        try {
            sendBatched();
        } finally {
            printing.unlock();
        }
    }

    /** Writes the lines the batch holds, if any; the caller holds {@link #printing}. */
    private void sendBatched() {
        if (!batched.isEmpty()) {
            out.print(batched);
            out.flush();
            batched.setLength(0);
            batchSentAt = System.nanoTime();
        }
    }

    /**
     * A note that comes on its own rather than in answer to a command, such as the index connection lost or back:
     * {@code [Peer] Lost the index server: ...}.
     */
    public void event(String format, Object... arguments) {
        String line = PREFIX + String.format(Locale.ROOT, format, arguments);
        if (promptThread == null) {
            print(line + System.lineSeparator()); // through an open batch, so that it keeps its place among its lines
        } else {
            eventPrinter.accept(line);
        }
        copies.accept(line);
    }

    /** Prints events with {@code printer} from now on, e.g. above the prompt so that a half-typed line stays whole. */
    void printEventsWith(Consumer<String> printer) {
        flush(); // a batch's lines before the prompt goes up: from then on other threads' lines go above it
        eventPrinter = Objects.requireNonNull(printer, "printer");
        promptThread = Thread.currentThread();
    }

    /** Prints events to the stream again, as other output. */
    void printEventsToStream() {
        promptThread = null;
        eventPrinter = out::println;
    }

    /** A one-line error: {@code [Peer] Error: <reason>}. */
    public void error(String reason) {
        println(PREFIX + "Error: " + reason);
    }

    /** Text as it is, for the help. */
    public void text(String text) {
        print(text.endsWith("\n") ? text : text + "\n");
        copyLines(text);
    }

    private void println(String line) {
        print(line + System.lineSeparator());
        copies.accept(line);
    }

    /**
     * Prints whole lines: above the prompt when a shell's prompt may be up and another thread prints them (a command
     * from the web page), so that a half-typed line stays whole; else to the stream.
     */
    private void print(String lines) {
        Thread prompt = promptThread;
        if (prompt != null && prompt != Thread.currentThread()) {
            String separator = System.lineSeparator();
            eventPrinter.accept(lines.endsWith(separator) ? lines.substring(0, lines.length() - separator.length())
                    : lines.endsWith("\n") ? lines.substring(0, lines.length() - 1) : lines);
            return;
        }
        printing.lock();
        try {
            if (batchOwner == Thread.currentThread()) {
                batched.append(lines);
                if (batched.length() >= BATCH_CHARS || System.nanoTime() - batchSentAt >= BATCH_INTERVAL_NANOS) {
                    sendBatched();
                }
                return;
            }
            sendBatched(); // another thread's batch: its lines first, so that none is overtaken
            out.print(lines);
            out.flush();
        } finally {
            printing.unlock();
        }
    }

    private void copyLines(String text) {
        Consumer<String> reader = copies;
        text.lines().forEach(reader);
    }

    private void printWire(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).replace(WIRE_LINE_END, System.lineSeparator());
        print(text);
        copyLines(text);
    }
}
