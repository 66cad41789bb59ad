package net.p2pci.protocol;

/** Constants that both ends of P2P-CI/1.0 agree on. */
public final class Protocol {
    /** The only version this implementation speaks; any other well-formed version is answered with 505. */
    public static final String VERSION = "P2P-CI/1.0";

    /** The index server's well-known TCP port. */
    public static final int DEFAULT_SERVER_PORT = 7734;

    /** The content type of every file an upload server sends. */
    public static final String CONTENT_TYPE_TEXT = "text/plain";

    private Protocol() {
    }
}
