package net.p2pci.peer.upload;

import java.time.Duration;

/**
 * Bounds that keep requesters that are slow, silent or many from holding the upload server's threads, sockets and
 * open files.
 *
 * @param requestTimeout       how long a requester has, from being accepted, to send its whole request
 * @param stallTimeout         how long a transfer may go without the requester taking a byte
 * @param maxConcurrentUploads the most connections served at once; past it, new ones are closed unserved
 */
public record UploadLimits(Duration requestTimeout, Duration stallTimeout, int maxConcurrentUploads) {
    /**
     * A requester sends its few-line GET at once; one that has not finished it in this long is dripping bytes or
     * stuck, and holds a thread for nothing.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /**
     * A requester that takes no byte for this long has stopped reading; without a cut-off the blocked write would
     * hold the upload thread and the open file for ever. A slow but live reader takes some bytes every few seconds.
     */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Each upload holds a socket and an open file; far more than any honest set of downloaders needs at once. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 256;

    public static final UploadLimits DEFAULT =
            new UploadLimits(DEFAULT_REQUEST_TIMEOUT, DEFAULT_STALL_TIMEOUT, DEFAULT_MAX_CONCURRENT_UPLOADS);

    public UploadLimits {
        if (requestTimeout.toMillis() < 1 || stallTimeout.toMillis() < 1 || maxConcurrentUploads < 1) {
            throw new IllegalArgumentException("upload limits must be at least 1 ms, 1 ms and 1 upload");
        }
    }
}
