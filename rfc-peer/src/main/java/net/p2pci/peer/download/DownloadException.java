package net.p2pci.peer.download;

import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileResponse;

/** A download that did not produce a file; nothing it started is left in the directory. */
public final class DownloadException extends Exception {
    private final transient FileResponse head;
    private final transient List<AnswerDeviation> deviations;

    DownloadException(String reason, FileResponse head, List<AnswerDeviation> deviations, Throwable cause) {
        super(reason, cause);
        this.head = head;
        this.deviations = List.copyOf(deviations);
    }

    /** How the holder's answer differed from docs/PROTOCOL.md before it failed, one of each kind. */
    public List<AnswerDeviation> deviations() {
        return deviations;
    }

    /** The head of the holder's answer, when it got that far. */
    public Optional<FileResponse> head() {
        return Optional.ofNullable(head);
    }
}
