package net.p2pci.server.store.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerGoneException;
import net.p2pci.server.store.RecordSize;

/**
 * One change to the index that a connection asked for, and its answer. {@link EmbeddedStore} queues it; whichever
 * thread holds the store's write lock takes it into a {@link WriteBatch}: it decides the change against the
 * in-memory mirror ({@link #prepare}), the batch commits its statements together with those of other changes, and
 * then the mirror takes what waited for the commit ({@link #committed}) and the asking thread is woken with the
 * answer.
 *
 * @param <T> the answer
 */
abstract sealed class IndexChange<T> {
    /** The thread that waits for the answer. */
    final Thread caller = Thread.currentThread();
    /** The database statements this change needs, filled by {@link #prepare}; empty when it changes nothing. */
    final List<WriteBatch.Statement> statements = new ArrayList<>(2);
    private volatile boolean done;
    private T answer;
    private RuntimeException failure;
    /** The peer whose rows this change deletes, gone from the mirror already; -1 when none. */
    private long removedPeer = -1;

    /** Whether {@code batch} already holds a change of a peer or endpoint this one touches. */
    abstract boolean conflictsWith(WriteBatch batch, HolderIndex mirror);

    /**
     * Decides the change against {@code mirror}, as it stands with every earlier change made or waiting in the
     * batch: removes from the mirror what goes (before the database deletes it), lists the statements, marks what
     * it touches in {@code batch}, and sets the answer.
     */
    abstract void prepare(WriteBatch batch, HolderIndex mirror);

    /** Tells {@code mirror} what this change did to the database, once that is committed. */
    final void committed(HolderIndex mirror) {
        if (removedPeer >= 0) {
            mirror.removalCommitted(removedPeer);
        }
        added(mirror);
    }

    /** Adds to {@code mirror} what this change added to the database, once that is committed. */
    void added(HolderIndex mirror) {
    }

    /**
     * Lists the statements that delete peer {@code peerId}'s row and the rows {@code recordSeqs} of its records,
     * which the caller has just taken out of the mirror.
     */
    final void deletePeer(long peerId, long[] recordSeqs) {
        for (long recordSeq : recordSeqs) {
            statements.add(new WriteBatch.Statement.DeleteRecord(recordSeq));
        }
        statements.add(new WriteBatch.Statement.DeletePeer(peerId));
        removedPeer = peerId;
    }

    /**
     * Marks peer {@code peerId} as touched by {@code batch}; when the mirror no longer has it, fails this change
     * and answers false.
     */
    final boolean touchRegistered(WriteBatch batch, HolderIndex mirror, long peerId) {
        batch.touch(peerId);
        if (!mirror.hasPeer(peerId)) {
            fail(new PeerGoneException(peerId));
            return false;
        }
        return true;
    }

    final void answer(T value) {
        this.answer = value;
    }

    /** Ends the change with {@code error} instead of its answer. */
    final void fail(RuntimeException error) {
        this.failure = error;
    }

    /** Publishes the answer (or the failure) and wakes the caller. */
    final void finish() {
        done = true;
        if (caller != Thread.currentThread()) {
            LockSupport.unpark(caller);
        }
    }

    final boolean isDone() {
        return done;
    }

    /** The answer, once {@link #isDone}; throws the failure instead, if there was one. */
    final T result() {
        if (failure != null) {
            throw failure;
        }
        return answer;
    }

    /** A change of one registered peer's: it waits for the next batch when the batch has a change of that peer. */
    abstract static sealed class OfPeer<T> extends IndexChange<T> permits AddRecord, RemovePeer, Withdraw {
        final long peerId;

        OfPeer(long peerId) {
            this.peerId = peerId;
        }

        @Override
        final boolean conflictsWith(WriteBatch batch, HolderIndex mirror) {
            return batch.touchesPeer(peerId);
        }
    }

    /** Registers a peer and gives it its id; see {@link IndexStore#registerPeer}. */
    static final class Register extends IndexChange<IndexStore.Registration> {
        private final String host;
        private final int port;
        private final String sourceAddress;
        private long peerId;

        Register(String host, int port, String sourceAddress) {
            this.host = host;
            this.port = port;
            this.sourceAddress = sourceAddress;
        }

        @Override
        boolean conflictsWith(WriteBatch batch, HolderIndex mirror) {
            // A new peer, and a claim never touches another connection's registration.
            return false;
        }

        @Override
        void prepare(WriteBatch batch, HolderIndex mirror) {
            peerId = mirror.newPeerId();
            batch.touch(peerId);
            statements.add(new WriteBatch.Statement.InsertPeer(peerId, host, port, sourceAddress));
            answer(new IndexStore.Registration(peerId, mirror.otherClaims(host, port, peerId)));
        }

        @Override
        void added(HolderIndex mirror) {
            mirror.putPeer(peerId, host, port, sourceAddress);
        }
    }

    /** Records that peer {@code peerId} holds an RFC; see {@link IndexStore#addRecord}. */
    static final class AddRecord extends OfPeer<AddOutcome> {
        private final int number;
        private final String title;
        private final AddPolicy policy;
        /** The seq of the record's row: a new one, or that of the row the peer already has for this RFC. */
        private long seq;

        AddRecord(long peerId, int number, String title, AddPolicy policy) {
            super(peerId);
            this.number = number;
            this.title = title;
            this.policy = policy;
        }

        @Override
        void prepare(WriteBatch batch, HolderIndex mirror) {
            if (!touchRegistered(batch, mirror, peerId)) {
                return;
            }
            boolean held = mirror.holds(peerId, number);
            long growth = RecordSize.of(title) - (held ? RecordSize.of(mirror.title(peerId, number)) : 0);
            AddOutcome outcome = policy.decide(new AddPolicy.AddFacts(held, mirror.recordCount(peerId), growth,
                    mirror.totalBytes(), mirror.bytesFrom(mirror.sourceAddress(peerId))));
            if (outcome != AddOutcome.ADDED) {
                answer(outcome);
                return;
            }
            if (held) {
                seq = mirror.recordSeq(peerId, number);
                statements.add(new WriteBatch.Statement.UpdateTitle(seq, title));
            } else {
                seq = mirror.newRecordSeq();
                statements.add(new WriteBatch.Statement.InsertRecord(seq, peerId, number, title));
            }
            answer(AddOutcome.ADDED);
        }

        @Override
        void added(HolderIndex mirror) {
            if (!statements.isEmpty()) {
                mirror.putRecord(peerId, number, title, seq);
            }
        }
    }

    /** Removes peer {@code peerId} and its records; see {@link IndexStore#removePeer}. */
    static final class RemovePeer extends OfPeer<Optional<Integer>> {
        RemovePeer(long peerId) {
            super(peerId);
        }

        @Override
        void prepare(WriteBatch batch, HolderIndex mirror) {
            batch.touch(peerId);
            // The mirror first: from now on no LOOKUP shows this peer, even before the database has deleted it.
            Optional<long[]> seqs = mirror.removePeer(peerId);
            // The peer's rows go even when the mirror has no such peer, so that none can outlive its connection:
            // after a removal of it that failed (a takeover of its endpoint, say), its record rows are still there.
            deletePeer(peerId, seqs.orElseGet(() -> mirror.rowsBeingRemoved(peerId)));
            // Rows of withdrawn records whose own deletion failed go with the peer, so that none outlives it.
            for (long withdrawn : mirror.withdrawnRows(peerId)) {
                statements.add(0, new WriteBatch.Statement.DeleteRecord(withdrawn));
            }
            answer(seqs.map(removed -> removed.length));
        }
    }

    /** Removes peer {@code peerId}'s record of one RFC; see {@link IndexStore#withdrawRecord}. */
    static final class Withdraw extends OfPeer<Optional<RfcRecord>> {
        private final int number;
        private long seq = -1;

        Withdraw(long peerId, int number) {
            super(peerId);
            this.number = number;
        }

        @Override
        void prepare(WriteBatch batch, HolderIndex mirror) {
            if (!touchRegistered(batch, mirror, peerId)) {
                return;
            }
            // The mirror first, as for a removed peer: no LOOKUP or SEARCH shows the record from now on.
            HolderIndex.Withdrawn withdrawn = mirror.withdraw(peerId, number);
            if (withdrawn == null) {
                answer(Optional.empty());
                return;
            }
            seq = withdrawn.seq();
            statements.add(new WriteBatch.Statement.DeleteRecord(seq));
            answer(Optional.of(withdrawn.record()));
        }

        @Override
        void added(HolderIndex mirror) {
            if (seq >= 0) {
                mirror.withdrawalCommitted(peerId, seq);
            }
        }
    }
}
