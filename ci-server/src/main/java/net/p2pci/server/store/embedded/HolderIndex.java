package net.p2pci.server.store.embedded;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.TitleWords;
import net.p2pci.server.store.RecordSize;
import net.p2pci.server.store.SearchHits;

/**
 * The index's peers and records as they stand in the database, held in memory too, so that LOOKUP and the checks
 * before a write need no database round trip. The database stays the store of record; this is its mirror.
 *
 * <p>Thread-safe for one writer at a time and any number of readers: {@link EmbeddedStore} makes every change while
 * holding its write lock, in the same order as its database change (records go from here before the database
 * deletes them, and appear here only after the database has them), so a reader never sees a record that the
 * database has not committed, nor one of a peer whose removal has begun. Readers see, per RFC number, an immutable
 * list published through a concurrent map; the peer table is touched by the writer only.
 *
 * <p>A record is known as its peer's by the peer's id, kept beside it per RFC number: two live connections may
 * claim the same host and port (an impostor, or a restarted peer whose old connection is not yet known dead), and
 * each keeps its own records, equal as they may be; a claim never displaces another. Whether a peer holds an RFC is
 * a look at that RFC's few holders, never a scan of the peer's records, which may number thousands.
 *
 * <p>It also keeps the index's memory account (checked by the index's rules): the estimated bytes of every record, in all and
 * per source address, which ADDs are checked against.
 */
final class HolderIndex {
    /**
     * A registered peer: where it is reached, the address it connected from, and the records it holds, each with the
     * seq of its database row ({@code records[i]} is in row {@code seqs[i]}).
     */
    private static final class Peer {
        final String host;
        final int port;
        final String sourceAddress;
        RfcRecord[] records = new RfcRecord[4];
        long[] seqs = new long[4];
        int count;

        Peer(String host, int port, String sourceAddress) {
            this.host = host;
            this.port = port;
            this.sourceAddress = sourceAddress;
        }

        void add(RfcRecord record, long seq) {
            if (count == records.length) {
                records = Arrays.copyOf(records, count * 2);
                seqs = Arrays.copyOf(seqs, count * 2);
            }
            records[count] = record;
            seqs[count] = seq;
            count++;
        }

        /** Where this peer's record of RFC {@code number} is in {@link #records}, or -1. */
        int slotOf(int number) {
            for (int i = 0; i < count; i++) {
                if (records[i].number() == number) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static final long[] NO_ROWS = {};

    /**
     * The holders of one RFC: their records in registration order, and the id of the peer holding each (two claims
     * of one endpoint hold equal records). Immutable; replaced whole on every change.
     */
    private record Holders(List<RfcRecord> records, long[] peerIds) {
        int indexOf(long peerId) {
            for (int i = 0; i < peerIds.length; i++) {
                if (peerIds[i] == peerId) {
                    return i;
                }
            }
            return -1;
        }
    }

    /**
     * SEARCH's word index: per title word, the RFC numbers with a record whose title has it. A word is entered
     * before a record that has it is published in {@link #byNumber}, and left after the record is gone from there
     * (and only when no other holder's title has it), so a reader never misses a record; it may find a number whose
     * record has just gone, and checks every record it answers with against the words anyway.
     */
    private final Map<String, WordPostings> numbersByWord = new ConcurrentHashMap<>();

    /**
     * The rows of records withdrawn from the mirror whose deletion the database has not committed yet, per peer:
     * should it fail, the peer's removal deletes them.
     */
    private final Map<Long, List<Long>> withdrawnRows = new HashMap<>();
    /** Per RFC number, its holders; never empty. */
    private final Map<Integer, Holders> byNumber = new ConcurrentHashMap<>();
    /** Writer only, like the maps and counters below. */
    private final Map<Long, Peer> peers = new HashMap<>();
    /** The live registrations of each endpoint, oldest first; usually one. */
    private final Map<String, List<Long>> peersByEndpoint = new HashMap<>();
    /** The estimated bytes of the records of the peers connected from each source address. */
    private final Map<String, Long> bytesBySource = new HashMap<>();
    private long totalBytes;
    /** The seq given to the newest record row. */
    private long lastSeq;
    /** The id given to the newest peer. */
    private long lastPeerId;
    /**
     * The record rows of each peer that has left the mirror but whose removal the database has not committed yet.
     * Should that removal fail, they are still in the database, with no index to find them by peer: a later removal
     * of the same peer finds them here.
     */
    private final Map<Long, long[]> rowsBeingRemoved = new HashMap<>();

    /** Every holder of RFC {@code number}, in the order they registered it; an immutable list. */
    List<RfcRecord> lookup(int number) {
        Holders holders = byNumber.get(number);
        return holders == null ? List.of() : holders.records();
    }

    /**
     * Up to {@code limit} records whose titles have all of {@code words}, by RFC number and then registration order:
     * the numbers of the rarest word, each number's holders checked against every word.
     */
    SearchHits search(List<String> words, int limit) {
        WordPostings rarest = null;
        for (String word : words) {
            WordPostings postings = numbersByWord.get(word);
            if (postings == null) {
                return new SearchHits(List.of(), false);
            }
            if (rarest == null || postings.size() < rarest.size()) {
                rarest = postings;
            }
        }
        if (rarest == null) {
            return new SearchHits(List.of(), false);
        }
        List<RfcRecord> found = new ArrayList<>();
        boolean whole = rarest.forEachAscending(number -> {
            for (RfcRecord record : lookup(number)) {
                if (TitleWords.matchesAll(record.title(), words)) {
                    if (found.size() == limit) {
                        return false;
                    }
                    found.add(record);
                }
            }
            return true;
        });
        return new SearchHits(found, !whole);
    }

    /** The other live registrations of {@code host:port} than {@code peerId}, oldest first. Writer only. */
    List<Long> otherClaims(String host, int port, long peerId) {
        List<Long> claims = peersByEndpoint.getOrDefault(endpoint(host, port), List.of());
        if (claims.size() == 1 && claims.get(0) == peerId) {
            return List.of(); // the usual case, every registration and removal of a peer: no stream for it
        }
        return claims.stream().filter(id -> id != peerId).toList();
    }

    boolean hasPeer(long peerId) {
        return peers.containsKey(peerId);
    }

    /** Whether peer {@code peerId} holds RFC {@code number}. Writer only. */
    boolean holds(long peerId, int number) {
        Holders holders = byNumber.get(number);
        return holders != null && holders.indexOf(peerId) >= 0;
    }

    /**
     * The seq of the database row of peer {@code peerId}'s record of RFC {@code number}, or -1 when it holds none.
     * Writer only.
     */
    long recordSeq(long peerId, int number) {
        Peer peer = peers.get(peerId);
        int slot = peer == null ? -1 : peer.slotOf(number);
        return slot < 0 ? -1 : peer.seqs[slot];
    }

    /** The title of peer {@code peerId}'s record of RFC {@code number}; null when it holds none. Writer only. */
    String title(long peerId, int number) {
        Peer peer = peers.get(peerId);
        int slot = peer == null ? -1 : peer.slotOf(number);
        return slot < 0 ? null : peer.records[slot].title();
    }

    /** An id for a new peer, never given before by this store. */
    long newPeerId() {
        return ++lastPeerId;
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

    /** The address peer {@code peerId} connected from; null when it is not registered. Writer only. */
    String sourceAddress(long peerId) {
        Peer peer = peers.get(peerId);
        return peer == null ? null : peer.sourceAddress;
    }

    /** The estimated bytes of every record in the index. Writer only. */
    long totalBytes() {
        return totalBytes;
    }


    /** The estimated bytes of the records of the peers connected from {@code sourceAddress}. Writer only. */
    long bytesFrom(String sourceAddress) {
        return bytesBySource.getOrDefault(sourceAddress, 0L);
    }

    /** Adds a registered peer, after the database has it. */
    void putPeer(long peerId, String host, int port, String sourceAddress) {
        if (peers.putIfAbsent(peerId, new Peer(host, port, sourceAddress)) != null) {
            throw new IllegalStateException("peer " + peerId + " is registered already");
        }
        peersByEndpoint.computeIfAbsent(endpoint(host, port), key -> new ArrayList<>(1)).add(peerId);
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
        Holders holders = byNumber.get(number);
        int at = holders == null ? -1 : holders.indexOf(peerId);
        if (at >= 0) {
            // A repeated ADD: rare, so the peer's own slot is looked for by a scan.
            int slot = peer.slotOf(number);
            RfcRecord old = peer.records[slot];
            peer.records[slot] = record;
            List<RfcRecord> records = new ArrayList<>(holders.records());
            records.set(at, record);
            // The old record's title differs, if at all, so only another holder's title can equal the new one.
            if (!hasTitle(holders.records(), title)) {
                indexWords(number, title);
            }
            List<RfcRecord> published = List.copyOf(records);
            byNumber.put(number, new Holders(published, holders.peerIds()));
            unindexWords(number, old.title(), published);
            account(peer, RecordSize.of(title) - RecordSize.of(old.title()));
        } else {
            peer.add(record, seq);
            List<RfcRecord> records = new ArrayList<>(holders == null ? List.of() : holders.records());
            records.add(record);
            long[] ids = holders == null ? new long[1] : Arrays.copyOf(holders.peerIds(), holders.peerIds().length + 1);
            ids[ids.length - 1] = peerId;
            if (holders == null || !hasTitle(holders.records(), title)) {
                indexWords(number, title);
            }
            byNumber.put(number, new Holders(List.copyOf(records), ids));
            account(peer, RecordSize.of(title));
        }
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
        String endpoint = endpoint(peer.host, peer.port);
        List<Long> claims = peersByEndpoint.get(endpoint);
        claims.remove(peerId);
        if (claims.isEmpty()) {
            peersByEndpoint.remove(endpoint);
        }
        long bytes = 0;
        for (int i = 0; i < peer.count; i++) {
            removeHolder(peerId, peer.records[i]);
            bytes += RecordSize.of(peer.records[i].title());
        }
        account(peer, -bytes);
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
        withdrawnRows.remove(peerId);
    }

    /**
     * Removes peer {@code peerId}'s record of RFC {@code number}, before the database deletes its row.
     *
     * @return the record and the seq of its row, or null when the peer holds none
     */
    Withdrawn withdraw(long peerId, int number) {
        Peer peer = peers.get(peerId);
        int slot = peer == null ? -1 : peer.slotOf(number);
        if (slot < 0) {
            return null;
        }
        RfcRecord record = peer.records[slot];
        long seq = peer.seqs[slot];
        removeHolder(peerId, record);
        int last = peer.count - 1;
        System.arraycopy(peer.records, slot + 1, peer.records, slot, last - slot);
        System.arraycopy(peer.seqs, slot + 1, peer.seqs, slot, last - slot);
        peer.records[last] = null;
        peer.count = last;
        account(peer, -RecordSize.of(record.title()));
        withdrawnRows.computeIfAbsent(peerId, key -> new ArrayList<>(1)).add(seq);
        return new Withdrawn(record, seq);
    }

    /** The rows of peer {@code peerId}'s withdrawn records whose deletion is not committed; for its removal. */
    long[] withdrawnRows(long peerId) {
        List<Long> rows = withdrawnRows.get(peerId);
        return rows == null ? NO_ROWS : rows.stream().mapToLong(Long::longValue).toArray();
    }

    /** A record withdrawn from the mirror, and the row the database is to delete. */
    record Withdrawn(RfcRecord record, long seq) {
    }

    /** The database has committed the deletion of peer {@code peerId}'s withdrawn row {@code seq}. */
    void withdrawalCommitted(long peerId, long seq) {
        List<Long> rows = withdrawnRows.get(peerId);
        if (rows != null) {
            rows.remove(Long.valueOf(seq));
            if (rows.isEmpty()) {
                withdrawnRows.remove(peerId);
            }
        }
    }

    /** Enters {@code title}'s words for RFC {@code number}. Writer only. */
    private void indexWords(int number, String title) {
        for (String word : TitleWords.of(title)) {
            numbersByWord.computeIfAbsent(word, key -> new WordPostings()).add(number);
        }
    }

    /**
     * Leaves {@code title}'s words for RFC {@code number}, once a record with it is gone, save those that a title
     * of the number's {@code remaining} records has. Holders of one RFC nearly always share its title, and then
     * nothing changes. Writer only.
     */
    private void unindexWords(int number, String title, List<RfcRecord> remaining) {
        if (hasTitle(remaining, title)) {
            return;
        }
        List<String> words = TitleWords.of(title);
        for (RfcRecord other : remaining) {
            words.removeAll(TitleWords.of(other.title()));
        }
        for (String word : words) {
            WordPostings postings = numbersByWord.get(word);
            if (postings != null && postings.remove(number) && postings.isEmpty()) {
                numbersByWord.remove(word);
            }
        }
    }

    /** Whether one of {@code records} has exactly {@code title}. */
    private static boolean hasTitle(List<RfcRecord> records, String title) {
        for (RfcRecord record : records) {
            if (record.title().equals(title)) {
                return true;
            }
        }
        return false;
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

    private void removeHolder(long peerId, RfcRecord record) {
        int number = record.number();
        Holders holders = byNumber.get(number);
        int at = holders == null ? -1 : holders.indexOf(peerId);
        if (at < 0) {
            return;
        }
        if (holders.peerIds().length == 1) {
            byNumber.remove(number);
            unindexWords(number, record.title(), List.of());
            return;
        }
        List<RfcRecord> records = new ArrayList<>(holders.records());
        records.remove(at);
        long[] ids = new long[holders.peerIds().length - 1];
        System.arraycopy(holders.peerIds(), 0, ids, 0, at);
        System.arraycopy(holders.peerIds(), at + 1, ids, at, ids.length - at);
        List<RfcRecord> remaining = List.copyOf(records);
        byNumber.put(number, new Holders(remaining, ids));
        unindexWords(number, record.title(), remaining);
    }

    /**
     * The key of the endpoint {@code host:port}. Host names are tokens without white space, so a space cannot make
     * two endpoints collide.
     */
    static String endpoint(String host, int port) {
        return host + ' ' + port;
    }
}
