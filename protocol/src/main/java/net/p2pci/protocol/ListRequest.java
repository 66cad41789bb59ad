package net.p2pci.protocol;

/** {@code LIST ALL}: every record in the index. */
public record ListRequest(String host, int port) implements IndexRequest {
    public ListRequest {
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
    }
}
