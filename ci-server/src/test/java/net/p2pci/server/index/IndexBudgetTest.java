package net.p2pci.server.index;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The default budget's share of the heap. */
class IndexBudgetTest {
    @Test
    void theDefaultBudgetIsAShareOfTheHeapAndAQuarterOfItPerAddress() {
        IndexBudget budget = IndexBudget.forHeap(1_000_000_000L);

        assertThat(budget.maxBytes()).isEqualTo(400_000_000L);
        assertThat(budget.maxBytesPerAddress()).isEqualTo(100_000_000L);
    }
}
