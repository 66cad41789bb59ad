package net.p2pci.server.store.shared;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.server.store.StoreUnavailableException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * An instance's lease on the shared index: a row of {@code server_instance} with an expiry in the database's clock,
 * which the instance's peers hang from ({@code ON DELETE CASCADE}). It takes the lease at start, renews it every
 * {@link SharedStoreSettings#leaseRenewal}, and deletes every other instance whose lease has expired, with its peers
 * and their records, in one transaction. When the lease is lost (it could not be renewed in time, or another
 * instance deleted it), it calls {@code onLost} once, deletes what is left of the old row and takes a new lease.
 *
 * <p>Thread-safe. Three threads of its own: the keeper, which talks to the database (on connections of its own, so
 * that requests never crowd a renewal out) and may wait on it for long; the watch, which only notices a lease that
 * has run out on this machine's clock, so that a keeper stuck on a silent database cannot delay that; and the
 * callers of {@link #awaitValid}, request threads that wait on {@link #monitor} while there is no lease.
 */
final class InstanceLease implements AutoCloseable {
    private static final Logger log = LogManager.getLogger(InstanceLease.class);

    /** How often the keeper looks for dead instances to purge and whether its own lease is due; and the watch looks. */
    static final Duration TICK = Duration.ofMillis(500);

    /**
     * A lease: the instance's row, and until when, on this machine's monotonic clock, the instance may count on it.
     * The database's expiry is later than that, since the database set it after this clock was read.
     */
    record Lease(long instanceId, long validUntilNanos) {
        boolean isValidAt(long nanos) {
            return nanos - validUntilNanos < 0;
        }
    }

    private final Jdbi upkeep;
    private final SharedStoreSettings settings;
    private final String name;
    private final Runnable onLost;
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-keeper").daemon(true).factory());
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-watch").daemon(true).factory());
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Guards changes of {@link #lease} and {@link #lostInstanceId}; callers waiting for a lease wait on it. */
    private final Object monitor = new Object();
    /** The lease held, or null while there is none (lost, and not yet taken again). */
    private volatile Lease lease;
    /** The row of the last lease lost, to delete before the next is taken; -1 when none. Under {@link #monitor}. */
    private long lostInstanceId = -1;
    /** Keeper thread only, as is {@link #failing}. */
    private long nextRenewalNanos;
    private boolean failing;

    /**
     * @param upkeep   the database, through connections that requests do not use
     * @param onLost   called once per lost lease, on the thread that found it lost: every peer connection must close
     */
    InstanceLease(Jdbi upkeep, SharedStoreSettings settings, String name, Runnable onLost) {
        this.upkeep = upkeep;
        this.settings = settings;
        this.name = name;
        this.onLost = onLost;
    }

    String name() {
        return name;
    }

    /** The id of the instance row held now, or -1 while there is no lease. */
    long instanceId() {
        Lease held = lease;
        return held == null ? -1 : held.instanceId();
    }

    /**
     * Takes the first lease: removes what an earlier run under this name left and inserts this instance's row. An
     * earlier run's lease that has not expired may be another live instance's with the same name (cloned machines
     * share host names), so this waits for it to expire, and refuses to start should it be renewed meanwhile.
     *
     * @throws IllegalStateException when a live instance holds the name
     */
    void takeFirst() {
        long waitUntil = System.nanoTime() + settings.lease().plus(settings.leaseRenewal()).plus(TICK).toNanos();
        String lastExpiry = null;
        while (true) {
            long sent = System.nanoTime();
            Takeover takeover = upkeep.inTransaction(handle -> {
                // Instances starting together under one name take turns, so that one of them is refused.
                handle.createQuery("SELECT pg_advisory_xact_lock(hashtext(:name))::text").bind("name", name)
                        .mapTo(String.class).one();
                // The latest expiry under the name, so that a renewal of it is told from one of another row.
                List<String> live = handle.createQuery("SELECT lease_until::text FROM server_instance"
                                + " WHERE name = :name AND lease_until > now() ORDER BY lease_until DESC LIMIT 1")
                        .bind("name", name).mapTo(String.class).list();
                if (!live.isEmpty()) {
                    return new Takeover(-1, live.get(0));
                }
                Counts left = Counts.ofInstances(handle, "name", name);
                if (handle.createUpdate("DELETE FROM server_instance WHERE name = :name").bind("name", name)
                        .execute() > 0) {
                    log.info("[Server] Removed what an earlier run of instance {} left: {}", name, left);
                }
                return new Takeover(insertInstance(handle), null);
            });
            if (takeover.instanceId() >= 0) {
                nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
                setLease(new Lease(takeover.instanceId(), sent + settings.lease().toNanos()));
                log.info("[Server] Sharing the index in PostgreSQL as instance {} (lease {} s, renewed every {} s)",
                        name, seconds(settings.lease()), seconds(settings.leaseRenewal()));
                return;
            }
            if (lastExpiry != null && !lastExpiry.equals(takeover.liveUntil())) {
                throw new IllegalStateException("another live ci-server instance is named '" + name + "' on this"
                        + " database (it renewed its lease while this one waited); give each instance its own"
                        + " --instance-name");
            }
            if (lastExpiry == null) {
                log.info("[Server] Waiting up to {} s for the lease of an earlier run of instance {} to expire; if"
                        + " that instance still runs, give this one another --instance-name", seconds(settings.lease()),
                        name);
            }
            lastExpiry = takeover.liveUntil();
            if (System.nanoTime() - waitUntil > 0) {
                throw new IllegalStateException("the lease of instance '" + name + "' has not expired in "
                        + seconds(settings.lease()) + " s; give each instance its own --instance-name");
            }
            sleep(TICK.toMillis());
        }
    }

    /** What {@link #takeFirst} found: the row it inserted, or the expiry of a live lease under the name. */
    private record Takeover(long instanceId, String liveUntil) {
    }

    /** Starts renewing, purging and watching. */
    void start() {
        long tick = Math.min(TICK.toMillis(), settings.leaseRenewal().toMillis());
        keeper.scheduleWithFixedDelay(this::keep, tick, tick, TimeUnit.MILLISECONDS);
        watch.scheduleWithFixedDelay(this::watchExpiry, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** The lease to write under, waiting for one until {@code deadline} (System.nanoTime) while there is none. */
    Lease awaitValid(long deadline) {
        synchronized (monitor) {
            while (true) {
                if (closed.get()) {
                    throw new IllegalStateException("the index store is closed");
                }
                Lease held = lease;
                long now = System.nanoTime();
                if (held != null && held.isValidAt(now)) {
                    return held;
                }
                long left = deadline - now;
                if (left <= 0) {
                    throw new StoreUnavailableException("this instance holds no lease on the shared index (its"
                            + " database is or was unreachable), so it cannot take registrations", null);
                }
                try {
                    // A lease that merely runs out wakes no one: look again at least every 50 ms.
                    TimeUnit.NANOSECONDS.timedWait(monitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted while waiting for a lease", e);
                }
            }
        }
    }

    /**
     * Gives {@code held} up, if it is still the lease: from now on nothing is registered under it, {@code onLost}
     * closes every peer connection (their peers register again, under the next lease), and the keeper takes a new
     * lease at its next round.
     */
    void lose(Lease held, String why) {
        synchronized (monitor) {
            if (lease != held || held == null) {
                return; // lost already
            }
            lostInstanceId = held.instanceId();
            lease = null;
        }
        log.warn("[Server] This instance lost its lease on the shared index ({}): other instances may have removed"
                + " its peers, so it closes every peer connection; peers reconnect and register again", why);
        onLost.run();
    }

    private void watchExpiry() {
        Lease held = lease;
        if (held != null && !held.isValidAt(System.nanoTime())) {
            lose(held, "it could not be renewed for " + seconds(settings.lease()) + " s");
        }
    }

    /** The keeper's round: takes a lease if there is none, renews a due one, and purges dead instances. */
    private void keep() {
        try {
            Lease held = lease;
            if (held == null) {
                takeAgain();
            } else if (System.nanoTime() - nextRenewalNanos >= 0) {
                renew(held);
            }
            purgeDeadInstances();
            if (failing) {
                log.info("[Server] The shared index's database answers again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                if (SharedStore.isConnectionFailure(e)) {
                    log.warn("[Server] Cannot reach the shared index's database ({}); this instance's lease lasts {}"
                            + " s unrenewed, and requests wait up to {} s for the database", SharedStore.rootMessage(e),
                            seconds(settings.lease()), seconds(settings.databaseWait()));
                } else {
                    log.error("[Server] The lease keeper failed; it tries again every {} ms", TICK.toMillis(), e);
                }
                failing = true;
            }
        } catch (Error e) {
            log.error("[Server] The lease keeper failed; it tries again at its next round", e);
        }
    }

    private void renew(Lease held) {
        long sent = System.nanoTime();
        int renewed = upkeep.withHandle(handle -> handle.createUpdate("UPDATE server_instance"
                        + " SET lease_until = now() + :lease * INTERVAL '1 millisecond'"
                        + " WHERE id = :id AND lease_until > now()")
                .bind("lease", settings.lease().toMillis()).bind("id", held.instanceId()).execute());
        if (renewed == 0) {
            lose(held, "it had expired when the database answered");
            return;
        }
        nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
        synchronized (monitor) {
            if (lease == held) { // not lost meanwhile
                lease = new Lease(held.instanceId(), sent + settings.lease().toNanos());
            }
        }
    }

    /** After a lost lease: deletes what is left of the old instance row (its peers too) and takes a new lease. */
    private void takeAgain() {
        long old;
        synchronized (monitor) {
            old = lostInstanceId;
        }
        long sent = System.nanoTime();
        long instanceId = upkeep.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM server_instance WHERE id = :id").bind("id", old).execute();
            return insertInstance(handle);
        });
        nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
        setLease(new Lease(instanceId, sent + settings.lease().toNanos()));
        log.info("[Server] This instance holds a new lease on the shared index and serves registrations again");
    }

    private long insertInstance(Handle handle) {
        return handle.createQuery("INSERT INTO server_instance (name, lease_until)"
                        + " VALUES (:name, now() + :lease * INTERVAL '1 millisecond') RETURNING id")
                .bind("name", name)
                .bind("lease", settings.lease().toMillis())
                .mapTo(Long.class).one();
    }

    private void setLease(Lease value) {
        synchronized (monitor) {
            lease = value;
            monitor.notifyAll();
        }
    }

    /**
     * Deletes every instance whose lease has expired, and with it its peers and their records, in one transaction;
     * instances locked by another survivor doing the same are left to it.
     */
    private void purgeDeadInstances() {
        List<String> purged = upkeep.inTransaction(handle -> {
            List<Long> dead = handle.createQuery("SELECT id FROM server_instance WHERE lease_until < now()"
                            + " FOR UPDATE SKIP LOCKED")
                    .mapTo(Long.class).list();
            List<String> lines = new ArrayList<>();
            for (long id : dead) {
                String who = handle.createQuery("SELECT name || ' (lease expired '"
                                + " || round(extract(epoch FROM now() - lease_until) * 1000) || ' ms ago)'"
                                + " FROM server_instance WHERE id = :id")
                        .bind("id", id).mapTo(String.class).one();
                Counts counts = Counts.ofInstances(handle, "id", id);
                handle.createUpdate("DELETE FROM server_instance WHERE id = :id").bind("id", id).execute();
                lines.add(who + ": removed its " + counts);
            }
            return lines;
        });
        for (String line : purged) {
            log.warn("[Server] Instance {}", line);
        }
    }

    /** Peers and records, for log lines. */
    private record Counts(long peers, long records) {
        /** How many peers and records hang from the instances whose {@code column} is {@code value}. */
        static Counts ofInstances(Handle handle, String column, Object value) {
            return handle.createQuery("SELECT COUNT(DISTINCT p.id), COUNT(r.id) FROM server_instance i"
                            + " JOIN peer p ON p.instance_id = i.id LEFT JOIN rfc_record r ON r.peer_id = p.id"
                            + " WHERE i." + column + " = :value")
                    .bind("value", value)
                    .map((row, context) -> new Counts(row.getLong(1), row.getLong(2))).one();
        }

        @Override
        public String toString() {
            return peers + (peers == 1 ? " peer" : " peers") + " and " + records
                    + (records == 1 ? " record" : " records");
        }
    }

    /** {@code duration} in seconds for a log line: "15", or "2.5" for a fraction. */
    static String seconds(Duration duration) {
        return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an earlier lease to expire", e);
        }
    }

    /**
     * Stops renewing and deletes this instance's row, and with it whatever peers are left, so that the other
     * instances need not wait for the lease to expire.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        watch.shutdownNow();
        keeper.shutdownNow();
        try {
            keeper.awaitTermination(settings.databaseWait().toMillis(), TimeUnit.MILLISECONDS);
            Lease held = lease;
            if (held != null) {
                upkeep.useHandle(handle -> handle.createUpdate("DELETE FROM server_instance WHERE id = :id")
                        .bind("id", held.instanceId()).execute());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("[Server] Could not remove this instance from the shared index ({}); the others will once its"
                    + " lease expires", SharedStore.rootMessage(e));
        } finally {
            synchronized (monitor) {
                lease = null;
                monitor.notifyAll();
            }
        }
    }
}
