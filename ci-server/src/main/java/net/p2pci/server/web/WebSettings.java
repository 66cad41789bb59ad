package net.p2pci.server.web;

import java.net.InetAddress;

/**
 * Where the dashboard and metrics listen ({@code --http-port}, {@code --http-bind}).
 *
 * @param bindAddress the address to listen on; null for every local address
 * @param port        the TCP port; 0 takes any free port
 */
public record WebSettings(InetAddress bindAddress, int port) {
    public WebSettings {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }
}
