package net.p2pci.checker;

/** What a client case needs. */
public record ClientRun(Timing timing) {
}
