package net.p2pci.server.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.RfcRecord;

/**
 * The index: the registered peers and the RFC records they hold, kept by one of two implementations: the embedded
 * store (H2 in this process, with an in-memory mirror and group commit; the default) or the shared store
 * (PostgreSQL, which several server instances use at once). The server's request path knows only this interface.
 *
 * <p>Every change that touches more than one row is one transaction, so no reader anywhere sees a peer
 * half-removed; once a change has returned, every reader of the store, on any instance, sees it. Implementations
 * are thread-safe.
 */
public interface IndexStore extends AutoCloseable {
    /**
     * Registers a peer reached at {@code host:port} that connected from {@code sourceAddress}, and gives it its id.
     * A claim never displaces or blocks another: other live registrations of the same host:port keep theirs, and
     * are named in the answer so that the caller can have them probed (docs/PROTOCOL.md, "Server rules").
     *
     * @throws StoreUnavailableException when the database could not be reached in the time allowed
     */
    Registration registerPeer(String host, int port, String sourceAddress);

    /**
     * Records that peer {@code peerId} holds RFC {@code number}, unless {@code policy} refuses it. A repeated ADD of
     * the same RFC by the same peer keeps one record, in its place, and takes the newer title.
     *
     * @throws PeerGoneException when the peer is no longer registered
     * @throws StoreUnavailableException when the database could not be reached in the time allowed
     */
    AddOutcome addRecord(long peerId, int number, String title);

    /** Every holder of RFC {@code number}, in the order they registered it. */
    List<RfcRecord> lookup(int number);

    /**
     * SEARCH: up to {@code limit} records whose titles have every one of {@code words} (as
     * {@link net.p2pci.protocol.TitleWords} cuts them), by RFC number and then registration order, found through a
     * word index rather than a scan; and whether more matched.
     */
    SearchHits search(List<String> words, int limit);

    /**
     * WITHDRAW: removes peer {@code peerId}'s own record of RFC {@code number}, and no other peer's.
     *
     * @return the record removed, or empty when the peer held none
     * @throws PeerGoneException when the peer is no longer registered
     */
    Optional<RfcRecord> withdrawRecord(long peerId, int number);

    /** Up to {@code limit} records, in registration order, from the one after {@code after} on. */
    RecordPage listPage(RecordPage.Cursor after, int limit);

    /**
     * Removes peer {@code peerId} and all its records in one transaction.
     *
     * @return how many records went, or empty when the peer was not registered (never, or removed already)
     */
    Optional<Integer> removePeer(long peerId);

    /**
     * Tries again the removals of departed peers that the database failed, so that none of their rows outlives the
     * database's trouble for long; the server calls it a few times a second.
     *
     * @return how many removals were completed
     */
    int retryFailedRemovals();

    /** How many peers are registered, on every instance that shares the store. */
    int peerCount();

    /** How many records the index holds, on every instance that shares the store. */
    int recordCount();

    /**
     * Up to {@code limit} registered peers, oldest first, on every instance that shares the store, each with its
     * record count and, in a shared store, its instance: for the dashboard, not the request path.
     */
    List<PeerView> peers(int limit);

    /** Has {@code observer} told of every transaction of index changes from now on; the last one given counts. */
    default void observeCommits(CommitObserver observer) {
    }

    /** Every record in the index, in registration order: for tests and small indexes ({@link #listPage} otherwise). */
    default List<RfcRecord> listAll() {
        List<RfcRecord> all = new ArrayList<>();
        RecordPage page = listPage(RecordPage.Cursor.START, 1000);
        all.addAll(page.records());
        while (page.hasMore()) {
            page = listPage(page.next(), 1000);
            all.addAll(page.records());
        }
        return all;
    }

    /** Closes the store; the embedded store's in-memory index is gone afterwards, the shared store's peers too. */
    @Override
    void close();

    /** What a registration did: gave the peer its id, and named the other live claims of its host:port, oldest first. */
    record Registration(long peerId, List<Long> otherClaims) {
        public Registration {
            otherClaims = List.copyOf(otherClaims);
        }
    }
}
