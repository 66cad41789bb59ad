package net.p2pci.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a record costs the memory budget. */
class RecordSizeTest {
    @Test
    void aTitleBeyondLatin1CountsTwiceAsMuchAsOneWithin() {
        long latin1 = RecordSize.of("Caf\u00e9 ".repeat(20));
        long greek = RecordSize.of("\u03a9\u03bc\u03ad\u03b3\u03b1".repeat(20));

        assertThat(latin1).isEqualTo(RecordSize.RECORD_OVERHEAD_BYTES + 2 * 100);
        assertThat(greek).isEqualTo(RecordSize.RECORD_OVERHEAD_BYTES + 4 * 100);
    }
}
