package net.p2pci.server.store.shared;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.TitleWords;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerGoneException;
import net.p2pci.server.store.RecordPage;
import net.p2pci.server.store.PeerQueries;
import net.p2pci.server.store.PeerView;
import net.p2pci.server.store.RecordQueries;
import net.p2pci.server.store.Schema;
import net.p2pci.server.store.SearchHits;
import net.p2pci.server.store.StoreUnavailableException;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The shared store: the index in PostgreSQL, which several server instances use at once, through Jdbi over a
 * HikariCP pool. Every request reads or writes the database itself, so any instance may serve any request and
 * sees what every other has committed; ids are the database's.
 *
 * <p>The instance's peers hang from its lease ({@link InstanceLease}): a survivor deletes them once the instance has
 * died, and an instance that has lost its lease registers nothing under it again and closes every peer connection.
 * A request waits for an unreachable database up to {@link SharedStoreSettings#databaseWait}, retrying as the
 * connection comes back, and then fails with {@link StoreUnavailableException}; each change is one transaction,
 * and each statement may run twice without harm, so nothing is left half-written.
 *
 * <p>Thread-safe: the pool hands each request a connection of its own. The lease, the removals to try again and
 * the relay of probes each have a thread of their own, on a second, small pool, so that neither waits for requests
 * nor requests for them.
 */
public final class SharedStore implements IndexStore {
    /**
     * Connections for requests: a request holds one for a statement or two, so a few dozen serve thousands of peers;
     * two instances stay well inside PostgreSQL's default of 100 connections (with four, raise max_connections).
     */
    private static final int REQUEST_CONNECTIONS = 24;
    /** A few kept open; the rest are opened under load, and need not all be opened again after an outage. */
    private static final int MIN_IDLE_REQUEST_CONNECTIONS = 4;
    /** For the lease keeper, the removals tried again, and the probe relay's LISTEN. */
    private static final int UPKEEP_CONNECTIONS = 3;
    /** The longest pause between two tries of a statement while the database is unreachable. */
    private static final long MAX_RETRY_PAUSE_MILLIS = 250;
    /** SQLSTATEs of a transaction PostgreSQL rolled back to settle a conflict: it may simply run again. */
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40P01");

    private static final RecordQueries RECORDS = new RecordQueries("id");
    private static final PeerQueries PEERS = PeerQueries.shared();
    /**
     * SEARCH's words as the index cuts a title: the expression must be the one schema version 3 indexes, word for
     * word, for the index to serve.
     */
    private static final String TITLE_WORDS = "regexp_split_to_array(lower(r.title), '[^[:alnum:]]+') @> ?::text[]";
    /**
     * A SEARCH's matches, counted no further than the limit given: from the word index, whose entries for the words
     * are read whole (a fraction of a microsecond per match; 20 ms for two words in each of 100,000 titles), but
     * whose rows are fetched only up to the limit.
     */
    static final String COUNT_MATCHES = "SELECT count(*) FROM (SELECT 1 FROM rfc_record r WHERE " + TITLE_WORDS
            + " LIMIT ?) m";
    /**
     * SEARCH: the matches in the answer's order. A narrow search finds them through the word index and sorts them;
     * a broad one walks {@code rfc_record_lookup} in that order, checking each title, and stops at the limit (the
     * planner is held to that walk, see {@link #WALK_IN_ORDER}).
     */
    static final String SEARCH = """
            SELECT r.rfc_number, r.title, p.host, p.port
            FROM rfc_record r JOIN peer p ON p.id = r.peer_id
            WHERE %s
            ORDER BY r.rfc_number, r.id LIMIT ?
            """.formatted(TITLE_WORDS);
    /**
     * For a broad SEARCH, in its own transaction: without a bitmap scan, a sort or a sequential scan, the only plan
     * left is the walk of the records in the answer's order, each one's peer found by its key, which stops once it
     * has the limit's matches. Left to itself the planner may take the word index and sort every match (100,000 of
     * them for a word in every title), as its statistics of the words lag behind the index or misjudge how the
     * matches lie; without statistics it also joined each of them to a scan of the peers, 2.1 s a search.
     */
    static final String WALK_IN_ORDER = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_sort = off;"
            + " SET LOCAL enable_seqscan = off; SET LOCAL plan_cache_mode = force_custom_plan";
    /**
     * {@link #SEARCH} for the walk, as a text of its own: the driver prepares a statement on the server after a few
     * uses, and the database may then keep one generic plan for it, made under whichever settings it met first; the
     * walk's own text and its custom plans keep the two ways of answering apart.
     */
    static final String SEARCH_WALKING = "/* walk in order */ " + SEARCH;
    /**
     * How many matches, per line of the limit, make a SEARCH broad: where the matches are this dense the walk in
     * order meets the limit's worth of them long before the word index's matches are all fetched and sorted.
     */
    private static final int BROAD_MATCHES_PER_LINE = 4;
    /**
     * Searches one instance runs at once: at most half its request connections, so that broad searches never keep
     * LOOKUP and ADD from the database. A search beyond them waits its turn, within the database wait.
     */
    static final int MAX_CONCURRENT_SEARCHES = REQUEST_CONNECTIONS / 2;
    private static final String WITHDRAW = """
            DELETE FROM rfc_record r USING peer p WHERE p.id = r.peer_id AND r.peer_id = ? AND r.rfc_number = ?
            RETURNING r.title, p.host, p.port
            """;
    /** An ADD: a new record, or a new title for the peer's record of that RFC, which keeps its place. */
    private static final String UPSERT_RECORD = "INSERT INTO rfc_record (peer_id, rfc_number, title) VALUES (?, ?, ?)"
            + " ON CONFLICT (peer_id, rfc_number) DO UPDATE SET title = EXCLUDED.title";

    private final HikariDataSource requestPool;
    private final HikariDataSource upkeepPool;
    private final Jdbi jdbi;
    private final Jdbi upkeep;
    private final AddPolicy policy;
    private final SharedStoreSettings settings;
    private final InstanceLease lease;
    private final ProbeRelay probeRelay;
    private final LocalPeers localPeers = new LocalPeers();
    /** Numbers this instance's registrations, so that a registration retried after a lost answer is one row. */
    private final AtomicLong registrations = new AtomicLong();
    /** Peers whose removal the database failed, by id, for the cleaner. */
    private final Set<Long> failedRemovals = ConcurrentHashMap.newKeySet();
    /**
     * Registrations that failed after their row may have been committed (the answer was lost), by instance row and
     * registration number, for the cleaner: no such row may outlive the connection that asked.
     */
    private final Set<FailedRegistration> failedRegistrations = ConcurrentHashMap.newKeySet();
    private final AtomicInteger removalsRetried = new AtomicInteger();
    private final AtomicBoolean cleanupQueued = new AtomicBoolean();
    private final ExecutorService cleaner = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("removal-retry").daemon(true).factory());
    private final AtomicBoolean closing = new AtomicBoolean();
    private final Semaphore searches = new Semaphore(MAX_CONCURRENT_SEARCHES, true);

    private record FailedRegistration(long instanceId, long registration) {
    }

    private SharedStore(HikariDataSource requestPool, HikariDataSource upkeepPool, AddPolicy policy,
            SharedStoreSettings settings, String name, Runnable leaseLost, LongConsumer probe) {
        this.requestPool = requestPool;
        this.upkeepPool = upkeepPool;
        this.jdbi = Jdbi.create(requestPool);
        this.upkeep = Jdbi.create(upkeepPool);
        this.policy = policy;
        this.settings = settings;
        this.lease = new InstanceLease(upkeep, settings, name, () -> {
            localPeers.clear();
            leaseLost.run();
        });
        this.probeRelay = new ProbeRelay(upkeepPool, probe, lease::instanceId);
    }

    /**
     * Connects to the PostgreSQL database at {@code jdbcUrl}, brings its schema up to date, removes what an earlier
     * run of this instance left, and takes a lease.
     *
     * @param defaultName the instance's name when the settings give none
     * @param leaseLost   called when the instance has lost its lease: every peer connection must be closed
     * @param probe       probes the connection of a peer, if it is this instance's: another instance asks, when a
     *                    claim made through it contests that peer's host:port
     * @throws IllegalStateException when the database cannot be reached, or another live instance has this name
     */
    public static SharedStore open(String jdbcUrl, SharedStoreSettings settings, AddPolicy policy,
            String defaultName, Runnable leaseLost, LongConsumer probe) {
        HikariDataSource requestPool = new HikariDataSource(requestPoolConfig(jdbcUrl, settings));
        HikariDataSource upkeepPool;
        try {
            upkeepPool = new HikariDataSource(upkeepPoolConfig(jdbcUrl, settings));
        } catch (RuntimeException e) {
            requestPool.close();
            throw e;
        }
        String name = settings.instanceName().orElse(defaultName);
        SharedStore store = new SharedStore(requestPool, upkeepPool, policy, settings, name, leaseLost, probe);
        try {
            Schema.migrate(upkeepPool, Schema.POSTGRESQL);
            store.lease.takeFirst();
        } catch (RuntimeException e) {
            store.cleaner.shutdownNow();
            upkeepPool.close();
            requestPool.close();
            throw e;
        }
        store.lease.start();
        store.probeRelay.start();
        return store;
    }

    private static HikariConfig requestPoolConfig(String jdbcUrl, SharedStoreSettings settings) {
        long waitMillis = settings.databaseWait().toMillis();
        HikariConfig config = poolConfig("index-requests", jdbcUrl, settings, waitMillis);
        config.setMaximumPoolSize(REQUEST_CONNECTIONS);
        config.setMinimumIdle(MIN_IDLE_REQUEST_CONNECTIONS);
        return config;
    }

    /**
     * The upkeep's connections wait longer than a request: a purge of a dead instance with a large index is one long
     * transaction, and a keeper stuck on a silent database delays nothing but itself ({@link InstanceLease}).
     */
    private static HikariConfig upkeepPoolConfig(String jdbcUrl, SharedStoreSettings settings) {
        long waitMillis = Math.max(60_000, settings.lease().multipliedBy(4).toMillis());
        HikariConfig config = poolConfig("index-upkeep", jdbcUrl, settings, waitMillis);
        config.setConnectionTimeout(Math.max(250, settings.databaseWait().toMillis()));
        config.setMaximumPoolSize(UPKEEP_CONNECTIONS);
        config.setMinimumIdle(1);
        return config;
    }

    private static HikariConfig poolConfig(String name, String jdbcUrl, SharedStoreSettings settings,
            long waitMillis) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(jdbcUrl);
        settings.user().ifPresent(config::setUsername);
        settings.password().ifPresent(config::setPassword);
        long requestWaitMillis = settings.databaseWait().toMillis();
        config.setConnectionTimeout(Math.max(250, requestWaitMillis));
        config.setValidationTimeout(Math.max(250, Math.min(1000, requestWaitMillis)));
        // Start-up fails, with the driver's reason, when the database cannot be reached within the wait.
        config.setInitializationFailTimeout(Math.max(1, requestWaitMillis));
        // The driver's own bounds, so that no statement or connection attempt hangs on a silent database.
        config.addDataSourceProperty("connectTimeout", Math.max(1, (requestWaitMillis + 999) / 1000));
        config.addDataSourceProperty("socketTimeout", Math.max(1, (waitMillis + 999) / 1000));
        config.addDataSourceProperty("tcpKeepAlive", true);
        config.addDataSourceProperty("ApplicationName", "ci-server");
        return config;
    }

    /** The name this instance holds its lease under. */
    public String instanceName() {
        return lease.name();
    }

    @Override
    public Registration registerPeer(String host, int port, String sourceAddress) {
        long deadline = deadlineFromNow();
        long registration = registrations.incrementAndGet();
        InstanceLease.Lease held = lease.awaitValid(deadline);
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
                lease.lose(held, "another instance removed it after it expired");
                throw new StoreUnavailableException("this instance's lease on the shared index was lost", e);
            }
            forgetRegistration(held, registration);
            throw e;
        } catch (RuntimeException e) {
            forgetRegistration(held, registration);
            throw e;
        }
        localPeers.add(answer.peerId(), sourceAddress);
        return answer;
    }

    /** A registration failed, perhaps after its row was committed: the cleaner makes sure no such row stays. */
    private void forgetRegistration(InstanceLease.Lease held, long registration) {
        failedRegistrations.add(new FailedRegistration(held.instanceId(), registration));
        retryFailedRemovals();
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
            lease.awaitValid(deadline);
            withDatabase(deadline, () -> withConnection(connection -> {
                try (PreparedStatement statement = connection.prepareStatement(UPSERT_RECORD)) {
                    statement.setLong(1, peerId);
                    statement.setInt(2, number);
                    statement.setString(3, title);
                    return statement.executeUpdate();
                }
            }));
            return AddOutcome.ADDED;
        } catch (RuntimeException e) {
            localPeers.undo(peerId, number, title, decision.previousTitle());
            if (isForeignKeyViolation(e)) {
                throw new PeerGoneException(peerId); // purged with its instance's lease
            }
            throw e;
        }
    }

    @Override
    public List<RfcRecord> lookup(int number) {
        return withDatabase(deadlineFromNow(), () -> withConnection(connection -> RECORDS.lookup(connection, number)));
    }

    /**
     * {@inheritDoc} The GIN index of schema version 3 counts the matches, up to a few times the limit: fewer, and it
     * finds them all; as many, and the records are walked in the answer's order until the limit's worth have matched,
     * which reads the limit divided by the share of records that match: a few times the limit where most titles
     * match, more where the matches are sparse or lie late in the numbering. The count's read of the word index
     * grows with the matches, at a fraction of a microsecond each. Each record the database
     * gives is checked here against the words as this server cuts them, so that a database whose idea of a letter
     * differs never adds a wrong record.
     */
    @Override
    public SearchHits search(List<String> words, int limit) {
        long deadline = deadlineFromNow();
        awaitSearchTurn(deadline);
        try {
            List<RfcRecord> rows = withDatabase(deadline, () -> withConnection(connection -> {
                Array wanted = connection.createArrayOf("text", words.toArray());
                return isBroad(connection, wanted, limit)
                        ? walkToMatches(connection, wanted, limit + 1)
                        : findMatches(connection, SEARCH, wanted, limit + 1);
            }));
            List<RfcRecord> matching = rows.stream()
                    .filter(record -> TitleWords.matchesAll(record.title(), words)).toList();
            return new SearchHits(matching.stream().limit(limit).toList(), matching.size() > limit);
        } finally {
            searches.release();
        }
    }

    /** Waits, until {@code deadline}, for one of the instance's {@link #MAX_CONCURRENT_SEARCHES} turns. */
    private void awaitSearchTurn(long deadline) {
        try {
            if (!searches.tryAcquire(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new StoreUnavailableException("no SEARCH turn came free within "
                        + InstanceLease.seconds(settings.databaseWait()) + " s: " + MAX_CONCURRENT_SEARCHES
                        + " searches were running", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a SEARCH turn", e);
        }
    }

    /** Whether {@link #search} walks the records in order for {@code words}, rather than sorting every match. */
    boolean searchWalksInOrder(List<String> words, int limit) {
        return withDatabase(deadlineFromNow(), () -> withConnection(connection ->
                isBroad(connection, connection.createArrayOf("text", words.toArray()), limit)));
    }

    /** Whether at least {@link #BROAD_MATCHES_PER_LINE} times the limit (and one) match, counted no further. */
    private static boolean isBroad(Connection connection, Array words, int limit) throws SQLException {
        int broad = BROAD_MATCHES_PER_LINE * (limit + 1);
        try (PreparedStatement statement = connection.prepareStatement(COUNT_MATCHES)) {
            statement.setArray(1, words);
            statement.setInt(2, broad);
            try (ResultSet counted = statement.executeQuery()) {
                counted.next();
                return counted.getInt(1) >= broad;
            }
        }
    }

    /** The walk in order, for a broad search: {@link #SEARCH} planned under {@link #WALK_IN_ORDER}. */
    private static List<RfcRecord> walkToMatches(Connection connection, Array words, int limit) throws SQLException {
        connection.setAutoCommit(false);
        try (var settings = connection.createStatement()) {
            settings.execute(WALK_IN_ORDER);
            List<RfcRecord> found = findMatches(connection, SEARCH_WALKING, words, limit);
            connection.commit();
            return found;
        } finally {
            connection.rollback(); // nothing to undo; ends the transaction should the walk have failed
            connection.setAutoCommit(true);
        }
    }

    private static List<RfcRecord> findMatches(Connection connection, String query, Array words, int limit)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(query)) {
            statement.setArray(1, words);
            statement.setInt(2, limit);
            try (ResultSet found = statement.executeQuery()) {
                List<RfcRecord> records = new ArrayList<>();
                while (found.next()) {
                    records.add(new RfcRecord(found.getInt(1), found.getString(2), found.getString(3),
                            found.getInt(4)));
                }
                return records;
            }
        }
    }

    @Override
    public Optional<RfcRecord> withdrawRecord(long peerId, int number) {
        if (!localPeers.has(peerId)) {
            throw new PeerGoneException(peerId);
        }
        Optional<RfcRecord> withdrawn = withDatabase(deadlineFromNow(), () -> withConnection(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(WITHDRAW)) {
                statement.setLong(1, peerId);
                statement.setInt(2, number);
                try (ResultSet deleted = statement.executeQuery()) {
                    return deleted.next() ? Optional.of(new RfcRecord(number, deleted.getString(1),
                            deleted.getString(2), deleted.getInt(3))) : Optional.<RfcRecord>empty();
                }
            }
        }));
        withdrawn.ifPresent(record -> localPeers.withdraw(peerId, number));
        return withdrawn;
    }

    @Override
    public RecordPage listPage(RecordPage.Cursor after, int limit) {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle -> RECORDS.page(handle, after, limit)));
    }

    /**
     * {@inheritDoc} Should the database fail it, the peer is already out of this instance's budget, and its rows
     * are deleted by the cleaner once the database answers, or with its instance's row.
     */
    @Override
    public Optional<Integer> removePeer(long peerId) {
        localPeers.remove(peerId);
        try {
            return withDatabase(deadlineFromNow(), () -> deletePeer(jdbi, peerId));
        } catch (RuntimeException e) {
            failedRemovals.add(peerId);
            throw e;
        }
    }

    /**
     * Deletes a peer and its records. The peer's row is locked first, as a cascade from its instance row does, so
     * that a removal and a purge of the same peer wait for each other instead of deadlocking.
     */
    private static Optional<Integer> deletePeer(Jdbi database, long peerId) {
        return database.inTransaction(handle -> {
            if (handle.createQuery("SELECT id FROM peer WHERE id = :id FOR UPDATE").bind("id", peerId)
                    .mapTo(Long.class).findOne().isEmpty()) {
                return Optional.<Integer>empty();
            }
            int records = handle.createUpdate("DELETE FROM rfc_record WHERE peer_id = :id").bind("id", peerId)
                    .execute();
            handle.createUpdate("DELETE FROM peer WHERE id = :id").bind("id", peerId).execute();
            return Optional.of(records);
        });
    }

    /**
     * {@inheritDoc} The removals are tried again on a thread of the store's own, so that the caller (the watchdog,
     * a few times a second) never waits for a database that is down; this answers how many were completed since
     * the last call.
     */
    @Override
    public int retryFailedRemovals() {
        boolean pending = !failedRemovals.isEmpty() || !failedRegistrations.isEmpty();
        if (pending && !closing.get() && cleanupQueued.compareAndSet(false, true)) {
            try {
                cleaner.execute(this::cleanUp);
            } catch (RejectedExecutionException e) {
                cleanupQueued.set(false); // closing
            }
        }
        return removalsRetried.getAndSet(0);
    }

    private void cleanUp() {
        cleanupQueued.set(false);
        try {
            for (Long peerId : failedRemovals) {
                deletePeer(upkeep, peerId);
                failedRemovals.remove(peerId);
                removalsRetried.incrementAndGet();
            }
            for (FailedRegistration failed : failedRegistrations) {
                upkeep.useHandle(handle -> handle.createUpdate(
                                "DELETE FROM peer WHERE instance_id = :instance AND registration = :registration")
                        .bind("instance", failed.instanceId()).bind("registration", failed.registration())
                        .execute());
                failedRegistrations.remove(failed);
            }
        } catch (RuntimeException e) {
            // the database is still failing: the next call tries again
        }
    }

    @Override
    public int peerCount() {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle ->
                handle.createQuery("SELECT COUNT(*) FROM peer").mapTo(Integer.class).one()));
    }

    @Override
    public int recordCount() {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(PeerQueries::recordCount));
    }

    @Override
    public List<PeerView> peers(int limit) {
        return withDatabase(deadlineFromNow(), () -> jdbi.withHandle(handle -> PEERS.peers(handle, limit)));
    }

    /** A statement on a pooled connection, in plain JDBC. */
    @FunctionalInterface
    private interface ConnectionWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection, in autocommit, without Jdbi: LOOKUP and ADD, the requests peers make
     * most, spend their time in the database rather than in building statement contexts.
     */
    private <T> T withConnection(ConnectionWork<T> work) {
        try (Connection connection = requestPool.getConnection()) {
            return work.run(connection);
        } catch (SQLException e) {
            throw new DatabaseException(e);
        }
    }

    /** A plain JDBC statement failed; {@link #withDatabase} sorts it like Jdbi's own exceptions. */
    private static final class DatabaseException extends RuntimeException {
        DatabaseException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private long deadlineFromNow() {
        return System.nanoTime() + settings.databaseWait().toNanos();
    }

    /**
     * Runs {@code work}, trying again while the database cannot be reached or rolled it back over a conflict, until
     * {@code deadline}. Every statement this store runs may be run twice without harm: an insert whose answer was
     * lost finds its own row the second time (a conflict on a key the store chose), and a deletion deletes nothing
     * more.
     */
    private <T> T withDatabase(long deadline, Supplier<T> work) {
        long pauseMillis = 10;
        while (true) {
            if (closing.get()) {
                throw new IllegalStateException("the index store is closed");
            }
            try {
                return work.get();
            } catch (JdbiException | DatabaseException e) {
                if (!isConnectionFailure(e) && !isRetryable(e)) {
                    throw e;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new StoreUnavailableException("the index database did not answer within "
                            + InstanceLease.seconds(settings.databaseWait()) + " s (" + rootMessage(e) + ")", e);
                }
                sleep(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, pauseMillis));
                pauseMillis = Math.min(MAX_RETRY_PAUSE_MILLIS, pauseMillis * 2);
            }
        }
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

    private static boolean isRetryable(Throwable error) {
        return hasState(error, RETRYABLE_STATES);
    }

    private static boolean isForeignKeyViolation(Throwable error) {
        return hasState(error, Set.of("23503"));
    }

    private static boolean hasState(Throwable error, Set<String> states) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && states.contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage());
    }

    /**
     * Gives the lease up and deletes this instance's row, and with it whatever peers are left, so that the other
     * instances need not wait for the lease to expire; then closes the pools.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        try {
            probeRelay.close();
            cleaner.shutdownNow();
            lease.close();
        } finally {
            upkeepPool.close();
            requestPool.close();
        }
    }
}
