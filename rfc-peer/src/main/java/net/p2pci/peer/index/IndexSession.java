package net.p2pci.peer.index;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.Protocol;
import net.p2pci.protocol.Status;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The peer's registration at the index server, kept across lost connections. Requests go over the current
 * {@link IndexClient}; every RFC registered is remembered; when the connection is lost (the server restarted or
 * crashed, the network failed) a background thread notices at once, reconnects with {@link ReconnectBackoff backoff}
 * and registers every remembered RFC again, under the same title, so that the new server's index holds what the old
 * one held.
 *
 * <p>Several index servers may be listed, for servers that share one index: the session connects to the first it
 * can reach, and a lost connection is replaced by one to the next it can reach, going round the list from the server
 * after the one lost (and so, last, to that one again), one attempt per backoff wait.
 *
 * <p>While no connection is up, requests fail at once with a one-line reason that says a reconnect is under way,
 * rather than wait: a person at the shell or a script learns of the outage instead of hanging. An ADD that fails
 * that way is still remembered, and is registered with the others once the index is back.
 *
 * <p>A server that refuses the connection itself (it answers the first request with an error and closes, as one at
 * its connection limit does) is a lost connection like any other, retried with the same backoff. A server that
 * refuses an ADD on a connection it keeps (another connection holds this peer's host and port, say) leaves the RFC
 * remembered and {@link #refused() refused}: a second background thread sends those ADDs again with a slower
 * backoff, until the server takes them or the session closes. Without reconnecting, neither is retried.
 *
 * <p>A peer that stops holding an RFC {@link #withdraw withdraws} it: the standard protocol has no request for
 * that, so the session switches over to a new connection with the remaining RFCs and closes the old one.
 *
 * <p>Thread-safe: the current connection is a volatile field that only the reconnecting thread and a switch-over
 * replace, each under the write lock and only after it has registered everything on the new connection (a reconnect
 * that finds the lost connection already replaced drops its own); which listed server it goes to only the
 * reconnecting thread writes. A read-write lock keeps each ADD, from its bookkeeping to its answer, apart from that
 * re-registration, so that no ADD falls between the two; the retries of refused ADDs are ADDs like the others. The
 * refused set is concurrent, and its retrier waits on a condition.
 */
public final class IndexSession implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(IndexSession.class);

    /** A restarted server is usually listening again within a second; the first attempts come that soon. */
    public static final Duration RECONNECT_INITIAL_DELAY = Duration.ofMillis(250);
    /** A peer is back within seconds of its server, yet a server that stays down is not hammered by its peers. */
    public static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(10);
    /**
     * A refusal lasts as long as its cause (another connection holding this peer's host and port, a server at a
     * limit): the first retry comes within a second, and one that persists costs the server a few ADDs a minute.
     */
    public static final Duration REGISTRATION_RETRY_INITIAL_DELAY = Duration.ofSeconds(1);
    public static final Duration REGISTRATION_RETRY_MAX_DELAY = Duration.ofSeconds(60);
    /**
     * Refused ADDs sent again at once in one round, as at start-up: a round stops sending at the first refusal
     * among their answers, so that a peer whose every RFC is refused tries a window of them, not thousands.
     */
    static final int RETRY_WINDOW = 64;
    /** How long close() waits for the session's threads, which only have to notice that they were interrupted. */
    private static final Duration RECONNECTOR_JOIN = Duration.ofSeconds(2);

    /** The servers to connect to, in the order tried; at least one, none twice. */
    private final List<HostAndPort> servers;
    /** The listed servers that could not be reached at start-up, before the one connected to. */
    private final List<ConnectFailure> unreachableAtStart;
    private final Optional<String> advertisedHost;
    private final int uploadPort;
    private final boolean reconnects;
    private final ReconnectBackoff backoff;
    private final ReconnectBackoff retryBackoff;
    private final Listener listener;
    /** Title by RFC number of every RFC registered, or asked for while disconnected; ascending, as at start-up. */
    private final Map<Integer, String> registrations = new ConcurrentSkipListMap<>();
    /**
     * RFCs the current connection holds records of that are no longer offered, waiting for a switch-over; only
     * touched under the write lock.
     */
    private final Set<Integer> staleRecords = new TreeSet<>();
    /** The remembered RFCs whose last ADD the server refused, ascending; they are sent again in the background. */
    private final Set<Integer> refused = new ConcurrentSkipListSet<>();
    private final ReentrantLock refusedLock = new ReentrantLock();
    /** Signalled when an RFC joins {@link #refused}. */
    private final Condition refusalsToRetry = refusedLock.newCondition();
    /** Shared by ADDs, held alone while a new connection registers everything again. */
    private final ReentrantReadWriteLock registrationLock = new ReentrantReadWriteLock();
    private final Thread reconnector;
    private final Thread retrier;
    private volatile IndexClient current;
    /** Where in {@link #servers} the current connection goes; only the reconnecting thread changes it. */
    private volatile int currentServer;
    private volatile boolean closing;

    /**
     * What the session tells the person at the peer; called on the session's own threads (the reconnecting one and the
     * retrying one, which may call at the same time), so an implementation must be thread-safe.
     */
    public interface Listener {
        /**
         * The connection was lost; {@code reconnecting} says whether the session tries to get it back. Told at once,
         * unless the session reconnects with several servers listed: {@link #movedTo} or {@link #noServerReachable}
         * tells the loss then.
         */
        void connectionLost(String reason, boolean reconnecting);

        /** A new connection is up and {@code registered} of the {@code total} remembered RFCs are registered. */
        void reconnected(HostAndPort server, int registered, int total);

        /**
         * Of several servers listed: the connection to {@code lost} was lost for {@code reason}, and one to
         * {@code server}, the next listed that could be reached (which may be {@code lost} again), is up with
         * {@code registered} of the {@code total} remembered RFCs registered. One event for the whole move, in place
         * of {@link #connectionLost} and {@link #reconnected}.
         */
        void movedTo(HostAndPort server, HostAndPort lost, String reason, int registered, int total);

        /**
         * Of several servers listed: the connection to {@code lost} was lost for {@code reason}, and an attempt on
         * each of the {@code listed} servers failed since; the session goes on trying them in turn, and tells
         * {@link #reconnected} once one is up.
         */
        void noServerReachable(HostAndPort lost, String reason, int listed);

        /**
         * After reconnecting, the server answered the ADDs of these remembered RFCs with an error, the first of them
         * with {@code status}; they are retried in the background.
         */
        void registrationsRefused(List<Integer> rfcNumbers, Status status);

        /** An attempt to reconnect found the server refusing the connection; told once an outage, not each time. */
        void connectionRefused(String reason);

        /** The server took these refused RFCs on a retry; {@code stillRefused} are left to retry. */
        void refusedRegistrationsAccepted(List<Integer> rfcNumbers, int stillRefused);

        /**
         * The server at {@code server} answers in a way of its own that can still be understood; told once per kind
         * and connection, on the connection's threads.
         */
        void serverDeviates(HostAndPort server, AnswerDeviation deviation);
    }

    /** A listener that only logs, for peers without a transcript (tests, embedding). */
    public static final Listener LOG_ONLY = new Listener() {
        @Override
        public void connectionLost(String reason, boolean reconnecting) {
            LOG.info("Lost the index server: {}{}", reason, reconnecting ? "; reconnecting" : "");
        }

        @Override
        public void reconnected(HostAndPort server, int registered, int total) {
            LOG.info("Reconnected to index {}; registered {} of {} RFCs", server, registered, total);
        }

        @Override
        public void movedTo(HostAndPort server, HostAndPort lost, String reason, int registered, int total) {
            LOG.info("Lost the index server {} ({}); moved to {} and registered {} of {} RFCs again", lost, reason,
                    server, registered, total);
        }

        @Override
        public void noServerReachable(HostAndPort lost, String reason, int listed) {
            LOG.info("Lost the index server {} ({}); none of the {} listed can be reached now; reconnecting", lost,
                    reason, listed);
        }

        @Override
        public void registrationsRefused(List<Integer> rfcNumbers, Status status) {
            LOG.warn("After reconnecting the server refused {} RFCs ({}); retrying them", rfcNumbers.size(), status);
        }

        @Override
        public void connectionRefused(String reason) {
            LOG.warn("Reconnecting: {}; retrying", reason);
        }

        @Override
        public void refusedRegistrationsAccepted(List<Integer> rfcNumbers, int stillRefused) {
            LOG.info("Registered {} refused RFCs on retry; {} still refused", rfcNumbers.size(), stillRefused);
        }

        @Override
        public void serverDeviates(HostAndPort server, AnswerDeviation deviation) {
            LOG.info("Note: index server {} {}", server, deviation.describe());
        }
    };

    /** What a connection to {@code server} tells of its deviations: the listener, naming the server as listed. */
    private static Consumer<AnswerDeviation> noteDeviations(Listener listener, HostAndPort server) {
        return deviation -> listener.serverDeviates(server, deviation);
    }

    private IndexSession(IndexClient first, List<HostAndPort> servers, int firstServer,
                         List<ConnectFailure> unreachableAtStart, Optional<String> advertisedHost, int uploadPort,
                         boolean reconnects, ReconnectBackoff backoff, ReconnectBackoff retryBackoff,
                         Listener listener) {
        this.current = first;
        this.servers = servers;
        this.currentServer = firstServer;
        this.unreachableAtStart = List.copyOf(unreachableAtStart);
        this.advertisedHost = advertisedHost;
        this.uploadPort = uploadPort;
        this.reconnects = reconnects;
        this.backoff = backoff;
        this.retryBackoff = retryBackoff;
        this.listener = listener;
        this.reconnector = Thread.ofVirtual().name("index-reconnector").unstarted(this::keepConnected);
        this.retrier = Thread.ofVirtual().name("index-registration-retrier").unstarted(this::retryRefusals);
    }

    /**
     * Connects to the first of {@code servers} that can be reached, trying them in order, each as
     * {@link IndexClient#connect} does; when none can, that is an error, not something to retry, so that a mistyped
     * address is reported at once.
     *
     * @param servers    the index servers, in the order to try them; at least one, none twice
     * @param reconnects whether to reconnect when the connection is lost; if not, requests fail from then on
     * @throws UnreachableIndexException naming each server tried and why it failed
     */
    public static IndexSession open(List<HostAndPort> servers, Optional<String> advertisedHost, int uploadPort,
                                    boolean reconnects, Listener listener) throws IOException {
        return open(servers, advertisedHost, uploadPort, reconnects, listener,
                new ReconnectBackoff(RECONNECT_INITIAL_DELAY, RECONNECT_MAX_DELAY),
                new ReconnectBackoff(REGISTRATION_RETRY_INITIAL_DELAY, REGISTRATION_RETRY_MAX_DELAY));
    }

    static IndexSession open(List<HostAndPort> servers, Optional<String> advertisedHost, int uploadPort,
                             boolean reconnects, Listener listener, ReconnectBackoff backoff) throws IOException {
        return open(servers, advertisedHost, uploadPort, reconnects, listener, backoff,
                new ReconnectBackoff(REGISTRATION_RETRY_INITIAL_DELAY, REGISTRATION_RETRY_MAX_DELAY));
    }

    /** With both backoffs given, so that tests of retries need not wait for the real ones. */
    static IndexSession open(List<HostAndPort> servers, Optional<String> advertisedHost, int uploadPort,
                             boolean reconnects, Listener listener, ReconnectBackoff backoff,
                             ReconnectBackoff retryBackoff) throws IOException {
        Objects.requireNonNull(listener, "listener");
        List<HostAndPort> listed = List.copyOf(servers);
        if (listed.isEmpty() || Set.copyOf(listed).size() < listed.size()) {
            throw new IllegalArgumentException("index servers must be one or more, none twice: " + listed);
        }
        List<ConnectFailure> failures = new ArrayList<>();
        for (int index = 0; index < listed.size(); index++) {
            IndexClient first;
            try {
                first = IndexClient.connect(listed.get(index), advertisedHost, uploadPort, noteDeviations(listener, listed.get(index)));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Cannot connect to the index server {}: {}", listed.get(index), e.toString());
                failures.add(new ConnectFailure(listed.get(index), e));
                continue;
            }
            IndexSession session = new IndexSession(first, listed, index, failures, advertisedHost, uploadPort,
                    reconnects, backoff, retryBackoff, listener);
            session.reconnector.start();
            if (reconnects) {
                session.retrier.start();
            }
            return session;
        }
        throw new UnreachableIndexException(failures);
    }

    /** The index server's address, as connected. */
    public HostAndPort server() {
        return current.server();
    }

    /** The index servers listed before the one first connected to, which could not be reached then, and why. */
    public List<ConnectFailure> unreachableAtStart() {
        return unreachableAtStart;
    }

    /** The host this peer registers under, and other peers download from. */
    public String host() {
        return current.host();
    }

    public int uploadPort() {
        return uploadPort;
    }

    /** This peer as it appears in the index's records. */
    public HostAndPort self() {
        return current.self();
    }

    /** Whether a connection is up now. */
    public boolean isConnected() {
        return current.isOpen();
    }

    /** Whether the session's thread still watches the connection; it stops when the session closes. */
    boolean watchesConnection() {
        return reconnector.isAlive();
    }

    /** Whether a lost connection is replaced by a new one, and a refused registration is retried. */
    public boolean reconnects() {
        return reconnects;
    }

    /** The RFCs whose registration the server refused and that are being retried, ascending. */
    public List<Integer> refused() {
        return List.copyOf(refused);
    }

    /**
     * Registers RFC {@code rfcNumber}, and remembers it for any later connection. When it fails because no connection
     * is up, it is registered once one is.
     */
    public IndexExchange add(int rfcNumber, String title) throws IOException {
        return beginAdd(rfcNumber, title).finish();
    }

    /**
     * Sends ADD of RFC {@code rfcNumber} and remembers it, as {@link #add} does, without waiting for the answer, so
     * that a whole library can be registered with many ADDs on their way at once. Each one begun must be finished,
     * on the thread that began it and in the order begun: until then it holds back a re-registration on a new
     * connection, which must not overtake it.
     */
    public PendingAdd beginAdd(int rfcNumber, String title) throws IOException {
        registrationLock.readLock().lock();
        boolean begun = false;
        try {
            String previousTitle = registrations.put(rfcNumber, title);
            IndexClient client = current;
            PendingAdd pending;
            try {
                pending = new PendingAdd(client, client.sendAdd(rfcNumber, title), rfcNumber, title, previousTitle);
            } catch (IOException e) {
                throw whileDisconnected(client, e, ", and RFC " + rfcNumber + " will be registered then");
            }
            begun = true;
            return pending;
        } finally {
            if (!begun) {
                registrationLock.readLock().unlock();
            }
        }
    }

    /** An ADD begun by {@link #beginAdd}, its answer still to come. */
    public final class PendingAdd {
        private final IndexClient client;
        private final IndexClient.Pending pending;
        private final int rfcNumber;
        private final String title;
        private final String previousTitle;

        private PendingAdd(IndexClient client, IndexClient.Pending pending, int rfcNumber, String title,
                           String previousTitle) {
            this.client = client;
            this.pending = pending;
            this.rfcNumber = rfcNumber;
            this.title = title;
            this.previousTitle = previousTitle;
        }

        /**
         * Waits for the answer, as {@link #add} does; fails at once on a lost or refused connection. An RFC whose
         * ADD the server refused is retried in the background if the session reconnects, else forgotten.
         */
        public IndexExchange finish() throws IOException {
            try {
                IndexExchange exchange;
                try {
                    exchange = pending.await();
                } catch (IOException e) {
                    throw whileDisconnected(client, e, ", and RFC " + rfcNumber + " will be registered then");
                }
                if (exchange.response().status() == Status.OK_200) {
                    refused.remove(rfcNumber);
                } else if (reconnects) {
                    retryLater(rfcNumber);
                } else if (previousTitle == null) {
                    registrations.remove(rfcNumber, title);
                } else {
                    registrations.replace(rfcNumber, title, previousTitle);
                }
                return exchange;
            } finally {
                registrationLock.readLock().unlock();
            }
        }
    }

    /**
     * Remembers an RFC to register when a new connection is up, without sending anything while none is; for the
     * start-up registration cut short by a lost connection. If a new connection is already up, it is registered now.
     */
    public void registerWhenReconnected(int rfcNumber, String title) {
        if (!reconnects) {
            return;
        }
        registrationLock.readLock().lock();
        try {
            registrations.put(rfcNumber, title);
            IndexClient client = current;
            if (client.isOpen()) {
                IndexExchange exchange = client.add(rfcNumber, title);
                LOG.debug("Registered RFC {} on the new connection: {}", rfcNumber, exchange.response().status());
                if (exchange.response().status() != Status.OK_200) {
                    retryLater(rfcNumber);
                }
            }
        } catch (IOException e) {
            LOG.debug("RFC {} waits for the next connection: {}", rfcNumber, e.getMessage());
        } finally {
            registrationLock.readLock().unlock();
        }
    }

    /**
     * Registers this peer with the index when it has no RFC to ADD. An index server may close a connection that sends
     * nothing (ours does after 10 s: docs/PROTOCOL.md, "Server rules"), and the protocol lets any first request
     * register a peer; LOOKUP RFC 1 is the cheapest there is, and its answer is of no interest.
     */
    public void announce() throws IOException {
        announce(current);
    }

    private static void announce(IndexClient client) throws IOException {
        client.lookup(Protocol.MIN_RFC_NUMBER, Optional.empty());
    }

    public IndexExchange lookup(int rfcNumber, Optional<String> title) throws IOException {
        return onCurrent(client -> client.lookup(rfcNumber, title));
    }

    public IndexExchange list() throws IOException {
        return onCurrent(IndexClient::list);
    }

    /** SEARCH on the current connection; empty when its server does not offer it ({@link IndexClient#search}). */
    public Optional<IndexExchange> search(String words) throws IOException {
        return onCurrent(client -> client.search(words));
    }

    /** PEERS on the current connection; empty when its server does not offer it. */
    public Optional<IndexExchange> peers() throws IOException {
        return onCurrent(IndexClient::peers);
    }

    /** A request of the current connection's. */
    @FunctionalInterface
    private interface ClientCall<T> {
        T on(IndexClient client) throws IOException;
    }

    /** Makes {@code call} on the current connection; its failure says when a reconnect is under way. */
    private <T> T onCurrent(ClientCall<T> call) throws IOException {
        IndexClient client = current;
        try {
            return call.on(client);
        } catch (IOException e) {
            throw whileDisconnected(client, e, "");
        }
    }

    /**
     * WITHDRAW RFC {@code rfcNumber} on the current connection, where its server offers it; the RFC is then also
     * forgotten, so that a later connection does not register it again. Empty when the server does not offer it:
     * then the RFC stays registered, as it is on the server.
     */
    public Optional<IndexExchange> withdraw(int rfcNumber) throws IOException {
        registrationLock.readLock().lock();
        IndexClient client = current;
        try {
            Optional<IndexExchange> exchange = client.withdrawExchange(rfcNumber);
            if (exchange.isPresent()) {
                registrations.remove(rfcNumber);
                refused.remove(rfcNumber);
            }
            return exchange;
        } catch (IOException e) {
            throw whileDisconnected(client, e, "");
        } finally {
            registrationLock.readLock().unlock();
        }
    }

    /** The failure of a request, saying that a reconnect is under way if the failure was the lost connection. */
    private IOException whileDisconnected(IndexClient client, IOException failure, String consequence) {
        if (!reconnects || closing || client.isOpen()) {
            return failure;
        }
        return new IOException(failure.getMessage() + "; reconnecting" + consequence, failure);
    }

    /**
     * The reconnecting thread: waits for the connection to be lost, then gets a new one, until the session ends. With
     * one server listed the loss is told at once; with several, the move to another is told in one event, and only a
     * round of the list that reaches none tells the loss on its own.
     */
    private void keepConnected() {
        try {
            IndexClient client = current;
            while (true) {
                String reason = client.awaitClosed();
                if (closing) {
                    return;
                }
                if (current != client) {
                    client = current; // closed by a switch-over to a new connection, which is watched from now on
                    continue;
                }
                boolean movesOn = reconnects && servers.size() > 1;
                if (!movesOn) {
                    listener.connectionLost(reason, reconnects);
                }
                if (!reconnects) {
                    return;
                }
                client = reconnect(client, new Loss(client.server(), reason, movesOn), client.wasRefused());
            }
        } catch (InterruptedException e) {
            // close() ends the session.
        } catch (RuntimeException e) {
            LOG.error("Keeping the index connection failed; it is not replaced if lost", e);
        }
    }

    /**
     * A lost connection: to which server, why, and whether the loss is still to be told (with the move to another
     * server, or on its own once no server can be reached).
     */
    private record Loss(HostAndPort server, String reason, boolean untold) {
    }

    /**
     * Tries again and again, waiting longer each time, until a new connection is up with everything registered: each
     * attempt goes to the next listed server, starting after the one whose connection was current.
     *
     * @param refusalTold whether the person at the peer already knows the server refuses connections
     */
    private IndexClient reconnect(IndexClient lost, Loss loss, boolean refusalTold) throws InterruptedException {
        boolean lossTold = !loss.untold();
        for (int attempt = 0; ; attempt++) {
            int index = (currentServer + 1 + attempt) % servers.size();
            HostAndPort server = servers.get(index);
            Duration delay = backoff.delayBefore(attempt, ThreadLocalRandom.current());
            Thread.sleep(delay);
            if (closing) {
                throw new InterruptedException("the session is closing");
            }
            IndexClient fresh = null;
            try {
                fresh = IndexClient.connect(server, advertisedHost, uploadPort, noteDeviations(listener, server));
            } catch (IOException | RuntimeException e) {
                LOG.debug("Reconnect attempt {} to {} failed after {} ms: {}", attempt + 1, server, delay.toMillis(),
                        e.toString());
            }
            if (fresh != null) {
                Arrival arrival = lossTold ? listener::reconnected : (now, registered, total) ->
                        listener.movedTo(now, loss.server(), loss.reason(), registered, total);
                if (registerAgain(fresh, lost, arrival)) {
                    if (current == fresh) {
                        currentServer = index;
                    }
                    return current;
                }
                if (fresh.wasRefused() && !refusalTold && lossTold) {
                    listener.connectionRefused(fresh.awaitClosed());
                    refusalTold = true;
                }
            }
            if (!lossTold && attempt + 1 == servers.size()) {
                listener.noServerReachable(loss.server(), loss.reason(), servers.size());
                lossTold = true;
            }
        }
    }

    /** How a new connection with everything registered again is told: as a reconnect, or as a move. */
    @FunctionalInterface
    private interface Arrival {
        void tell(HostAndPort server, int registered, int total);
    }

    /**
     * Registers every remembered RFC on the new connection and makes it the current one; false if the new connection
     * failed or was refused meanwhile (it is closed then, and the next attempt follows). The ADDs the server refuses
     * while keeping the connection are left to the retrier.
     */
    private boolean registerAgain(IndexClient fresh, IndexClient lost, Arrival arrival) throws InterruptedException {
        registrationLock.writeLock().lockInterruptibly();
        try {
            if (closing) {
                fresh.close();
                throw new InterruptedException("the session is closing");
            }
            if (current != lost) {
                fresh.close(); // a switch-over replaced the lost connection meanwhile, with everything registered
                return true;
            }
            Registered registered = registerAll(fresh);
            current = fresh;
            staleRecords.clear();
            arrival.tell(fresh.server(), registered.accepted(), registrations.size());
            registered.tellRefusals();
            return true;
        } catch (IOException e) {
            fresh.close();
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the session is closing");
            }
            LOG.debug("The new connection to {} failed while registering again: {}", fresh.server(),
                    e.getMessage());
            return false;
        } finally {
            registrationLock.writeLock().unlock();
        }
    }

    /**
     * Sends ADD for every remembered RFC on {@code fresh}, one at a time, or announces the peer when there is none;
     * the caller holds the write lock.
     */
    private Registered registerAll(IndexClient fresh) throws IOException {
        int accepted = 0;
        List<Integer> refusedNow = new ArrayList<>();
        Status firstRefusal = null;
        if (registrations.isEmpty()) {
            announce(fresh);
        }
        for (Map.Entry<Integer, String> registration : registrations.entrySet()) {
            IndexExchange exchange = fresh.add(registration.getKey(), registration.getValue());
            if (exchange.response().status() == Status.OK_200) {
                accepted++;
                refused.remove(registration.getKey());
            } else {
                refusedNow.add(registration.getKey());
                firstRefusal = firstRefusal != null ? firstRefusal : exchange.response().status();
            }
        }
        return new Registered(accepted, refusedNow, firstRefusal);
    }

    /** What registering everything on a new connection came to: ADDs accepted, and those refused with the first status. */
    private final class Registered {
        private final int accepted;
        private final List<Integer> refusedNow;
        private final Status firstRefusal;

        Registered(int accepted, List<Integer> refusedNow, Status firstRefusal) {
            this.accepted = accepted;
            this.refusedNow = refusedNow;
            this.firstRefusal = firstRefusal;
        }

        int accepted() {
            return accepted;
        }

        /** Leaves the refused ADDs to the retrier, and tells the listener of them. */
        void tellRefusals() {
            if (!refusedNow.isEmpty()) {
                refusedNow.forEach(IndexSession.this::retryLater);
                listener.registrationsRefused(refusedNow, firstRefusal);
            }
        }
    }

    /**
     * Stops offering RFCs {@code rfcNumbers} at the index, for a peer whose files of them are gone: forgets them (no
     * reconnect registers them again), asks the server to {@link IndexClient#withdraw withdraw} each record, and
     * where it cannot, switches over: registers every remaining RFC on a new connection to the same server, makes it
     * the current one, and only then closes the old one, whose records the server removes with it. The peer stays
     * registered throughout; for the moment between, both connections hold records. Records that could not be
     * withdrawn yet (the switch-over failed) are withdrawn by the next call, which may name no RFC.
     *
     * @return what was done; nothing when no connection is up (a reconnect registers only the remaining RFCs)
     * @throws IOException when the new connection could not be made or take the ADDs; the old one stays current
     */
    public Withdrawn withdraw(Collection<Integer> rfcNumbers) throws IOException {
        registrationLock.writeLock().lock();
        try {
            for (int number : rfcNumbers) {
                registrations.remove(number);
                refused.remove(number);
            }
            IndexClient old = current;
            if (closing || !old.isOpen()) {
                return Withdrawn.NOTHING;
            }
            List<Integer> withdrawn = new ArrayList<>();
            for (int number : rfcNumbers) {
                if (old.withdraw(number) == Withdrawal.WITHDRAWN) {
                    withdrawn.add(number);
                } else {
                    staleRecords.add(number);
                }
            }
            if (staleRecords.isEmpty()) {
                return new Withdrawn(withdrawn, List.of(), Optional.empty(), 0);
            }
            HostAndPort server = servers.get(currentServer);
            IndexClient fresh = IndexClient.connect(server, advertisedHost, uploadPort,
                    noteDeviations(listener, server));
            Registered registered;
            try {
                registered = registerAll(fresh);
            } catch (IOException e) {
                fresh.close();
                throw e;
            }
            current = fresh;
            old.close();
            List<Integer> dropped = List.copyOf(staleRecords);
            staleRecords.clear();
            registered.tellRefusals();
            return new Withdrawn(withdrawn, dropped, Optional.of(server), registered.accepted());
        } finally {
            registrationLock.writeLock().unlock();
        }
    }

    /**
     * What {@link #withdraw} did: the records the server withdrew itself, and those dropped by a switch-over to a new
     * connection to {@code switchedTo}, on which {@code registered} RFCs were registered.
     */
    public record Withdrawn(List<Integer> withdrawn, List<Integer> dropped, Optional<HostAndPort> switchedTo,
                            int registered) {
        static final Withdrawn NOTHING = new Withdrawn(List.of(), List.of(), Optional.empty(), 0);

        public Withdrawn {
            withdrawn = List.copyOf(withdrawn);
            dropped = List.copyOf(dropped);
        }
    }

    /** Whether the current connection still holds records of RFCs no longer offered, for {@link #withdraw} to drop. */
    public boolean holdsStaleRecords() {
        return !staleRecords.isEmpty();
    }

    /** The RFCs registered, or to be once connected, ascending. */
    public Set<Integer> registered() {
        return Set.copyOf(registrations.keySet());
    }

    /** Marks a remembered RFC as refused, for the retrier to send again. */
    private void retryLater(int rfcNumber) {
        refusedLock.lock();
        try {
            refused.add(rfcNumber);
            refusalsToRetry.signalAll();
        } finally {
            refusedLock.unlock();
        }
    }

    /**
     * The retrying thread: while some RFCs are refused, sends their ADDs again after a wait that doubles with every
     * round that leaves any refused, and says so when the server takes some.
     */
    private void retryRefusals() {
        try {
            int round = 0;
            while (!closing) {
                refusedLock.lock();
                try {
                    while (refused.isEmpty()) {
                        round = 0;
                        refusalsToRetry.await();
                    }
                } finally {
                    refusedLock.unlock();
                }
                Thread.sleep(retryBackoff.delayBefore(round++, ThreadLocalRandom.current()));
                if (closing) {
                    return;
                }
                retryRound();
            }
        } catch (InterruptedException e) {
            // close() ends the session.
        } catch (RuntimeException e) {
            LOG.error("Retrying refused registrations failed; they are not retried again", e);
        }
    }

    /**
     * Sends the ADDs of refused RFCs on the current connection, up to a window at once, and stops sending at the
     * first refusal among the answers. With no connection up it does nothing: a reconnect registers every RFC.
     */
    private void retryRound() throws InterruptedException {
        registrationLock.readLock().lockInterruptibly();
        List<Integer> accepted = new ArrayList<>();
        try {
            IndexClient client = current;
            if (!client.isOpen()) {
                return;
            }
            ArrayDeque<Map.Entry<Integer, IndexClient.Pending>> inFlight = new ArrayDeque<>();
            Iterator<Integer> toRetry = List.copyOf(refused).iterator();
            boolean refusedAgain = false;
            while (inFlight.size() > 0 || (toRetry.hasNext() && !refusedAgain)) {
                if (toRetry.hasNext() && !refusedAgain && inFlight.size() < RETRY_WINDOW) {
                    int number = toRetry.next();
                    String title = registrations.get(number);
                    if (title == null) {
                        refused.remove(number);
                    } else {
                        inFlight.add(Map.entry(number, client.sendAdd(number, title)));
                    }
                    continue;
                }
                Map.Entry<Integer, IndexClient.Pending> retried = inFlight.poll();
                if (retried.getValue().await().response().status() == Status.OK_200) {
                    refused.remove(retried.getKey());
                    accepted.add(retried.getKey());
                } else {
                    refusedAgain = true;
                }
            }
        } catch (IOException e) {
            LOG.debug("Retrying refused registrations: {}; a reconnect registers them", e.getMessage());
        } finally {
            registrationLock.readLock().unlock();
        }
        if (!accepted.isEmpty()) {
            listener.refusedRegistrationsAccepted(accepted, refused.size());
        }
    }

    /**
     * Leaves the index: stops reconnecting and closes the connection, so that the server removes every record of this
     * peer. Returns promptly even during a backoff wait; it may be called from any thread, more than once.
     */
    @Override
    public void close() {
        closing = true;
        reconnector.interrupt();
        retrier.interrupt();
        try {
            reconnector.join(RECONNECTOR_JOIN);
            if (retrier.isAlive()) {
                retrier.join(RECONNECTOR_JOIN);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        current.close(); // read after the join, so that a connection the reconnector just made is the one closed
    }
}
