package net.p2pci.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET RFC n}, sent to a peer's upload server. {@code host} names the peer asked; {@code os} is the
 * requester's operating system, which some implementations leave out.
 */
public record GetRequest(int rfcNumber, String host, Optional<String> os) implements Request {
    public GetRequest {
        WireText.requireRequestedRfcNumber(rfcNumber);
        WireText.require(WireText.isHost(host), "host", host);
        Objects.requireNonNull(os, "os");
        os.ifPresent(text -> WireText.require(WireText.isFieldText(text), "OS", text));
    }
}
