package net.p2pci.protocol;

/** One {@code Name: value} line of a P2P response. */
public record Header(String name, String value) {
    public Header {
        WireText.require(WireText.isHeaderName(name), "header name", name);
        WireText.require(value != null && (value.isEmpty() || WireText.isFieldText(value)), "header value", value);
    }
}
