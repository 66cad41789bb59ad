package net.p2pci.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.opentest4j.AssertionFailedError;

/** What {@link RequiresPostgres} does with a missing PostgreSQL: a skip that says how to run, or a failure in CI. */
class PostgresConditionTest {
    private static final PostgresCluster.Availability MISSING =
            new PostgresCluster.Availability.Unavailable("no PostgreSQL server 13 or newer found (looked here)");

    @Test
    void aMissingPostgresSkipsTheTestsWithWhatWasSkippedAndHowToRunThem() {
        ConditionEvaluationResult result = PostgresCondition.decide(MISSING, false, "PgIndexStoreTest");

        assertThat(result.isDisabled()).isTrue();
        assertThat(result.getReason()).hasValueSatisfying(reason -> assertThat(reason)
                .startsWith("Skipped the PostgreSQL tests in PgIndexStoreTest: no PostgreSQL server 13 or newer"
                        + " found (looked here). To run them, install PostgreSQL 13 or newer")
                .contains("apt-get install postgresql", "P2PCI_PG_BIN", "CI=true", "-Dp2pci.requirePostgres=true"));
    }

    @Test
    void aMissingPostgresFailsTheTestsWhereItIsRequired() {
        assertThatThrownBy(() -> PostgresCondition.decide(MISSING, true, "PgIndexStoreTest"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("The PostgreSQL tests in PgIndexStoreTest cannot run: no PostgreSQL server")
                .hasMessageContaining("PostgreSQL is required here (CI=true or -Dp2pci.requirePostgres=true)");
    }
}
