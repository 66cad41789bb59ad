package net.p2pci.protocol;

/** One line of a PEERS answer, {@code PEER host port records}: an active peer and how many records it holds. */
public record PeerLine(String host, int port, int records) {
    public PeerLine {
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
        if (records < 0) {
            throw new IllegalArgumentException("record count " + records);
        }
    }
}
