package net.p2pci.checker;

import java.time.Duration;

/** A case as it ended, for the reports. */
public record CaseResult(String id, String title, Outcome outcome, Duration took) {
    public Verdict verdict() {
        return outcome.verdict();
    }
}
