package net.p2pci.peer.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
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
 * (lines that come on their own, from another thread) go through a volatile printer that an interactive shell points
 * above its prompt.
 */
public final class Transcript {
    private static final String PREFIX = "[Peer] ";
    private static final String WIRE_LINE_END = "\r\n";

    private final PrintStream out;
    /** Who else reads each line printed (the peer's web page); nobody unless set. */
    private volatile Consumer<String> copies = line -> { };
    /** Where events go: the stream, or above the prompt of an interactive shell. */
    private volatile Consumer<String> eventPrinter;

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

    /**
     * A note that comes on its own rather than in answer to a command, such as the index connection lost or back:
     * {@code [Peer] Lost the index server: ...}.
     */
    public void event(String format, Object... arguments) {
        String line = PREFIX + String.format(Locale.ROOT, format, arguments);
        eventPrinter.accept(line);
        copies.accept(line);
    }

    /** Prints events with {@code printer} from now on, e.g. above the prompt so that a half-typed line stays whole. */
    void printEventsWith(Consumer<String> printer) {
        eventPrinter = Objects.requireNonNull(printer, "printer");
    }

    /** Prints events to the stream again, as other output. */
    void printEventsToStream() {
        eventPrinter = out::println;
    }

    /** A one-line error: {@code [Peer] Error: <reason>}. */
    public void error(String reason) {
        println(PREFIX + "Error: " + reason);
    }

    /** Text as it is, for the help. */
    public void text(String text) {
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
        copyLines(text);
    }

    private void println(String line) {
        out.println(line);
        copies.accept(line);
    }

    private void copyLines(String text) {
        Consumer<String> reader = copies;
        text.lines().forEach(reader);
    }

    private void printWire(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).replace(WIRE_LINE_END, System.lineSeparator());
        out.print(text);
        out.flush();
        copyLines(text);
    }
}
