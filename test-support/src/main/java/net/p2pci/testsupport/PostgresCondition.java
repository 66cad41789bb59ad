package net.p2pci.testsupport;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The condition behind {@link RequiresPostgres}: runs the tests when PostgreSQL is available; else skips them, or
 * fails them where it is required.
 *
 * <p>With {@code RequiresPostgres}, the only classes of this module that need JUnit, which the module has as
 * {@code provided}: the tests using them bring their own, and the demo and the bench, which use the rest of the
 * module, never load them. Stateless.
 */
public final class PostgresCondition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        String what = context.getTestMethod().map(method -> context.getRequiredTestClass().getSimpleName() + "."
                + method.getName()).orElseGet(() -> context.getRequiredTestClass().getSimpleName());
        ConditionEvaluationResult result = decide(PostgresCluster.availability(), PostgresCluster.required(), what);
        if (result.isDisabled()) {
            // Surefire counts a skipped test but does not say why; this line does, in the build's output.
            System.err.println("[p2pci] " + result.getReason().orElseThrow());
        }
        return result;
    }

    /** Runs the tests in {@code what}, skips them with a message, or, when {@code required}, fails them. */
    static ConditionEvaluationResult decide(PostgresCluster.Availability availability, boolean required,
                                            String what) {
        return switch (availability) {
            case PostgresCluster.Availability.Available available ->
                    ConditionEvaluationResult.enabled("PostgreSQL is here: " + available.installation());
            case PostgresCluster.Availability.Unavailable unavailable -> {
                if (required) {
                    throw Assertions.<RuntimeException>fail("The PostgreSQL tests in " + what + " cannot run: "
                            + unavailable.reason() + ". PostgreSQL is required here (CI=true or -D"
                            + PostgresCluster.REQUIRE_PROPERTY + "=true): install it (e.g. apt-get install"
                            + " postgresql) or set " + PostgresInstallation.BIN_DIRECTORY_VARIABLE
                            + " to its bin directory.");
                }
                yield ConditionEvaluationResult.disabled("Skipped the PostgreSQL tests in " + what + ": "
                        + unavailable.reason() + ". To run them, install PostgreSQL "
                        + PostgresInstallation.MINIMUM_MAJOR_VERSION + " or newer (e.g. apt-get install postgresql)"
                        + " or set " + PostgresInstallation.BIN_DIRECTORY_VARIABLE + " to its bin directory; with"
                        + " CI=true or -D" + PostgresCluster.REQUIRE_PROPERTY + "=true a missing PostgreSQL fails"
                        + " them instead.");
            }
        };
    }
}
