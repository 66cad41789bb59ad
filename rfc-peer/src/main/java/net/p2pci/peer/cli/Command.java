package net.p2pci.peer.cli;

import java.util.Optional;
import net.p2pci.peer.HostAndPort;

/** One command of the peer's command language, as parsed by {@link CommandParser}. */
public sealed interface Command {
    /** {@code ADD <n> [title]}: register RFC n, whose file must be in the peer's directory. */
    record Add(int rfcNumber, Optional<String> title) implements Command {
    }

    /** {@code LOOKUP <n> [title]}: which peers hold RFC n? */
    record Lookup(int rfcNumber, Optional<String> title) implements Command {
    }

    /** {@code LIST}: every record in the index. */
    record ListAll() implements Command {
    }

    /** {@code SEARCH <words>}: the records whose titles have every word (the SEARCH extension, else LIST filtered). */
    record Search(String words) implements Command {
    }

    /** {@code PEERS}: the active peers (the PEERS extension). */
    record Peers() implements Command {
    }

    /** {@code WITHDRAW <n>}: stop offering RFC n without leaving the index (the WITHDRAW extension). */
    record Withdraw(int rfcNumber) implements Command {
    }

    /** {@code GET <n> [host:port]}: download RFC n from a holder found by LOOKUP, or from the one given. */
    record Get(int rfcNumber, Optional<HostAndPort> holder) implements Command {
    }

    /** {@code HELP}: describe the commands and their output. */
    record Help() implements Command {
    }

    /** {@code QUIT}: leave the index and stop. */
    record Quit() implements Command {
    }
}
