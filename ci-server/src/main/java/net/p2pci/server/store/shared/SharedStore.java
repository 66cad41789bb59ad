package net.p2pci.server.store.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerGoneException;
import net.p2pci.server.store.RecordPage;
import net.p2pci.server.store.RecordQueries;
import net.p2pci.server.store.Schema;
import net.p2pci.server.store.StoreUnavailableException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The shared store: the index in PostgreSQL, which several server instances use at once, through Jdbi over a
 * HikariCP pool. Every request reads or writes the database itself, so any instance may serve any request and
 * sees what every other has committed; ids are the database's.
 *
 * <p>Each instance holds a lease, a row of {@code server_instance} with an expiry in the database's clock, which
 * it renews every {@link SharedStoreSettings#leaseRenewal}. Its peers hang from that row ({@code ON DELETE
 * CASCADE}), so that a surviving instance deletes a dead one's peers and their records in one transaction once its
 * lease has expired. An instance that finds it has lost its lease (it could not renew in time: the database was
 * unreachable, or the process stood still) serves no registration under it again: it closes every peer connection
 * (peers reconnect and register again), deletes what is left of its old row, and takes a new lease.
 *
 * <p>A request waits for an unreachable database up to {@link SharedStoreSettings#databaseWait}, retrying as the
 * connection comes back, and then fails with {@link StoreUnavailableException}; each change is one transaction (and
 * each retried statement is idempotent), so nothing is left half-written.
 *
 * <p>Thread-safe: the pool hands each request a connection of its own; the lease is kept by one thread of its
 * own and published through a volatile field.
 */
public final class SharedStore implements IndexStore {
    private static final Logger log = LogManager.getLogger(SharedStore.class);

    /** How often the lease keeper looks: for dead instances to purge, and whether its own lease is due. */
    static final Duration KEEPER_TICK = Duration.ofMillis(500);
    /**
     * Connections to the database: a request holds one for a statement or two, so a few dozen serve thousands of
     * peers, and two instances stay well inside PostgreSQL's default of 100.
     */
    private static final int POOL_SIZE = 24;
    private static final int MIN_IDLE_CONNECTIONS = 4;
    /** The longest pause between two tries of a statement while the database is unreachable. */
    private static final long MAX_RETRY_PAUSE_MILLIS = 250;

    private static final RecordQueries RECORDS = new RecordQueries("id");

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final AddPolicy policy;
    private final SharedStoreSettings settings;
    private final String instanceName;
    private final Runnable leaseLost;
    private final ProbeRelay probeRelay;
    private final LocalPeers localPeers = new LocalPeers();
    /** Numbers this instance's registrations, so that a registration retried after a lost answer is one row. */
    private final AtomicLong registrations = new AtomicLong();
    private final Set<Long> failedRemovals = ConcurrentHashMap.newKeySet();
    private final AtomicInteger removalsRetried = new AtomicInteger();
    private final AtomicBoolean removalRetryQueued = new AtomicBoolean();
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("lease-keeper").daemon(true).factory());
    /** Guards changes of {@link #lease}; writers waiting for a lease wait on it. */
    private final Object leaseMonitor = new Object();
    /** The lease this instance holds, or null while it holds none (lost, and not yet taken again). */
    private volatile Lease lease;
    /** The instance row of a lease that was lost, to delete before the next is taken; -1 when none. */
    private long lostInstanceId = -1;
    private long nextRenewalNanos;
    private boolean renewalFailing;
    private volatile boolean closing;

    /**
     * A lease: the instance's row, and until when, on this machine's monotonic clock, the instance may count on it.
     * The database's expiry is later than that, since the database set it after this clock was read.
     */
    private record Lease(long instanceId, long validUntilNanos) {
        boolean isValidAt(long nanos) {
            return nanos - validUntilNanos < 0;
        }
    }

    private SharedStore(HikariDataSource dataSource, AddPolicy policy, SharedStoreSettings settings,
            String instanceName, Runnable leaseLost, LongConsumer probe) {
        this.dataSource = dataSource;
        this.probeRelay = new ProbeRelay(dataSource, probe);
        this.jdbi = Jdbi.create(dataSource);
        this.policy = policy;
        this.settings = settings;
        this.instanceName = instanceName;
        this.leaseLost = leaseLost;
    }

    /**
     * Connects to the PostgreSQL database at {@code jdbcUrl}, brings its schema up to date, removes what an earlier
     * run of this instance left, and takes a lease.
     *
     * @param defaultName the instance's name when the settings give none: where it listens, which no other live
     *                    instance can share, so that an earlier run's rows under it are surely dead
     * @param leaseLost   called, on the lease keeper's thread, when the instance has lost its lease: every peer
     *                    connection must be closed
     * @param probe       probes the connection of a peer, if it is this instance's: another instance asks, when a
     *                    claim made through it contests that peer's host:port
     * @throws IllegalStateException when the database cannot be reached, or another live instance has this name
     */
    public static SharedStore open(String jdbcUrl, SharedStoreSettings settings, AddPolicy policy,
            String defaultName, Runnable leaseLost, LongConsumer probe) {
        HikariDataSource dataSource = new HikariDataSource(poolConfig(jdbcUrl, settings));
        String name = settings.instanceName().orElse(defaultName);
        SharedStore store = new SharedStore(dataSource, policy, settings, name, leaseLost, probe);
        try {
            Schema.migrate(dataSource, Schema.POSTGRESQL);
            store.takeFirstLease(settings.instanceName().isEmpty());
        } catch (RuntimeException e) {
            store.keeper.shutdownNow();
            dataSource.close();
            throw e;
        }
        store.probeRelay.start(store.lease.instanceId());
        long tick = Math.min(KEEPER_TICK.toMillis(), settings.leaseRenewal().toMillis());
        store.keeper.scheduleWithFixedDelay(store::keep, tick, tick, TimeUnit.MILLISECONDS);
        return store;
    }

    private static HikariConfig poolConfig(String jdbcUrl, SharedStoreSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("index-database");
        config.setJdbcUrl(jdbcUrl);
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(POOL_SIZE);
        // A few kept open; the rest are opened under load, and need not all be opened again after an outage.
        config.setMinimumIdle(MIN_IDLE_CONNECTIONS);
        long waitMillis = settings.databaseWait().toMillis();
        config.setConnectionTimeout(Math.max(250, waitMillis));
        config.setValidationTimeout(Math.max(250, Math.min(1000, waitMillis)));
        // Start-up fails, with the driver's reason, when the database cannot be reached within the wait.
        config.setInitializationFailTimeout(Math.max(1, waitMillis));
        // The driver's own bounds, so that no statement or connection attempt outlives a request's wait.
        long waitSeconds = Math.max(1, (waitMillis + 999) / 1000);
        config.addDataSourceProperty("connectTimeout", waitSeconds);
        config.addDataSourceProperty("socketTimeout", waitSeconds);
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "ci-server");
        return config;
    }

    /** The name this instance holds its lease under. */
    public String instanceName() {
        return instanceName;
    }

    /**
     * Removes the rows of an earlier run under this instance's name and takes a lease, in one transaction. An
     * earlier run whose lease still runs is taken over only when the name is the default one (where this instance
     * listens, which that run cannot hold any more); otherwise it may be another live instance given the same name.
     */
    private void takeFirstLease(boolean nameIsWhereItListens) {
        long sent = System.nanoTime();
        long instanceId = withDatabase(deadlineFromNow(), () -> jdbi.inTransaction(handle -> {
            List<Boolean> earlier = handle.createQuery(
                            "SELECT lease_until > now() FROM server_instance WHERE name = :name FOR UPDATE")
                    .bind("name", instanceName).mapTo(Boolean.class).list();
            if (earlier.contains(true) && !nameIsWhereItListens) {
                throw new IllegalStateException("another live ci-server instance is named '" + instanceName
                        + "' on this database (its lease has not expired); give each instance its own"
                        + " --instance-name, or wait " + seconds(settings.lease()) + " s if it has stopped");
            }
            if (!earlier.isEmpty()) {
                Counts left = countOf(handle, "name", instanceName);
                handle.createUpdate("DELETE FROM server_instance WHERE name = :name").bind("name", instanceName)
                        .execute();
                log.info("[Server] Removed what an earlier run of instance {} left: {}", instanceName, left);
            }
            return insertInstance(handle);
        }));
        setLease(new Lease(instanceId, sent + settings.lease().toNanos()));
        nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
        log.info("[Server] Sharing the index in PostgreSQL as instance {} (lease {} s, renewed every {} s)",
                instanceName, seconds(settings.lease()), seconds(settings.leaseRenewal()));
    }

    private long insertInstance(Handle handle) {
        return handle.createQuery("INSERT INTO server_instance (name, lease_until)"
                        + " VALUES (:name, now() + :lease * INTERVAL '1 millisecond') RETURNING id")
                .bind("name", instanceName)
                .bind("lease", settings.lease().toMillis())
                .mapTo(Long.class).one();
    }

    /** How many peers and records hang from the instances whose {@code column} is {@code value}. */
    private static Counts countOf(Handle handle, String column, Object value) {
        return handle.createQuery("SELECT COUNT(DISTINCT p.id), COUNT(r.id) FROM server_instance i"
                        + " JOIN peer p ON p.instance_id = i.id LEFT JOIN rfc_record r ON r.peer_id = p.id"
                        + " WHERE i." + column + " = :value")
                .bind("value", value)
                .map((row, context) -> new Counts(row.getLong(1), row.getLong(2))).one();
    }

    /** Peers and records, for log lines. */
    private record Counts(long peers, long records) {
        @Override
        public String toString() {
            return peers + (peers == 1 ? " peer" : " peers") + " and " + records
                    + (records == 1 ? " record" : " records");
        }
    }

    @Override
    public Registration registerPeer(String host, int port, String sourceAddress) {
        long deadline = deadlineFromNow();
        long registration = registrations.incrementAndGet();
        Lease held = awaitLease(deadline);
        Registration answer;
        try {
            answer = withDatabase(deadline, () -> jdbi.inTransaction(handle -> {
                long peerId = handle.createQuery("INSERT INTO peer (instance_id, registration, host, port,"
                                + " source_address) VALUES (:instance, :registration, :host, :port, :source)"
                                + " ON CONFLICT (instance_id, registration) DO UPDATE SET host = EXCLUDED.host"
                                + " RETURNING id")
                        .bind("instance", held.instanceId()).bind("registration", registration)
                        .bind("host", host).bind("port", port).bind("source", sourceAddress)
                        .mapTo(Long.class).one();
                List<Long> others = handle.createQuery(
                                "SELECT id FROM peer WHERE host = :host AND port = :port AND id <> :id ORDER BY id")
                        .bind("host", host).bind("port", port).bind("id", peerId)
                        .mapTo(Long.class).list();
                if (!others.isEmpty()) {
                    // Delivered at commit to every instance, which probes the claimants that are its own.
                    handle.createQuery("SELECT pg_notify(:channel, :payload)::text")
                            .bind("channel", ProbeRelay.CHANNEL)
                            .bind("payload", ProbeRelay.payload(held.instanceId(), others))
                            .mapTo(String.class).one();
                }
                return new Registration(peerId, others);
            }));
        } catch (JdbiException e) {
            if (isForeignKeyViolation(e)) {
                // The instance row is gone: another instance purged it after this one's lease expired.
                loseLease(held, "another instance removed it after it expired");
                throw new StoreUnavailableException("this instance's lease on the shared index was lost", e);
            }
            throw e;
        }
        localPeers.add(answer.peerId(), sourceAddress);
        return answer;
    }

    @Override
    public AddOutcome addRecord(long peerId, int number, String title) {
        LocalPeers.Decision decision = localPeers.admit(peerId, number, title, policy);
        if (decision == null) {
            throw new PeerGoneException(peerId);
        }
        if (decision.outcome() != AddOutcome.ADDED) {
            return decision.outcome();
        }
        long deadline = deadlineFromNow();
        try {
            awaitLease(deadline);
            withDatabase(deadline, () -> jdbi.withHandle(handle -> handle.createUpdate(
                            "INSERT INTO rfc_record (peer_id, rfc_number, title) VALUES (:peer, :number, :title)"
                                    + " ON CONFLICT (peer_id, rfc_number) DO UPDATE SET title = EXCLUDED.title")
                    .bind("peer", peerId).bind("number", number).bind("title", title)
                    .execute()));
            return AddOutcome.ADDED;
        } catch (JdbiException e) {
            localPeers.undo(peerId, number, title, decision.previousTitle());
            if (isForeignKeyViolation(e)) {
                throw new PeerGoneException(peerId); // purged with its instance's lease
            }
            throw e;
        } catch (RuntimeException e) {
            localPeers.undo(peerId, number, title, decision.previousTitle());
            throw e;
        }
    }

    @Override
    public List<RfcRecord> lookup(int number) {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle -> RECORDS.lookup(handle, number)));
    }

    @Override
    public RecordPage listPage(RecordPage.Cursor after, int limit) {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle -> RECORDS.page(handle, after, limit)));
    }

    /**
     * {@inheritDoc} Should the database fail it, the peer is already out of this instance's budget, and its rows
     * are deleted by a later {@link #retryFailedRemovals}, or with its instance's row.
     */
    @Override
    public Optional<Integer> removePeer(long peerId) {
        localPeers.remove(peerId);
        try {
            return withDatabase(deadlineFromNow(), () -> deletePeer(peerId));
        } catch (RuntimeException e) {
            failedRemovals.add(peerId);
            throw e;
        }
    }

    private Optional<Integer> deletePeer(long peerId) {
        return jdbi.inTransaction(handle -> {
            int records = handle.createUpdate("DELETE FROM rfc_record WHERE peer_id = :id").bind("id", peerId)
                    .execute();
            int peers = handle.createUpdate("DELETE FROM peer WHERE id = :id").bind("id", peerId).execute();
            return peers == 0 ? Optional.<Integer>empty() : Optional.of(records);
        });
    }

    /**
     * {@inheritDoc} The removals are tried again on the lease keeper's thread, so that the caller (the watchdog,
     * a few times a second) never waits for a database that is down; this answers how many were completed since
     * the last call.
     */
    @Override
    public int retryFailedRemovals() {
        if (!failedRemovals.isEmpty() && removalRetryQueued.compareAndSet(false, true)) {
            keeper.execute(() -> {
                removalRetryQueued.set(false);
                for (Long peerId : failedRemovals) {
                    try {
                        deletePeer(peerId);
                        failedRemovals.remove(peerId);
                        removalsRetried.incrementAndGet();
                    } catch (RuntimeException e) {
                        return; // the database is still failing: the next call tries again
                    }
                }
            });
        }
        return removalsRetried.getAndSet(0);
    }

    @Override
    public int peerCount() {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle ->
                handle.createQuery("SELECT COUNT(*) FROM peer").mapTo(Integer.class).one()));
    }

    // ---- The lease ----

    /** The lease keeper's round: takes a lease if it has none, notices one that ran out, renews, purges. */
    private void keep() {
        try {
            Lease held = lease;
            long now = System.nanoTime();
            if (held == null) {
                takeLeaseAgain();
            } else if (!held.isValidAt(now)) {
                loseLease(held, "it could not be renewed for " + seconds(settings.lease()) + " s");
            } else if (now - nextRenewalNanos >= 0) {
                renew(held);
            }
            purgeDeadInstances();
        } catch (RuntimeException e) {
            if (!renewalFailing) {
                log.warn("[Server] Cannot reach the shared index's database ({}); this instance's lease lasts {} s"
                        + " unrenewed, and requests wait up to {} s for the database", rootMessage(e),
                        seconds(settings.lease()), seconds(settings.databaseWait()));
                renewalFailing = true;
            }
        } catch (Error e) {
            log.error("[Server] lease keeper failed; it tries again at its next round", e);
        }
    }

    private void renew(Lease held) {
        long sent = System.nanoTime();
        int renewed = jdbi.withHandle(handle -> handle.createUpdate("UPDATE server_instance"
                        + " SET lease_until = now() + :lease * INTERVAL '1 millisecond'"
                        + " WHERE id = :id AND lease_until > now()")
                .bind("lease", settings.lease().toMillis()).bind("id", held.instanceId()).execute());
        if (renewed == 0) {
            loseLease(held, "it had expired when the database answered");
            return;
        }
        setLease(new Lease(held.instanceId(), sent + settings.lease().toNanos()));
        nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
        if (renewalFailing) {
            log.info("[Server] The shared index's database answers again; this instance's lease is renewed");
            renewalFailing = false;
        }
    }

    /**
     * Gives the lease up: from now on no registration is served under it, every peer connection is closed (their
     * peers register again, under the next lease), and the keeper takes a new lease at its next round.
     */
    private void loseLease(Lease held, String why) {
        synchronized (leaseMonitor) {
            if (lease != held) {
                return; // lost already
            }
            lease = null;
            lostInstanceId = held.instanceId();
        }
        log.warn("[Server] This instance lost its lease on the shared index ({}): other instances may have removed"
                + " its peers, so it closes every peer connection; peers reconnect and register again", why);
        localPeers.clear();
        leaseLost.run();
    }

    /** After a lost lease: deletes what is left of the old instance row (its peers too) and takes a new lease. */
    private void takeLeaseAgain() {
        long sent = System.nanoTime();
        long old = lostInstanceId;
        long instanceId = jdbi.inTransaction(handle -> {
            handle.createUpdate("DELETE FROM server_instance WHERE id = :id").bind("id", old).execute();
            return insertInstance(handle);
        });
        nextRenewalNanos = sent + settings.leaseRenewal().toNanos();
        setLease(new Lease(instanceId, sent + settings.lease().toNanos()));
        probeRelay.instanceIs(instanceId);
        renewalFailing = false;
        log.info("[Server] This instance holds a new lease on the shared index and serves registrations again");
    }

    private void setLease(Lease value) {
        synchronized (leaseMonitor) {
            lease = value;
            leaseMonitor.notifyAll();
        }
    }

    /** The lease to register under, waiting for one until {@code deadline} when the instance holds none. */
    private Lease awaitLease(long deadline) {
        synchronized (leaseMonitor) {
            while (true) {
                requireOpen();
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
                    TimeUnit.NANOSECONDS.timedWait(leaseMonitor, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreUnavailableException("interrupted while waiting for a lease", e);
                }
            }
        }
    }

    /**
     * Deletes every instance whose lease has expired, and with it its peers and their records, in one transaction;
     * instances locked by another survivor doing the same are left to it.
     */
    private void purgeDeadInstances() {
        List<String> purged = jdbi.inTransaction(handle -> {
            List<Long> dead = handle.createQuery("SELECT id FROM server_instance WHERE lease_until < now()"
                            + " FOR UPDATE SKIP LOCKED")
                    .mapTo(Long.class).list();
            List<String> lines = new ArrayList<>();
            for (long id : dead) {
                String name = handle.createQuery("SELECT name || ' (lease expired '"
                                + " || round(extract(epoch FROM now() - lease_until) * 1000) || ' ms ago)'"
                                + " FROM server_instance WHERE id = :id")
                        .bind("id", id).mapTo(String.class).one();
                Counts counts = countOf(handle, "id", id);
                handle.createUpdate("DELETE FROM server_instance WHERE id = :id").bind("id", id).execute();
                lines.add(name + ": removed its " + counts);
            }
            return lines;
        });
        for (String line : purged) {
            log.warn("[Server] Instance {}", line);
        }
    }

    // ---- The database ----

    private long deadlineFromNow() {
        return System.nanoTime() + settings.databaseWait().toNanos();
    }

    /**
     * Runs {@code work}, trying again while the database cannot be reached, until {@code deadline}. Every statement
     * this store runs may be run twice without harm: an insert whose answer was lost finds its own row the second
     * time (a conflict on a key the store chose), and a deletion deletes nothing more.
     */
    private <T> T withDatabase(long deadline, Supplier<T> work) {
        long pauseMillis = 10;
        while (true) {
            requireOpen();
            try {
                return work.get();
            } catch (JdbiException e) {
                if (!isConnectionFailure(e)) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreUnavailableException("the index database did not answer within "
                            + seconds(settings.databaseWait()) + " s (" + rootMessage(e) + ")", e);
                }
                sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, pauseMillis));
                pauseMillis = Math.min(MAX_RETRY_PAUSE_MILLIS, pauseMillis * 2);
            }
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
            throw new StoreUnavailableException("interrupted while waiting for the index database", e);
        }
    }

    /** Whether {@code error} says the database could not be reached or went away, rather than refused a statement. */
    static boolean isConnectionFailure(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException || cause instanceof SQLRecoverableException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P01-57P03: the server is shutting down, crashed, or is starting.
                if (state.startsWith("08") || state.startsWith("57P")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isForeignKeyViolation(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && "23503".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    private void requireOpen() {
        if (closing) {
            throw new IllegalStateException("the index store is closed");
        }
    }

    /**
     * Stops renewing the lease and deletes this instance's row, and with it whatever peers are left, so that the
     * other instances need not wait for the lease to expire; then closes the pool.
     */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        keeper.shutdownNow();
        probeRelay.close();
        try {
            keeper.awaitTermination(settings.databaseWait().toMillis(), TimeUnit.MILLISECONDS);
            Lease held = lease;
            if (held != null) {
                withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle -> handle
                        .createUpdate("DELETE FROM server_instance WHERE id = :id").bind("id", held.instanceId())
                        .execute()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("[Server] Could not remove this instance from the shared index ({}); the others will once its"
                    + " lease expires", rootMessage(e));
        } finally {
            closing = true;
            synchronized (leaseMonitor) {
                lease = null;
                leaseMonitor.notifyAll();
            }
            dataSource.close();
        }
    }
}
