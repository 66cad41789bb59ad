package net.p2pci.peer.download;

import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileResponse;

/** A download that did not produce a file; nothing it started is left in the directory. */
public final class DownloadException extends Exception {
    private final transient FileResponse head;
    private final transient List<AnswerDeviation> deviations;
    private final boolean digestMismatch;

    DownloadException(String reason, FileResponse head, List<AnswerDeviation> deviations, Throwable cause) {
        this(reason, head, deviations, cause, false);
    }

    DownloadException(String reason, FileResponse head, List<AnswerDeviation> deviations, Throwable cause,
                      boolean digestMismatch) {
        super(reason, cause);
        this.head = head;
        this.deviations = List.copyOf(deviations);
        this.digestMismatch = digestMismatch;
    }

    /** Whether the whole file came but did not match the digest its holder announced. */
    public boolean digestMismatch() {
        return digestMismatch;
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
