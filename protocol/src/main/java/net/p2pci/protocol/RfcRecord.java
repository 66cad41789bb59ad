package net.p2pci.protocol;

/** One index entry: an RFC, its title, and the peer (host and upload port) that holds it. */
public record RfcRecord(int number, String title, String host, int port) {
    public RfcRecord {
        WireText.requireRfcNumber(number);
        WireText.require(WireText.isTitle(title), "title", title);
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
    }
}
