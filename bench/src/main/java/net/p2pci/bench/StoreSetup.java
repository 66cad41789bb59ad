package net.p2pci.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the servers under test keep the index: embedded in the one ci-server (H2, the default), or in PostgreSQL,
 * shared by {@code instances} ci-server processes among which the simulated peers are spread evenly.
 *
 * @param shared    whether the index is kept in PostgreSQL
 * @param instances how many ci-server processes share it (1 when embedded)
 * @param database  the PostgreSQL database to use; empty to start a throwaway cluster for the run
 */
record StoreSetup(boolean shared, int instances, Optional<Database> database) {
    static final StoreSetup EMBEDDED = new StoreSetup(false, 1, Optional.empty());
    /**
     * Each instance is a JVM of its own and takes a pool of 24 PostgreSQL connections; on the 2-core machines this
     * tool is run on, more than a few only split the cores further.
     */
    static final int MAX_INSTANCES = 4;
    /** The scenarios that run on a shared store: those whose peers only send requests, and can be spread. */
    static final List<String> SCENARIOS = List.of("lookup", "add", "list", "mixed", "search", "search-broad");

    StoreSetup {
        Objects.requireNonNull(database, "database");
        if (instances < 1 || instances > MAX_INSTANCES || !shared && (instances != 1 || database.isPresent())) {
            throw new IllegalArgumentException("--instances takes 1 to " + MAX_INSTANCES
                    + ", and it and --db apply to --store shared only");
        }
    }

    /** What the report's header adds for this store: nothing for the default, so that its output stays as it was. */
    String describe() {
        return shared ? " store=shared instances=" + instances : "";
    }

    /**
     * A PostgreSQL database for the servers: its JDBC URL and the user and password they connect with. An empty
     * password leaves ci-server to the {@value #PASSWORD_VARIABLE} it inherits from this tool, if any.
     */
    record Database(String jdbcUrl, Optional<String> user, Optional<String> password) {
        /** Where ci-server reads the password from, so that it never shows in a process list. */
        static final String PASSWORD_VARIABLE = "CI_SERVER_DB_PASSWORD";

        Database {
            Objects.requireNonNull(jdbcUrl, "jdbcUrl");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
            if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("--db takes a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DB),"
                        + " not: " + jdbcUrl);
            }
        }

        /** ci-server's options for this database. */
        List<String> serverArguments() {
            List<String> arguments = new ArrayList<>(List.of("--db", jdbcUrl));
            user.ifPresent(name -> arguments.addAll(List.of("--db-user", name)));
            return arguments;
        }

        /** What ci-server's environment needs for this database. */
        Map<String, String> serverEnvironment() {
            return password.map(secret -> Map.of(PASSWORD_VARIABLE, secret)).orElse(Map.of());
        }
    }
}
