package net.p2pci.web;

/**
 * The JDK HTTP server's limits, which it reads from system properties once, when it is first used; unset, a request
 * could take forever to arrive and bring any number of headers. Immutable.
 *
 * @param maxConnections        open HTTP connections at once; the rest are refused by the JDK server
 * @param maxRequestSeconds     seconds a client has to send a request's headers: slow-drip clients are cut off
 * @param maxRequestHeaders     header lines in one request; a browser sends about a dozen
 * @param maxRequestHeaderBytes bytes of headers in one request
 */
public record JdkServerLimits(int maxConnections, int maxRequestSeconds, int maxRequestHeaders,
        int maxRequestHeaderBytes) {

    /** Sets each limit unless given with -D on the command line, which stays. Call before the server is created. */
    public void apply() {
        System.getProperties().putIfAbsent("jdk.httpserver.maxConnections", Integer.toString(maxConnections));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(maxRequestSeconds));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqHeaders", Integer.toString(maxRequestHeaders));
        System.getProperties().putIfAbsent("sun.net.httpserver.maxReqHeaderSize",
                Integer.toString(maxRequestHeaderBytes));
    }
}
