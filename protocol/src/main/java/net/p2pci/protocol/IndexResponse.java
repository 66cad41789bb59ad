package net.p2pci.protocol;

import java.util.List;
import java.util.Objects;

/** The index server's answer to a P2S request: a status and zero or more records. */
public record IndexResponse(Status status, List<RfcRecord> records) {
    public IndexResponse {
        Objects.requireNonNull(status, "status");
        records = List.copyOf(records);
    }

    public static IndexResponse ok(List<RfcRecord> records) {
        return new IndexResponse(Status.OK_200, records);
    }

    /** A status without records: 404 for a LOOKUP that found nothing, or an error. */
    public static IndexResponse of(Status status) {
        return new IndexResponse(status, List.of());
    }
}
