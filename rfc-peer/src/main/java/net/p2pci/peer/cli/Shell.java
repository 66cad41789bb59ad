package net.p2pci.peer.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import net.p2pci.peer.cli.CommandProcessor.Outcome;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Feeds command lines to a {@link CommandProcessor} from one of the three places they come from: the commands given
 * with {@code --exec}, a script piped on stdin, or a person at a terminal (with line editing and history).
 *
 * <p>Not thread-safe: the thread that calls a {@code run} method reads and runs every line.
 */
public final class Shell {
    private static final String PROMPT = "rfc-peer> ";

    private final CommandProcessor processor;

    public Shell(CommandProcessor processor) {
        this.processor = Objects.requireNonNull(processor, "processor");
    }

    /**
     * Runs the commands in order, every one of them even after a failure, up to a QUIT.
     *
     * @return whether every command succeeded
     */
    public boolean runCommands(List<String> commands) {
        boolean allSucceeded = true;
        for (String command : commands) {
            Outcome outcome = processor.execute(command);
            if (outcome == Outcome.QUIT) {
                break;
            }
            allSucceeded &= outcome == Outcome.SUCCEEDED;
        }
        return allSucceeded;
    }

    /**
     * Runs a script, one command a line, until QUIT or the end of input.
     *
     * @return whether every command succeeded
     */
    public boolean runScript(InputStream script) throws IOException {
        BufferedReader lines = new BufferedReader(new InputStreamReader(script, StandardCharsets.UTF_8));
        boolean allSucceeded = true;
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            Outcome outcome = processor.execute(line);
            if (outcome == Outcome.QUIT) {
                break;
            }
            allSucceeded &= outcome == Outcome.SUCCEEDED;
        }
        return allSucceeded;
    }

    /**
     * Reads commands at the terminal until QUIT or end of input (Ctrl-D); Ctrl-C abandons the line being typed. A
     * failed command has been reported to the person who typed it, so it does not make the session fail.
     */
    public void runInteractive() throws IOException {
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            LineReader reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("rfc-peer")
                    .completer(new StringsCompleter(CommandParser.COMMAND_NAMES))
                    .option(LineReader.Option.CASE_INSENSITIVE, true) // commands are case-insensitive too
                    .build();
            Transcript transcript = processor.transcript();
            transcript.printEventsWith(reader::printAbove); // "index lost" must not break the line being typed
            try {
                while (true) {
                    String line;
                    try {
                        line = reader.readLine(PROMPT);
                    } catch (UserInterruptException e) {
                        continue;
                    } catch (EndOfFileException e) {
                        return;
                    }
                    if (processor.execute(line) == Outcome.QUIT) {
                        return;
                    }
                }
            } finally {
                transcript.printEventsToStream();
            }
        }
    }

    /** Whether stdin and stdout are a terminal a person types at, rather than a pipe or a file. */
    public static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        // Since JDK 22 System.console() exists even when the streams are redirected, and isTerminal() tells; the
        // peer is built for JDK 21, where a console exists only on a terminal and that method is missing.
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (IllegalAccessException | InvocationTargetException e) {
            return false;
        }
    }
}
