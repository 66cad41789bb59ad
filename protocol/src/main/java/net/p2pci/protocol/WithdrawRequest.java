package net.p2pci.protocol;

/** {@code WITHDRAW RFC n}: the sending connection no longer offers RFC {@code rfcNumber}. */
public record WithdrawRequest(int rfcNumber, String host, int port) implements ExtensionRequest {
    public WithdrawRequest {
        WireText.requireRequestedRfcNumber(rfcNumber);
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
    }
}
