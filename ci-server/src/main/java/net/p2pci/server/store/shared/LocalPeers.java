package net.p2pci.server.store.shared;

import java.util.HashMap;
import java.util.Map;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.RecordSize;

/**
 * The peers connected to this instance and the titles of the records they hold, which the index's rules need at
 * every ADD (is this RFC held already, how many records, how many bytes from this address) and which only this
 * instance can change: a peer's records are added through its own connection alone. Kept here, so that those
 * checks cost no database round trip. On a shared store the memory budget counts this instance's peers.
 *
 * <p>Thread-safe: every method holds the object's lock, for a few map operations.
 */
final class LocalPeers {
    private static final class Peer {
        final String sourceAddress;
        final Map<Integer, String> titles = new HashMap<>();

        Peer(String sourceAddress) {
            this.sourceAddress = sourceAddress;
        }
    }

    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<String, Long> bytesBySource = new HashMap<>();
    private long totalBytes;

    synchronized void add(long peerId, String sourceAddress) {
        peers.put(peerId, new Peer(sourceAddress));
    }

    /**
     * Decides an ADD by {@code policy} and, when it is let in, counts it at once, so that concurrent ADDs from one
     * address cannot pass the budget together; {@link #undo} takes it back should the database refuse it.
     *
     * @return the decision, and the title it replaces (null for a new record); null when the peer is not here
     */
    synchronized Decision admit(long peerId, int number, String title, AddPolicy policy) {
        Peer peer = peers.get(peerId);
        if (peer == null) {
            return null;
        }
        String old = peer.titles.get(number);
        long growth = RecordSize.of(title) - (old == null ? 0 : RecordSize.of(old));
        AddOutcome outcome = policy.decide(new AddPolicy.AddFacts(old != null, peer.titles.size(), growth, totalBytes,
                bytesBySource.getOrDefault(peer.sourceAddress, 0L)));
        if (outcome == AddOutcome.ADDED) {
            peer.titles.put(number, title);
            account(peer, growth);
        }
        return new Decision(outcome, old);
    }

    /** What {@link #admit} decided, and the title the record had before (null for a new one). */
    record Decision(AddOutcome outcome, String previousTitle) {
    }

    /** Takes back an admitted ADD that the database did not make: the record goes back to {@code previousTitle}. */
    synchronized void undo(long peerId, int number, String title, String previousTitle) {
        Peer peer = peers.get(peerId);
        if (peer == null) {
            return;
        }
        if (previousTitle == null) {
            peer.titles.remove(number);
        } else {
            peer.titles.put(number, previousTitle);
        }
        account(peer, (previousTitle == null ? 0 : RecordSize.of(previousTitle)) - RecordSize.of(title));
    }

    /** Whether peer {@code peerId} is registered through this instance. */
    synchronized boolean has(long peerId) {
        return peers.containsKey(peerId);
    }

    /** Frees the budget of peer {@code peerId}'s record of RFC {@code number}, which the database no longer has. */
    synchronized void withdraw(long peerId, int number) {
        Peer peer = peers.get(peerId);
        String title = peer == null ? null : peer.titles.get(number);
        if (title != null) {
            undo(peerId, number, title, null);
        }
    }

    /** Forgets peer {@code peerId} and frees its records' share of the budget; false when it was not here. */
    synchronized boolean remove(long peerId) {
        Peer peer = peers.remove(peerId);
        if (peer == null) {
            return false;
        }
        long bytes = 0;
        for (String title : peer.titles.values()) {
            bytes += RecordSize.of(title);
        }
        account(peer, -bytes);
        return true;
    }

    /** Forgets every peer: their registrations went with a lost lease. */
    synchronized void clear() {
        peers.clear();
        bytesBySource.clear();
        totalBytes = 0;
    }

    private void account(Peer peer, long bytes) {
        totalBytes += bytes;
        long fromSource = bytesBySource.getOrDefault(peer.sourceAddress, 0L) + bytes;
        if (fromSource == 0) {
            bytesBySource.remove(peer.sourceAddress);
        } else {
            bytesBySource.put(peer.sourceAddress, fromSource);
        }
    }
}
