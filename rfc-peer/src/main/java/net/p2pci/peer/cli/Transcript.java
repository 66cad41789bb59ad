package net.p2pci.peer.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;

/**
 * The peer's user-facing output on stdout: protocol messages exactly as the protocol module writes them (each CRLF
 * shown as a line break), and one-line notes and errors prefixed {@code [Peer]}.
 *
 * <p>Thread-safe as far as its stream is: every method prints with a single call, so lines never interleave.
 */
public final class Transcript {
    private static final String PREFIX = "[Peer] ";
    private static final String WIRE_LINE_END = "\r\n";

    private final PrintStream out;

    public Transcript(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
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
        out.println(PREFIX + String.format(Locale.ROOT, format, arguments));
    }

    /** A one-line error: {@code [Peer] Error: <reason>}. */
    public void error(String reason) {
        out.println(PREFIX + "Error: " + reason);
    }

    /** Text as it is, for the help. */
    public void text(String text) {
        out.print(text.endsWith("\n") ? text : text + "\n");
        out.flush();
    }

    private void printWire(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8).replace(WIRE_LINE_END, System.lineSeparator());
        out.print(text);
        out.flush();
    }
}
