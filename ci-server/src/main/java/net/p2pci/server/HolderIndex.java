package net.p2pci.server;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
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
 */
final class HolderIndex {
    /** A registered peer: where it is reached, the address it connected from, and the RFCs it holds. */
    private static final class Peer {
        final String host;
        final int port;
        final String sourceAddress;
        int[] numbers = new int[4];
        int count;

        Peer(String host, int port, String sourceAddress) {
            this.host = host;
            this.port = port;
            this.sourceAddress = sourceAddress;
        }

        void addNumber(int number) {
            if (count == numbers.length) {
                numbers = Arrays.copyOf(numbers, count * 2);
            }
            numbers[count++] = number;
        }
    }

    /** The holders of one RFC in registration order: the peers' ids and, at the same positions, their records. */
    private record Holders(long[] peerIds, List<RfcRecord> records) {
        static final Holders NONE = new Holders(new long[0], List.of());

        int indexOf(long peerId) {
            for (int i = 0; i < peerIds.length; i++) {
                if (peerIds[i] == peerId) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A registration found by its endpoint: the connection that holds it and the address it came from. */
    record Registered(long peerId, String sourceAddress) {
    }

    private final Map<Integer, Holders> byNumber = new ConcurrentHashMap<>();
    /** Writer only, like the two maps below. */
    private final Map<Long, Peer> peers = new HashMap<>();
    private final Map<String, Long> peerByEndpoint = new HashMap<>();

    /** Every holder of RFC {@code number}, in the order they registered it; an immutable list. */
    List<RfcRecord> lookup(int number) {
        return byNumber.getOrDefault(number, Holders.NONE).records();
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
        return byNumber.getOrDefault(number, Holders.NONE).indexOf(peerId) >= 0;
    }

    /** How many records peer {@code peerId} holds; 0 when it is not registered. Writer only. */
    int recordCount(long peerId) {
        Peer peer = peers.get(peerId);
        return peer == null ? 0 : peer.count;
    }

    /** Adds a registered peer, after the database has it. */
    void putPeer(long peerId, String host, int port, String sourceAddress) {
        peers.put(peerId, new Peer(host, port, sourceAddress));
        peerByEndpoint.put(endpoint(host, port), peerId);
    }

    /**
     * Adds peer {@code peerId}'s record of RFC {@code number}, after the database has it; a record the peer
     * already holds keeps its place and takes the new title, as the database's row does.
     */
    void putRecord(long peerId, int number, String title) {
        Peer peer = peers.get(peerId);
        if (peer == null) {
            throw new IllegalStateException("no peer " + peerId + " to hold RFC " + number);
        }
        RfcRecord record = new RfcRecord(number, title, peer.host, peer.port);
        Holders holders = byNumber.getOrDefault(number, Holders.NONE);
        int at = holders.indexOf(peerId);
        if (at >= 0) {
            List<RfcRecord> records = new ArrayList<>(holders.records());
            records.set(at, record);
            byNumber.put(number, new Holders(holders.peerIds(), List.copyOf(records)));
            return;
        }
        long[] peerIds = Arrays.copyOf(holders.peerIds(), holders.peerIds().length + 1);
        peerIds[peerIds.length - 1] = peerId;
        List<RfcRecord> records = new ArrayList<>(holders.records().size() + 1);
        records.addAll(holders.records());
        records.add(record);
        byNumber.put(number, new Holders(peerIds, List.copyOf(records)));
        peer.addNumber(number);
    }

    /**
     * Removes peer {@code peerId} and its records, before the database deletes them.
     *
     * @return how many records it held, or empty when it was not registered
     */
    OptionalInt removePeer(long peerId) {
        Peer peer = peers.remove(peerId);
        if (peer == null) {
            return OptionalInt.empty();
        }
        peerByEndpoint.remove(endpoint(peer.host, peer.port), peerId);
        for (int i = 0; i < peer.count; i++) {
            removeHolder(peer.numbers[i], peerId);
        }
        return OptionalInt.of(peer.count);
    }

    private void removeHolder(int number, long peerId) {
        Holders holders = byNumber.getOrDefault(number, Holders.NONE);
        int at = holders.indexOf(peerId);
        if (at < 0) {
            return;
        }
        if (holders.peerIds().length == 1) {
            byNumber.remove(number);
            return;
        }
        long[] peerIds = new long[holders.peerIds().length - 1];
        System.arraycopy(holders.peerIds(), 0, peerIds, 0, at);
        System.arraycopy(holders.peerIds(), at + 1, peerIds, at, peerIds.length - at);
        List<RfcRecord> records = new ArrayList<>(holders.records());
        records.remove(at);
        byNumber.put(number, new Holders(peerIds, List.copyOf(records)));
    }

    /**
     * The key of the endpoint {@code host:port}. Host names are tokens without white space, so a space cannot make
     * two endpoints collide.
     */
    static String endpoint(String host, int port) {
        return host + ' ' + port;
    }
}
