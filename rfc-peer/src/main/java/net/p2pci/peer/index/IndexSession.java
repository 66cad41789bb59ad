package net.p2pci.peer.index;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import net.p2pci.peer.HostAndPort;
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
 * <p>While no connection is up, requests fail at once with a one-line reason that says a reconnect is under way,
 * rather than wait: a person at the shell or a script learns of the outage instead of hanging. An ADD that fails
 * that way is still remembered, and is registered with the others once the index is back.
 *
 * <p>Thread-safe: the current connection is a volatile field that only the reconnecting thread replaces, and only
 * after it has registered everything again on the new connection. A read-write lock keeps each ADD, from its
 * bookkeeping to its answer, apart from that re-registration, so that no ADD falls between the two.
 */
public final class IndexSession implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(IndexSession.class);

    /** A restarted server is usually listening again within a second; the first attempts come that soon. */
    public static final Duration RECONNECT_INITIAL_DELAY = Duration.ofMillis(250);
    /** A peer is back within seconds of its server, yet a server that stays down is not hammered by its peers. */
    public static final Duration RECONNECT_MAX_DELAY = Duration.ofSeconds(10);
    /** How long close() waits for the reconnecting thread, which only has to notice that it was interrupted. */
    private static final Duration RECONNECTOR_JOIN = Duration.ofSeconds(2);

    private final HostAndPort server;
    private final Optional<String> advertisedHost;
    private final int uploadPort;
    private final boolean reconnects;
    private final ReconnectBackoff backoff;
    private final Listener listener;
    /** Title by RFC number of every RFC registered, or asked for while disconnected; ascending, as at start-up. */
    private final Map<Integer, String> registrations = new ConcurrentSkipListMap<>();
    /** Shared by ADDs, held alone while a new connection registers everything again. */
    private final ReentrantReadWriteLock registrationLock = new ReentrantReadWriteLock();
    private final Thread reconnector;
    private volatile IndexClient current;
    private volatile boolean closing;

    /** What the session tells the person at the peer; called on the session's own thread, one call at a time. */
    public interface Listener {
        /** The connection was lost; {@code reconnecting} says whether the session tries to get it back. */
        void connectionLost(String reason, boolean reconnecting);

        /** A new connection is up and {@code registered} of the {@code total} remembered RFCs are registered. */
        void reconnected(HostAndPort server, int registered, int total);

        /** The new server answered an ADD of a remembered RFC with an error status. */
        void registrationRefused(int rfcNumber, Status status);
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
        public void registrationRefused(int rfcNumber, Status status) {
            LOG.warn("ADD RFC {} after reconnecting: the server answered {}", rfcNumber, status);
        }
    };

    private IndexSession(IndexClient first, HostAndPort server, Optional<String> advertisedHost, int uploadPort,
                         boolean reconnects, ReconnectBackoff backoff, Listener listener) {
        this.current = first;
        this.server = server;
        this.advertisedHost = advertisedHost;
        this.uploadPort = uploadPort;
        this.reconnects = reconnects;
        this.backoff = backoff;
        this.listener = listener;
        this.reconnector = Thread.ofVirtual().name("index-reconnector").unstarted(this::keepConnected);
    }

    /**
     * Connects to the index server, as {@link IndexClient#connect} does; a first connection that fails is an error,
     * not something to retry, so that a mistyped address is reported at once.
     *
     * @param reconnects whether to reconnect when the connection is lost; if not, requests fail from then on
     */
    public static IndexSession open(HostAndPort server, Optional<String> advertisedHost, int uploadPort,
                                    boolean reconnects, Listener listener) throws IOException {
        return open(server, advertisedHost, uploadPort, reconnects, listener,
                new ReconnectBackoff(RECONNECT_INITIAL_DELAY, RECONNECT_MAX_DELAY));
    }

    static IndexSession open(HostAndPort server, Optional<String> advertisedHost, int uploadPort, boolean reconnects,
                             Listener listener, ReconnectBackoff backoff) throws IOException {
        Objects.requireNonNull(listener, "listener");
        IndexClient first = IndexClient.connect(server, advertisedHost, uploadPort);
        IndexSession session = new IndexSession(first, server, advertisedHost, uploadPort, reconnects, backoff,
                listener);
        session.reconnector.start();
        return session;
    }

    /** The index server's address, as connected. */
    public HostAndPort server() {
        return current.server();
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

    /** Whether a lost connection is replaced by a new one. */
    public boolean reconnects() {
        return reconnects;
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

        /** Waits for the answer and, as {@link #add} does, forgets a refused RFC; fails at once on a lost connection. */
        public IndexExchange finish() throws IOException {
            try {
                IndexExchange exchange;
                try {
                    exchange = pending.await();
                } catch (IOException e) {
                    throw whileDisconnected(client, e, ", and RFC " + rfcNumber + " will be registered then");
                }
                if (exchange.response().status() != Status.OK_200) {
                    if (previousTitle == null) {
                        registrations.remove(rfcNumber, title);
                    } else {
                        registrations.replace(rfcNumber, title, previousTitle);
                    }
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
            }
        } catch (IOException e) {
            LOG.debug("RFC {} waits for the next connection: {}", rfcNumber, e.getMessage());
        } finally {
            registrationLock.readLock().unlock();
        }
    }

    public IndexExchange lookup(int rfcNumber, Optional<String> title) throws IOException {
        IndexClient client = current;
        try {
            return client.lookup(rfcNumber, title);
        } catch (IOException e) {
            throw whileDisconnected(client, e, "");
        }
    }

    public IndexExchange list() throws IOException {
        IndexClient client = current;
        try {
            return client.list();
        } catch (IOException e) {
            throw whileDisconnected(client, e, "");
        }
    }

    /** The failure of a request, saying that a reconnect is under way if the failure was the lost connection. */
    private IOException whileDisconnected(IndexClient client, IOException failure, String consequence) {
        if (!reconnects || closing || client.isOpen()) {
            return failure;
        }
        return new IOException(failure.getMessage() + "; reconnecting" + consequence, failure);
    }

    /** The reconnecting thread: waits for the connection to be lost, then gets a new one, until the session ends. */
    private void keepConnected() {
        try {
            IndexClient client = current;
            while (true) {
                String reason = client.awaitClosed();
                if (closing) {
                    return;
                }
                listener.connectionLost(reason, reconnects);
                if (!reconnects) {
                    return;
                }
                client = reconnect();
            }
        } catch (InterruptedException e) {
            // close() ends the session.
        } catch (RuntimeException e) {
            LOG.error("Keeping the index connection failed; it is not replaced if lost", e);
        }
    }

    /** Tries again and again, waiting longer each time, until a new connection is up with everything registered. */
    private IndexClient reconnect() throws InterruptedException {
        for (int attempt = 0; ; attempt++) {
            Duration delay = backoff.delayBefore(attempt, ThreadLocalRandom.current());
            Thread.sleep(delay);
            if (closing) {
                throw new InterruptedException("the session is closing");
            }
            IndexClient fresh;
            try {
                fresh = IndexClient.connect(server, advertisedHost, uploadPort);
            } catch (IOException | RuntimeException e) {
                LOG.debug("Reconnect attempt {} to {} failed after {} ms: {}", attempt + 1, server, delay.toMillis(),
                        e.toString());
                continue;
            }
            if (registerAgain(fresh)) {
                return fresh;
            }
        }
    }

    /**
     * Registers every remembered RFC on the new connection and makes it the current one; false if the new connection
     * failed meanwhile (it is closed then, and the next attempt follows).
     */
    private boolean registerAgain(IndexClient fresh) throws InterruptedException {
        registrationLock.writeLock().lockInterruptibly();
        try {
            if (closing) {
                fresh.close();
                throw new InterruptedException("the session is closing");
            }
            int registered = 0;
            for (Map.Entry<Integer, String> registration : registrations.entrySet()) {
                IndexExchange exchange = fresh.add(registration.getKey(), registration.getValue());
                if (exchange.response().status() == Status.OK_200) {
                    registered++;
                } else {
                    listener.registrationRefused(registration.getKey(), exchange.response().status());
                }
            }
            current = fresh;
            listener.reconnected(fresh.server(), registered, registrations.size());
            return true;
        } catch (IOException e) {
            fresh.close();
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("the session is closing");
            }
            LOG.debug("The new connection to {} failed while registering again: {}", server, e.getMessage());
            return false;
        } finally {
            registrationLock.writeLock().unlock();
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
        try {
            reconnector.join(RECONNECTOR_JOIN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        current.close(); // read after the join, so that a connection the reconnector just made is the one closed
    }
}
