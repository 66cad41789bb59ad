package net.p2pci.checker;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Consumer;

/** The client role. */
final class ClientRole {
    private ClientRole() {
    }

    static Report run(CheckOptions options, Timing timing, Consumer<CaseResult> progress, PrintStream out) {
        return new Report("client", "", options.strict(), List.of());
    }
}
