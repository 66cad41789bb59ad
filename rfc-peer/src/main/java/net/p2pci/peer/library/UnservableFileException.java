package net.p2pci.peer.library;

/** A directory entry that may not be offered or sent now; the message says why in a few words. */
public final class UnservableFileException extends Exception {
    UnservableFileException(String reason) {
        super(reason, null, false, false);
    }
}
