package net.p2pci.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.p2pci.protocol.RfcRecord;

/**
 * The index's peers and records as they stand in the database, held in memory too, so that LOOKUP and the checks
 * before a write need no database round trip. The database stays the store of record; this is its mirror.
 *
 * <p>Thread-safe for one writer at a time and any number of readers: {@link IndexStore} makes every change while
 * holding its write lock, in the same order as its database change (records go from here before the database
 * deletes them, and appear here only after the database has them), so a reader never sees a record that the
 * database has not committed, nor one of a peer whose removal has begun. Readers see, per RFC number, an immutable
 * list published through a concurrent map; the peer table is touched by the writer only.
 *
 * <p>A record is known as its peer's by its host and port: like the database, the mirror has at most one live
 * registration per endpoint. So each RFC number maps to nothing but its list of records, the least memory an RFC
 * held by one idle peer can take, which matters when the server holds hundreds of thousands of them.
 */
final class HolderIndex {
    /**
     * A registered peer: where it is reached, the address it connected from, and the RFCs it holds, each with the
     * seq of its database row ({@code numbers[i]} is in row {@code seqs[i]}).
     */
    private static final class Peer {
        final String host;
        final int port;
        final String sourceAddress;
        int[] numbers = new int[4];
        long[] seqs = new long[4];
        int count;

        Peer(String host, int port, String sourceAddress) {
            this.host = host;
            this.port = port;
            this.sourceAddress = sourceAddress;
        }

        void add(int number, long seq) {
            if (count == numbers.length) {
                numbers = Arrays.copyOf(numbers, count * 2);
                seqs = Arrays.copyOf(seqs, count * 2);
            }
            numbers[count] = number;
            seqs[count] = seq;
            count++;
        }

        /** The seq of this peer's record of RFC {@code number}, or -1. */
        long seqOf(int number) {
            for (int i = 0; i < count; i++) {
                if (numbers[i] == number) {
                    return seqs[i];
                }
            }
            return -1;
        }
    }

    /** A registration found by its endpoint: the connection that holds it and the address it came from. */
    record Registered(long peerId, String sourceAddress) {
    }

    private static final long[] NO_ROWS = {};

    /** Per RFC number, its holders' records in registration order; an immutable list, never empty. */
    private final Map<Integer, List<RfcRecord>> byNumber = new ConcurrentHashMap<>();
    /** Writer only, like the two maps below. */
    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<String, Long> peerByEndpoint = new HashMap<>();
    /** The seq given to the newest record row. Writer only. */
    private long lastSeq;
    /**
     * The record rows of each peer that has left the mirror but whose removal the database has not committed yet.
     * Should that removal fail, they are still in the database, with no index to find them by peer: a later removal
     * of the same peer finds them here. Writer only.
     */
    private final Map<Long, long[]> rowsBeingRemoved = new HashMap<>();

    /** Every holder of RFC {@code number}, in the order they registered it; an immutable list. */
    List<RfcRecord> lookup(int number) {
        return byNumber.getOrDefault(number, List.of());
    }

    /** The live registration of {@code host:port}, if any. Writer only. */
    Optional<Registered> findPeer(String host, int port) {
        Long id = peerByEndpoint.get(endpoint(host, port));
        return id == null ? Optional.empty() : Optional.of(new Registered(id, peers.get(id).sourceAddress));
    }

    boolean hasPeer(long peerId) {
        return peers.containsKey(peerId);
    }

    /** Whether peer {@code peerId} holds RFC {@code number}. Writer only. */
    boolean holds(long peerId, int number) {
        Peer peer = peers.get(peerId);
        return peer != null && indexOf(lookup(number), peer) >= 0;
    }

    /** Where {@code peer}'s record is in {@code records}, or -1. */
    private static int indexOf(List<RfcRecord> records, Peer peer) {
        for (int i = 0; i < records.size(); i++) {
            RfcRecord record = records.get(i);
            if (record.port() == peer.port && record.host().equals(peer.host)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The seq of the database row of peer {@code peerId}'s record of RFC {@code number}, or -1 when it holds none.
     * Writer only; it looks through the peer's records, so ask {@link #holds} first.
     */
    long recordSeq(long peerId, int number) {
        Peer peer = peers.get(peerId);
        return peer == null ? -1 : peer.seqOf(number);
    }

    /** A seq for a new record row, larger than any before it, so that rows in seq order are in ADD order. */
    long newRecordSeq() {
        return ++lastSeq;
    }

    /** How many records peer {@code peerId} holds; 0 when it is not registered. Writer only. */
    int recordCount(long peerId) {
        Peer peer = peers.get(peerId);
        return peer == null ? 0 : peer.count;
    }

    /** Adds a registered peer, after the database has it. */
    void putPeer(long peerId, String host, int port, String sourceAddress) {
        Long holder = peerByEndpoint.putIfAbsent(endpoint(host, port), peerId);
        if (holder != null && holder != peerId) {
            throw new IllegalStateException(host + ":" + port + " is registered to peer " + holder + " already");
        }
        peers.put(peerId, new Peer(host, port, sourceAddress));
    }

    /**
     * Adds peer {@code peerId}'s record of RFC {@code number}, after the database has it in row {@code seq}; a
     * record the peer already holds keeps its place (and its row) and takes the new title, as the row does.
     */
    void putRecord(long peerId, int number, String title, long seq) {
        Peer peer = peers.get(peerId);
        if (peer == null) {
            throw new IllegalStateException("no peer " + peerId + " to hold RFC " + number);
        }
        RfcRecord record = new RfcRecord(number, title, peer.host, peer.port);
        List<RfcRecord> records = new ArrayList<>(lookup(number));
        int at = indexOf(records, peer);
        if (at >= 0) {
            records.set(at, record);
        } else {
            records.add(record);
            peer.add(number, seq);
        }
        byNumber.put(number, List.copyOf(records));
    }

    /**
     * Removes peer {@code peerId} and its records, before the database deletes them.
     *
     * @return the seqs of the rows of the records it held, or empty when it was not registered
     */
    Optional<long[]> removePeer(long peerId) {
        Peer peer = peers.remove(peerId);
        if (peer == null) {
            return Optional.empty();
        }
        peerByEndpoint.remove(endpoint(peer.host, peer.port), peerId);
        for (int i = 0; i < peer.count; i++) {
            removeHolder(peer.numbers[i], peer);
        }
        long[] seqs = Arrays.copyOf(peer.seqs, peer.count);
        rowsBeingRemoved.put(peerId, seqs);
        return Optional.of(seqs);
    }

    /**
     * The seqs of the record rows of peer {@code peerId}, gone from the mirror, whose removal from the database has
     * not been committed (it failed, or is on its way); empty when there are none.
     */
    long[] rowsBeingRemoved(long peerId) {
        return rowsBeingRemoved.getOrDefault(peerId, NO_ROWS);
    }

    /** The database has committed the removal of peer {@code peerId}'s rows. */
    void removalCommitted(long peerId) {
        rowsBeingRemoved.remove(peerId);
    }

    private void removeHolder(int number, Peer peer) {
        List<RfcRecord> records = new ArrayList<>(lookup(number));
        int at = indexOf(records, peer);
        if (at < 0) {
            return;
        }
        records.remove(at);
        if (records.isEmpty()) {
            byNumber.remove(number);
        } else {
            byNumber.put(number, List.copyOf(records));
        }
    }

    /**
     * The key of the endpoint {@code host:port}. Host names are tokens without white space, so a space cannot make
     * two endpoints collide.
     */
    static String endpoint(String host, int port) {
        return host + ' ' + port;
    }
}
