package net.p2pci.peer.cli;

/** A command line that is not a valid command; the message is the one-line error shown to the user. */
public final class CommandSyntaxException extends Exception {
    public CommandSyntaxException(String message) {
        super(message, null, false, false);
    }
}
