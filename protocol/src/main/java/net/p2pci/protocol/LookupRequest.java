package net.p2pci.protocol;

import java.util.Objects;
import java.util.Optional;

/** {@code LOOKUP RFC n}: which peers hold RFC {@code rfcNumber}? The title is informational and optional. */
public record LookupRequest(int rfcNumber, String host, int port, Optional<String> title) implements IndexRequest {
    public LookupRequest {
        WireText.requireRequestedRfcNumber(rfcNumber);
        WireText.require(WireText.isHost(host), "host", host);
        WireText.requirePort(port);
        Objects.requireNonNull(title, "title");
        title.ifPresent(text -> WireText.require(WireText.isTitle(text), "title", text));
    }
}
