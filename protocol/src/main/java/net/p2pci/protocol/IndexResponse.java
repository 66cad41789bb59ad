package net.p2pci.protocol;

import java.util.List;
import java.util.Objects;

/**
 * The index server's answer to a P2S request: a status and zero or more records. Answers to the extensions
 * (docs/PROTOCOL.md section 8) may also carry headers, between the status line and its empty line, and a PEERS
 * answer has peer lines where others have records; a standard answer has neither, so its bytes are the standard's.
 */
public record IndexResponse(Status status, List<Header> headers, List<RfcRecord> records, List<PeerLine> peers) {
    public IndexResponse {
        Objects.requireNonNull(status, "status");
        headers = List.copyOf(headers);
        records = List.copyOf(records);
        peers = List.copyOf(peers);
    }

    /** A standard answer: no headers, no peer lines. */
    public IndexResponse(Status status, List<RfcRecord> records) {
        this(status, List.of(), records, List.of());
    }

    public static IndexResponse ok(List<RfcRecord> records) {
        return new IndexResponse(Status.OK_200, records);
    }

    /** A status without records: 404 for a LOOKUP that found nothing, or an error. */
    public static IndexResponse of(Status status) {
        return new IndexResponse(status, List.of());
    }

    /** The value of header {@code name} (in any case), or null. */
    public String header(String name) {
        return Extensions.header(headers, name);
    }
}
