package net.p2pci.protocol;

/**
 * Bounds on what a {@link MessageReader} accepts, so that no sender can make it allocate without limit.
 *
 * @param maxLineBytes   the longest line accepted, its CRLF or LF not counted
 * @param maxHeaderCount the most header lines in one message
 * @param maxRecords     the most record lines in one index response (a LIST of a large index)
 */
public record Limits(int maxLineBytes, int maxHeaderCount, int maxRecords) {
    /** RFC titles are under 200 bytes; 4 KiB leaves room for any honest line and bounds memory per connection. */
    public static final int DEFAULT_MAX_LINE_BYTES = 4096;
    /** A request has at most four meaningful headers; 32 tolerates extensions without inviting floods. */
    public static final int DEFAULT_MAX_HEADER_COUNT = 32;
    /** A LIST of a million records is about 100 MB of text: past that a server is broken or hostile. */
    public static final int DEFAULT_MAX_RECORDS = 1_000_000;

    public static final Limits DEFAULT =
            new Limits(DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_HEADER_COUNT, DEFAULT_MAX_RECORDS);

    public Limits {
        if (maxLineBytes < 64 || maxHeaderCount < 4 || maxRecords < 0) {
            throw new IllegalArgumentException("limits too small: " + maxLineBytes + "/" + maxHeaderCount + "/" + maxRecords);
        }
    }

    /**
     * How many bytes of a malformed message are read and discarded to find its end, so that the connection stays
     * usable; a message longer than this cannot be legitimate, and the connection is closed instead.
     */
    public long maxDiscardBytes() {
        return (long) (maxLineBytes + 2) * (maxHeaderCount + 2);
    }
}
