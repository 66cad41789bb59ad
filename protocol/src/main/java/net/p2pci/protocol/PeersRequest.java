package net.p2pci.protocol;

/** {@code PEERS ALL P2P-CI/1.0}: the active peers, each with its record count. */
public record PeersRequest(String host, int port) implements ExtensionRequest {
    public PeersRequest {
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
    }
}
