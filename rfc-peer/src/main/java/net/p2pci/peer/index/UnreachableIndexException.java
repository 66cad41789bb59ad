package net.p2pci.peer.index;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * None of the listed index servers could be connected to at start-up; the message names each, in the order tried,
 * with why it failed.
 */
public final class UnreachableIndexException extends IOException {
    private final transient List<ConnectFailure> failures;

    UnreachableIndexException(List<ConnectFailure> failures) {
        super(message(failures), failures.getLast().cause());
        this.failures = List.copyOf(failures);
    }

    /** Every server tried, in order, with why it failed. */
    public List<ConnectFailure> failures() {
        return failures;
    }

    private static String message(List<ConnectFailure> failures) {
        if (failures.size() == 1) {
            ConnectFailure only = failures.getFirst();
            return "cannot connect to the index server " + only.server() + ": " + only.reason();
        }
        return "cannot connect to any of the " + failures.size() + " index servers: "
                + failures.stream().map(ConnectFailure::toString).collect(Collectors.joining(", "));
    }
}
