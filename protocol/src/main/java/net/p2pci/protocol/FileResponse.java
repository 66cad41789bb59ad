package net.p2pci.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The head of an upload server's answer to GET: a status and its header lines. The body, when there is one,
 * follows on the same stream.
 */
public record FileResponse(Status status, List<Header> headers) {
    public static final String DATE = "Date";
    public static final String OS = "OS";
    public static final String LAST_MODIFIED = "Last-Modified";
    public static final String CONTENT_LENGTH = "Content-Length";
    public static final String CONTENT_TYPE = "Content-Type";
    /** The range extension's answer header, on a 206 only (docs/PROTOCOL.md 9.3). */
    public static final String CONTENT_RANGE = "Content-Range";
    /** The range extension's request header. */
    public static final String RANGE = "Range";

    /** An exabyte: beyond any file, and small enough that the decimal can never overflow a long. */
    private static final long MAX_CONTENT_LENGTH = 1_000_000_000_000_000_000L - 1;

    public FileResponse {
        Objects.requireNonNull(status, "status");
        headers = List.copyOf(headers);
        String length = findHeader(headers, CONTENT_LENGTH);
        if (length != null && parseLength(length) < 0) {
            throw new IllegalArgumentException("invalid Content-Length: " + WireText.forLog(length));
        }
    }

    /** A 200 response announcing a file of {@code contentLength} bytes. */
    public static FileResponse ok(Instant date, String os, Instant lastModified, long contentLength) {
        return new FileResponse(Status.OK_200, List.of(
                new Header(DATE, WireDates.format(date)),
                new Header(OS, os),
                new Header(LAST_MODIFIED, WireDates.format(lastModified)),
                new Header(CONTENT_LENGTH, Long.toString(contentLength)),
                new Header(CONTENT_TYPE, Protocol.CONTENT_TYPE_TEXT)));
    }

    /**
     * A 206 response to a GET that asked for a range: bytes {@code first..last} of a file of {@code size} bytes
     * (docs/PROTOCOL.md 9.3).
     */
    public static FileResponse partial(Instant date, String os, Instant lastModified, long first, long last,
                                       long size) {
        return new FileResponse(Status.PARTIAL_CONTENT_206, List.of(
                new Header(DATE, WireDates.format(date)),
                new Header(OS, os),
                new Header(LAST_MODIFIED, WireDates.format(lastModified)),
                new Header(CONTENT_LENGTH, Long.toString(last - first + 1)),
                new Header(CONTENT_RANGE, ByteRange.contentRange(first, last, size)),
                new Header(CONTENT_TYPE, Protocol.CONTENT_TYPE_TEXT)));
    }

    /** This response with {@code extra} after its headers. */
    public FileResponse with(Header extra) {
        List<Header> more = new java.util.ArrayList<>(headers);
        more.add(extra);
        return new FileResponse(status, more);
    }

    /** An error response: Date, OS and {@code Content-Length: 0}, as the protocol asks. */
    public static FileResponse error(Status status, Instant date, String os) {
        return new FileResponse(status, List.of(
                new Header(DATE, WireDates.format(date)),
                new Header(OS, os),
                new Header(CONTENT_LENGTH, "0")));
    }

    /** The first header of this name, compared without regard to case. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(findHeader(headers, name));
    }

    /** The announced body length; empty when the sender left it out and the body ends at EOF. */
    public OptionalLong contentLength() {
        String length = findHeader(headers, CONTENT_LENGTH);
        return length == null ? OptionalLong.empty() : OptionalLong.of(parseLength(length));
    }

    private static String findHeader(List<Header> headers, String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }


    /** The value as a length, or -1 when it is not a plain non-negative decimal. */
    static long parseLength(String value) {
        return WireText.parseDecimal(value, MAX_CONTENT_LENGTH);
    }
}
