package net.p2pci.checker;

import java.io.IOException;

/** What a server case needs: the index server under test, the run's timing, and the run's unique names. */
public record ServerRun(Target target, Timing timing, RunNames names) {
    public WireConnection connect() throws IOException {
        return WireConnection.open(target, timing);
    }
}
