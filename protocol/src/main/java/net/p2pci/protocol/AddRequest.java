package net.p2pci.protocol;

/** {@code ADD RFC n}: the sending peer holds RFC {@code rfcNumber} under {@code title}. */
public record AddRequest(int rfcNumber, String host, int port, String title) implements IndexRequest {
    public AddRequest {
        WireText.requireRequestedRfcNumber(rfcNumber);
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
        WireText.require(WireText.isTitle(title), "title", title);
    }
}
