package net.p2pci.protocol;

import java.io.IOException;

/** A response that does not follow P2P-CI/1.0; the connection it came on cannot be trusted further. */
public final class ResponseFormatException extends IOException {
    public ResponseFormatException(String reason) {
        super(reason);
    }
}
