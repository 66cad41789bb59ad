package net.p2pci.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.stream.Stream;
import net.p2pci.peer.HostAndPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The command language: every valid form, and the one-line error for each invalid one. */
final class CommandParserTest {
    static Stream<Arguments> validCommands() {
        return Stream.of(
                Arguments.of("ADD 2616", new Command.Add(2616, Optional.empty())),
                Arguments.of("add 2616", new Command.Add(2616, Optional.empty())),
                Arguments.of("  ADD   2616   Hypertext  Transfer\tProtocol  ",
                        new Command.Add(2616, Optional.of("Hypertext Transfer Protocol"))),
                Arguments.of("ADD 9 Überschrift", new Command.Add(9, Optional.of("Überschrift"))),
                Arguments.of("LOOKUP 2616", new Command.Lookup(2616, Optional.empty())),
                Arguments.of("Lookup 2616 HTTP/1.1", new Command.Lookup(2616, Optional.of("HTTP/1.1"))),
                Arguments.of("LIST", new Command.ListAll()),
                Arguments.of("list all", new Command.ListAll()),
                Arguments.of("GET 2616", new Command.Get(2616, Optional.empty())),
                Arguments.of("GET 2616 127.0.0.1:5678",
                        new Command.Get(2616, Optional.of(new HostAndPort("127.0.0.1", 5678)))),
                Arguments.of("GET 2616 [::1]:5678", new Command.Get(2616, Optional.of(new HostAndPort("::1", 5678)))),
                Arguments.of("GET 999999999", new Command.Get(999_999_999, Optional.empty())),
                Arguments.of("GET 007", new Command.Get(7, Optional.empty())),
                Arguments.of("HELP", new Command.Help()),
                Arguments.of("quit", new Command.Quit()));
    }

    @ParameterizedTest
    @MethodSource("validCommands")
    void validCommandsParse(String line, Command expected) throws CommandSyntaxException {
        assertThat(CommandParser.parse(line)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "# a comment in a script", "  #LIST"})
    void blankLinesAndCommentsAreNoCommand(String line) throws CommandSyntaxException {
        assertThat(CommandParser.parse(line)).isEmpty();
    }

    static Stream<Arguments> invalidCommands() {
        return Stream.of(
                Arguments.of("FETCH 2616", "unknown command FETCH (try HELP)"),
                Arguments.of("ADD", "usage: ADD <n> [title]"),
                Arguments.of("LOOKUP", "usage: LOOKUP <n> [title]"),
                Arguments.of("GET", "usage: GET <n> [host:port]"),
                Arguments.of("GET abc", "RFC number must be a whole number from 1 to 999999999: abc"),
                Arguments.of("GET -1", "RFC number must be a whole number from 1 to 999999999: -1"),
                Arguments.of("GET 0", "RFC number must be a whole number from 1 to 999999999: 0"),
                Arguments.of("GET 1000000000", "RFC number must be a whole number from 1 to 999999999: 1000000000"),
                Arguments.of("GET 2616 host", "bad holder: missing port: expected host:port, got host"),
                Arguments.of("GET 2616 host:0", "bad holder: port is not a number from 1 to 65535: 0"),
                Arguments.of("GET 2616 host:http", "bad holder: port is not a number from 1 to 65535: http"),
                Arguments.of("GET 2616 a:1 b:2", "usage: GET <n> [host:port]"),
                Arguments.of("LIST 5", "usage: LIST"),
                Arguments.of("QUIT now", "usage: QUIT"),
                Arguments.of("ADD 1 bell\u0007title", "a title cannot contain control characters: bell?title"),
                Arguments.of("ADD 1 " + "t".repeat(513), "a title has at most 512 characters, not 513"));
    }

    @ParameterizedTest
    @MethodSource("invalidCommands")
    void invalidCommandsSayWhatIsWrongInOneLine(String line, String message) {
        assertThatThrownBy(() -> CommandParser.parse(line))
                .isInstanceOf(CommandSyntaxException.class)
                .hasMessage(message);
    }
}
