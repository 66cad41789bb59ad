package net.p2pci.server.store;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings a store's database to the schema this build expects, with Flyway: each version in {@code sql/<dialect>/}
 * at the top of the repository is applied once, in order, and recorded in the database; nothing is ever dropped.
 * Flyway takes a lock in the database while it works, so instances starting together apply each version once.
 */
public final class Schema {
    /** The schema for H2, the embedded store's. */
    public static final String H2 = "h2";
    /** The schema for PostgreSQL, the shared store's. */
    public static final String POSTGRESQL = "postgresql";

    private Schema() {
    }

    /** Applies the versions of {@code dialect}'s schema that {@code dataSource}'s database lacks. */
    public static void migrate(DataSource dataSource, String dialect) {
        Flyway.configure(Schema.class.getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:sql/" + dialect)
                .failOnMissingLocations(true)
                .load()
                .migrate();
    }
}
