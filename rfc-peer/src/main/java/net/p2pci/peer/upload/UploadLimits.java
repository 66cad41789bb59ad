package net.p2pci.peer.upload;

import java.time.Duration;

/**
 * Bounds that keep requesters that are slow, silent or many from holding the upload server's threads, sockets and
 * open files.
 *
 * @param requestTimeout          how long a requester has, from being accepted, to send its whole request
 * @param stallTimeout            how long a transfer may go without the requester taking a byte
 * @param maxConcurrentUploads    the most connections served at once; past it, new ones get 400 and are closed
 * @param maxUploadsPerAddress    the most of those from one source address (for IPv6, one /64 network); past it,
 *                                that address's new connections get 400 and are closed
 */
public record UploadLimits(Duration requestTimeout, Duration stallTimeout, int maxConcurrentUploads,
                           int maxUploadsPerAddress) {
    /**
     * A requester sends its GET, about a hundred bytes, as soon as it is connected, and it arrives within a round
     * trip. Three seconds leave room for a slow link and a lost packet's retransmission, and bound how long a
     * connection that sends nothing holds one of the upload slots.
     */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    /**
     * A requester that takes no byte for this long has stopped reading; without a cut-off the blocked write would
     * hold the upload thread and the open file for ever. A slow but live reader takes some bytes every few seconds.
     */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);
    /** Each upload holds a socket and an open file; far more than any honest set of downloaders needs at once. */
    public static final int DEFAULT_MAX_CONCURRENT_UPLOADS = 256;
    /**
     * A peer downloads one RFC at a time, so even a few dozen peers behind one NAT address rarely hold this many at
     * once (and the bench's 16 concurrent downloaders fit); one host can then take at most an eighth of the slots,
     * and the others stay free for everyone else.
     */
    public static final int DEFAULT_MAX_UPLOADS_PER_ADDRESS = 32;

    public static final UploadLimits DEFAULT = new UploadLimits(DEFAULT_REQUEST_TIMEOUT, DEFAULT_STALL_TIMEOUT,
            DEFAULT_MAX_CONCURRENT_UPLOADS, DEFAULT_MAX_UPLOADS_PER_ADDRESS);

    public UploadLimits {
        if (requestTimeout.toMillis() < 1 || stallTimeout.toMillis() < 1 || maxConcurrentUploads < 1
                || maxUploadsPerAddress < 1) {
            throw new IllegalArgumentException("upload limits must be at least 1 ms, 1 ms, 1 upload and 1 upload");
        }
    }

    /** These limits with another per-address cap. */
    public UploadLimits withMaxUploadsPerAddress(int count) {
        return new UploadLimits(requestTimeout, stallTimeout, maxConcurrentUploads, count);
    }
}
