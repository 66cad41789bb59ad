package net.p2pci.server.store.shared;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a server instance takes part in a shared store.
 *
 * @param instanceName   the name the instance is known by in the database; empty for the default, taken from
 *                       where it listens ({@code host/address:port}), which no other live instance can hold
 * @param leaseRenewal   how often the instance renews its lease
 * @param lease          how long a lease lasts unrenewed: an instance silent for longer is dead to the others, who
 *                       delete its peers and their records
 * @param databaseWait   how long a request may wait for the database before its connection is closed
 * @param user           the database user; empty for the one in the JDBC URL, or the driver's default
 * @param password       the database password; empty for the one in the JDBC URL, or none
 */
public record SharedStoreSettings(Optional<String> instanceName, Duration leaseRenewal, Duration lease,
        Duration databaseWait, Optional<String> user, Optional<String> password) {
    /** Often enough that a lease of three times as long survives two lost renewals. */
    public static final Duration DEFAULT_LEASE_RENEWAL = Duration.ofSeconds(5);
    /** A dead instance's peers are purged within this, plus a second. */
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(15);
    /**
     * Long enough to ride out a database restart of a few seconds, short enough that a peer (ours waits 30 s for an
     * answer) learns of the trouble from a closed connection, and reconnects, rather than from its own timeout.
     */
    public static final Duration DEFAULT_DATABASE_WAIT = Duration.ofSeconds(5);

    public static final SharedStoreSettings DEFAULT = new SharedStoreSettings(Optional.empty(),
            DEFAULT_LEASE_RENEWAL, DEFAULT_LEASE, DEFAULT_DATABASE_WAIT, Optional.empty(), Optional.empty());

    public SharedStoreSettings {
        Objects.requireNonNull(instanceName, "instanceName");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        if (leaseRenewal.toMillis() < 100 || databaseWait.toMillis() < 100) {
            throw new IllegalArgumentException("lease renewal and database wait must be at least 100 ms");
        }
        if (lease.compareTo(leaseRenewal.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("a lease must last at least twice its renewal interval ("
                    + leaseRenewal.toMillis() + " ms), or one late renewal would lose it");
        }
    }

    public SharedStoreSettings withInstanceName(String value) {
        return new SharedStoreSettings(Optional.of(value), leaseRenewal, lease, databaseWait, user, password);
    }

    public SharedStoreSettings withLease(Duration renewal, Duration length) {
        return new SharedStoreSettings(instanceName, renewal, length, databaseWait, user, password);
    }

    public SharedStoreSettings withDatabaseWait(Duration value) {
        return new SharedStoreSettings(instanceName, leaseRenewal, lease, value, user, password);
    }

    public SharedStoreSettings withCredentials(Optional<String> newUser, Optional<String> newPassword) {
        return new SharedStoreSettings(instanceName, leaseRenewal, lease, databaseWait, newUser, newPassword);
    }
}
