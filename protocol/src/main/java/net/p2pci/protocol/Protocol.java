package net.p2pci.protocol;

/** Constants that both ends of P2P-CI/1.0 agree on. */
public final class Protocol {
    /** The only version this implementation speaks; any other well-formed version is answered with 505. */
    public static final String VERSION = "P2P-CI/1.0";

    /** The index server's well-known TCP port. */
    public static final int DEFAULT_SERVER_PORT = 7734;

    /** The smallest RFC number: there is no RFC 0. */
    public static final int MIN_RFC_NUMBER = 1;
    /**
     * The largest RFC number either program accepts, in a request, a command or a file name: nine digits, which
     * always fit in an int, and leave the series (under 10,000 today) room for a long time.
     */
    public static final int MAX_RFC_NUMBER = 999_999_999;

    /** The content type of every file an upload server sends. */
    public static final String CONTENT_TYPE_TEXT = "text/plain";

    private Protocol() {
    }

    /** Whether {@code number} is in the range of RFC numbers both programs accept. */
    public static boolean isRfcNumber(long number) {
        return number >= MIN_RFC_NUMBER && number <= MAX_RFC_NUMBER;
    }
}
