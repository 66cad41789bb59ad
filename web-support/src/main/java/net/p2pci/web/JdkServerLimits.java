package net.p2pci.web;

/**
 * The JDK HTTP server's limits, which it reads from system properties once, when it is first used; unset, a request
 * could take forever to arrive and bring any number of headers. The request limits are the same for every page; the
 * connections each server sizes for its readers. Stateless.
 */
public final class JdkServerLimits {
    /** Seconds a client has to send a request's headers: slow-drip clients are cut off. */
    public static final int MAX_REQUEST_SECONDS = 10;
    /** Header lines in one request; a browser sends about a dozen. */
    public static final int MAX_REQUEST_HEADERS = 64;
    /** Bytes of headers in one request. */
    public static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;

    private JdkServerLimits() {
    }

    /**
     * Sets each limit unless given with -D on the command line, which stays. Call before the server is created.
     *
     * @param maxConnections open HTTP connections at once; the rest are refused by the JDK server
     */
    public static void apply(int maxConnections) {
        System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", Integer.toString(maxConnections));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(MAX_REQUEST_SECONDS));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_REQUEST_HEADERS));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqHeaderSize",
                Integer.toString(MAX_REQUEST_HEADER_BYTES));
    }
}
