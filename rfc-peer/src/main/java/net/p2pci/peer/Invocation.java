package net.p2pci.peer;

/** What the command line asks for: a peer to run ({@link PeerOptions}), or the help, or the version. */
public sealed interface Invocation permits PeerOptions, Invocation.ShowHelp, Invocation.ShowVersion {
    /** {@code --help}. */
    record ShowHelp() implements Invocation {
    }

    /** {@code --version}. */
    record ShowVersion() implements Invocation {
    }
}
