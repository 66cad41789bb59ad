package net.p2pci.server.store;

import java.util.List;
import net.p2pci.protocol.RfcRecord;

/**
 * What a SEARCH found: at most the limit asked for, by RFC number and then registration order, and whether more
 * matched. Immutable.
 */
public record SearchHits(List<RfcRecord> records, boolean truncated) {
    public SearchHits {
        records = List.copyOf(records);
    }
}
