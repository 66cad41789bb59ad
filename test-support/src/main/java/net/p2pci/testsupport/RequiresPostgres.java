package net.p2pci.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a JUnit 5 test class (or method) that needs PostgreSQL, so that all of them behave alike when it is
 * missing: skipped, with a line saying what and how to run them, on a developer's machine; failed in CI (see
 * {@link PostgresCluster#required()}), where a skip would pass a build that tested nothing. The tests start their
 * clusters with {@link PostgresCluster#start()}. Tagged {@value #TAG}, so that {@code mvn verify -Dgroups=postgres}
 * runs only these.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(RequiresPostgres.TAG)
@ExtendWith(PostgresCondition.class)
public @interface RequiresPostgres {
    String TAG = "postgres";
}
