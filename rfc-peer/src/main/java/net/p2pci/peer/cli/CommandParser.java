package net.p2pci.peer.cli;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.Protocol;
import net.p2pci.protocol.TitleWords;
import net.p2pci.protocol.WireText;

/** Turns a line typed by the user (or read from a script) into a {@link Command}. */
public final class CommandParser {
    /** The command words, for completion in the interactive shell. */
    public static final List<String> COMMAND_NAMES = List.of("ADD", "LOOKUP", "LIST", "SEARCH", "PEERS",
            "WITHDRAW", "GET", "HELP", "QUIT");

    /** RFC file names carry at most nine digits (see RfcFileName), so larger numbers cannot name a file. */
    private static final int MAX_RFC_DIGITS = 9;

    private CommandParser() {
    }

    /**
     * Parses one line; command words are case-insensitive.
     *
     * @return the command, or empty for a blank line or a {@code #} comment, which scripts may contain
     * @throws CommandSyntaxException with a one-line message saying what is wrong and how it should look
     */
    public static Optional<Command> parse(String line) throws CommandSyntaxException {
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#")) {
            return Optional.empty();
        }
        String[] words = text.split("\\s+", 2);
        String name = words[0].toUpperCase(Locale.ROOT);
        String rest = words.length > 1 ? words[1] : "";
        String[] arguments = rest.isEmpty() ? new String[0] : rest.split("\\s+");
        Command command = switch (name) {
            case "ADD" -> new Command.Add(rfcNumber(arguments, "ADD <n> [title]"), title(rest));
            case "LOOKUP" -> new Command.Lookup(rfcNumber(arguments, "LOOKUP <n> [title]"), title(rest));
            case "LIST" -> {
                if (!(arguments.length == 0 || (arguments.length == 1 && arguments[0].equalsIgnoreCase("ALL")))) {
                    throw new CommandSyntaxException("usage: LIST");
                }
                yield new Command.ListAll();
            }
            case "SEARCH" -> {
                int searchWords = TitleWords.of(rest).size();
                if (searchWords == 0 || searchWords > Extensions.MAX_SEARCH_WORDS) {
                    throw new CommandSyntaxException("usage: SEARCH <words> (1 to " + Extensions.MAX_SEARCH_WORDS
                            + " words of letters and digits)");
                }
                yield new Command.Search(rest);
            }
            case "PEERS" -> new Command.Peers();
            case "WITHDRAW" -> {
                if (arguments.length != 1) {
                    throw new CommandSyntaxException("usage: WITHDRAW <n>");
                }
                yield new Command.Withdraw(rfcNumber(arguments, "WITHDRAW <n>"));
            }
            case "GET" -> {
                String usage = "GET <n> [host:port]";
                int number = rfcNumber(arguments, usage);
                if (arguments.length > 2) {
                    throw new CommandSyntaxException("usage: " + usage);
                }
                Optional<HostAndPort> holder = Optional.empty();
                if (arguments.length == 2) {
                    holder = Optional.of(holder(arguments[1]));
                }
                yield new Command.Get(number, holder);
            }
            case "HELP" -> new Command.Help();
            case "QUIT" -> new Command.Quit();
            default -> throw new CommandSyntaxException("unknown command " + WireText.forLog(words[0]) + " (try HELP)");
        };
        if ((command instanceof Command.Help || command instanceof Command.Quit
                || command instanceof Command.Peers) && arguments.length > 0) {
            throw new CommandSyntaxException("usage: " + name);
        }
        return Optional.of(command);
    }

    private static int rfcNumber(String[] arguments, String usage) throws CommandSyntaxException {
        if (arguments.length == 0) {
            throw new CommandSyntaxException("usage: " + usage);
        }
        String text = arguments[0];
        if (text.length() > MAX_RFC_DIGITS || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || !Protocol.isRfcNumber(Integer.parseInt(text))) {
            throw new CommandSyntaxException("RFC number must be a whole number from " + Protocol.MIN_RFC_NUMBER
                    + " to " + Protocol.MAX_RFC_NUMBER + ": " + WireText.forLog(text));
        }
        return Integer.parseInt(text);
    }

    /** Everything after the number, with runs of white space made single spaces as the protocol's fields require. */
    private static Optional<String> title(String rest) throws CommandSyntaxException {
        String[] parts = rest.split("\\s+", 2);
        if (parts.length < 2 || parts[1].isBlank()) {
            return Optional.empty();
        }
        String title = parts[1].strip().replaceAll("\\s+", " ");
        if (!WireText.isFieldText(title)) {
            throw new CommandSyntaxException("a title cannot contain control characters: " + WireText.forLog(title));
        }
        if (!WireText.isTitle(title)) {
            throw new CommandSyntaxException("a title has at most " + WireText.MAX_TITLE_CHARS + " characters, not "
                    + title.length());
        }
        return Optional.of(title);
    }

    private static HostAndPort holder(String text) throws CommandSyntaxException {
        try {
            return HostAndPort.parse(text, OptionalInt.empty());
        } catch (IllegalArgumentException e) {
            throw new CommandSyntaxException("bad holder: " + e.getMessage());
        }
    }
}
