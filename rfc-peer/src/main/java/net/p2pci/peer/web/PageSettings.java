package net.p2pci.peer.web;

import java.net.InetAddress;
import java.util.Objects;

/**
 * Where the peer's web page listens ({@code --http-port}, {@code --http-bind}).
 *
 * @param bindAddress the address to listen on; loopback unless the person asks for more, since the page can start
 *                    downloads and has no password
 * @param port        the port; 0 takes any free port
 */
public record PageSettings(InetAddress bindAddress, int port) {
    /** This machine only. */
    public static final InetAddress DEFAULT_BIND = InetAddress.getLoopbackAddress();

    public PageSettings {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }
}
