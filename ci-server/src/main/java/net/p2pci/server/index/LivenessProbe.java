package net.p2pci.server.index;

/**
 * Asks whether the connection of a registered peer is still alive, so that a claim contested by a vanished peer is
 * settled within seconds: the network side probes the connection, and a dead one ends, taking its records with it.
 */
@FunctionalInterface
public interface LivenessProbe {
    /** Starts probing the connection of peer {@code peerId}, if it is one of this server's; returns at once. */
    void probe(long peerId);
}
