package net.p2pci.protocol;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET RFC n}, sent to a peer's upload server. {@code host} names the peer asked; {@code os} is the
 * requester's operating system, which some implementations leave out. {@code wantsDigest} and {@code range} are the
 * extensions of docs/PROTOCOL.md 9: a standard GET has neither.
 */
public record GetRequest(int rfcNumber, String host, Optional<String> os, boolean wantsDigest,
                         Optional<ByteRange> range) implements Request {
    public GetRequest {
        WireText.requireRequestedRfcNumber(rfcNumber);
        WireText.require(WireText.isHost(host), "host", host);
        Objects.requireNonNull(os, "os");
        os.ifPresent(text -> WireText.require(WireText.isFieldText(text), "OS", text));
        Objects.requireNonNull(range, "range");
    }

    /** A standard GET, with no extension asked for. */
    public GetRequest(int rfcNumber, String host, Optional<String> os) {
        this(rfcNumber, host, os, false, Optional.empty());
    }

    /** Whether it asks for any extension: a standard peer never does. */
    public boolean isExtended() {
        return wantsDigest || range.isPresent();
    }

    /** This request, asking for {@code range} too. */
    public GetRequest withRange(ByteRange range) {
        return new GetRequest(rfcNumber, host, os, wantsDigest, Optional.of(range));
    }

    /** The standard GET that asks for the same file: this one without its extensions. */
    public GetRequest standard() {
        return new GetRequest(rfcNumber, host, os);
    }
}
