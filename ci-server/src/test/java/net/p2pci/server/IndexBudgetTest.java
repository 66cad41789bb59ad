package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a record costs the budget, and the default budget's share of the heap. */
class IndexBudgetTest {
    @Test
    void aTitleBeyondLatin1CountsTwiceAsMuchAsOneWithin() {
        long latin1 = IndexBudget.recordBytes("Caf\u00e9 ".repeat(20));
        long greek = IndexBudget.recordBytes("\u03a9\u03bc\u03ad\u03b3\u03b1".repeat(20));

        assertThat(latin1).isEqualTo(IndexBudget.RECORD_OVERHEAD_BYTES + 2 * 100);
        assertThat(greek).isEqualTo(IndexBudget.RECORD_OVERHEAD_BYTES + 4 * 100);
    }

    @Test
    void theDefaultBudgetIsAShareOfTheHeapAndAQuarterOfItPerAddress() {
        IndexBudget budget = IndexBudget.forHeap(1_000_000_000L);

        assertThat(budget.maxBytes()).isEqualTo(400_000_000L);
        assertThat(budget.maxBytesPerAddress()).isEqualTo(100_000_000L);
    }
}
