package net.p2pci.peer.download;

import java.util.Optional;
import net.p2pci.protocol.FileResponse;

/** A download that did not produce a file; nothing it started is left in the directory. */
public final class DownloadException extends Exception {
    private final transient FileResponse head;

    DownloadException(String reason, FileResponse head, Throwable cause) {
        super(reason, cause);
        this.head = head;
    }

    /** The head of the holder's answer, when it got that far. */
    public Optional<FileResponse> head() {
        return Optional.ofNullable(head);
    }
}
