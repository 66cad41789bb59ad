package net.p2pci.protocol;

/** {@code OPTIONS * P2P-CI/1.0}: which extensions does this index server offer? */
public record OptionsRequest(String host, int port) implements ExtensionRequest {
    public OptionsRequest {
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
    }
}
