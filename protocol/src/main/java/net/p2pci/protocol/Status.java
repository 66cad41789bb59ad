package net.p2pci.protocol;

/** The status codes of P2P-CI/1.0, each with the reason phrase this implementation sends. */
public enum Status {
    OK_200(200, "OK"),
    /** Only ever sent to a GET that asked for a byte range (docs/PROTOCOL.md 9.3, an extension). */
    PARTIAL_CONTENT_206(206, "Partial Content"),
    BAD_REQUEST_400(400, "Bad Request"),
    NOT_FOUND_404(404, "Not Found"),
    VERSION_NOT_SUPPORTED_505(505, "P2P-CI Version Not Supported");

    private final int code;
    private final String phrase;

    Status(int code, String phrase) {
        this.code = code;
        this.phrase = phrase;
    }

    public int code() {
        return code;
    }

    public String phrase() {
        return phrase;
    }

    /** The status with this numeric code, or null when the protocol defines none. */
    public static Status fromCode(int code) {
        for (Status status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return code + " " + phrase;
    }
}
