package net.p2pci.server.store.embedded;

import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.IntPredicate;

/**
 * The RFC numbers one title word is found under, as a set walked in ascending order: SEARCH walks a word's numbers
 * from the lowest and stops at its cap.
 *
 * <p>Kept as 64-number blocks of bits, in a sorted map by block: the words most titles share ("the", "protocol")
 * have dense numbers, and one map entry for 64 of them costs a set bit, where a sorted map of the numbers cost a
 * map node and a boxed number each, 8 words a record (bench add: 41 µs of server CPU per ADD, 14.8 KiB per held
 * peer). A word whose numbers are all in one block, as most rare words' are (a title's own number, a name), is
 * that block alone, without a map, until a number in another block comes.
 *
 * <p>Thread-safe for one writer at a time (the holder of the store's write lock) and any number of readers: a block
 * is published through the concurrent map or a volatile field, its bits and the size are volatile, and the writer
 * alone changes them. A reader walking while the writer changes the set sees every number present throughout its
 * walk; one added or removed meanwhile it may see or not.
 */
final class WordPostings {
    /** log2 of the numbers per block: one long's bits. */
    private static final int BLOCK_SHIFT = 6;
    private static final int BLOCK_MASK = (1 << BLOCK_SHIFT) - 1;

    /** 64 consecutive numbers' presence, bit i for number {@code key * 64 + i}. */
    private static final class Block {
        final int key;
        volatile long bits;

        Block(int key) {
            this.key = key;
        }
    }

    /**
     * The word's only block, while {@link #blocks} is null; once the map is made, it holds every block and this
     * is no longer read (it is left as it was, so that a reader who found no map yet still finds the block it
     * shares with the map).
     */
    private volatile Block sole;
    /** Every block, by key; made when a second block is needed, and kept from then on. */
    private volatile ConcurrentNavigableMap<Integer, Block> blocks;
    /**
     * The block the writer last touched: numbers come in runs (a peer ADDs, and leaves with, RFCs of nearby
     * numbers), which it saves a look in the map. Writer only; the write lock orders it between writers.
     */
    private Block last;
    private volatile int size;

    /** How many numbers the word is under. */
    int size() {
        return size;
    }

    /** Whether the word is under no number. */
    boolean isEmpty() {
        return size == 0;
    }

    /** Adds {@code number} (not negative); true when it was not there yet. Writer only. */
    boolean add(int number) {
        int key = number >>> BLOCK_SHIFT;
        long bit = 1L << (number & BLOCK_MASK);
        Block block = find(key);
        if (block == null) {
            block = new Block(key);
            block.bits = bit;
            publish(block);
        } else {
            long bits = block.bits;
            if ((bits & bit) != 0) {
                return false;
            }
            block.bits = bits | bit;
        }
        last = block;
        size = size + 1;
        return true;
    }

    /** Removes {@code number}; true when it was there. Writer only. */
    boolean remove(int number) {
        int key = number >>> BLOCK_SHIFT;
        long bit = 1L << (number & BLOCK_MASK);
        Block block = find(key);
        if (block == null || (block.bits & bit) == 0) {
            return false;
        }
        long bits = block.bits & ~bit;
        block.bits = bits;
        if (bits == 0) {
            withdraw(block);
        } else {
            last = block;
        }
        size = size - 1;
        return true;
    }

    /** The block of {@code key}, or null. Writer only. */
    private Block find(int key) {
        Block cached = last;
        if (cached != null && cached.key == key) {
            return cached;
        }
        ConcurrentNavigableMap<Integer, Block> map = blocks;
        if (map != null) {
            return map.get(key);
        }
        Block only = sole;
        return only != null && only.key == key ? only : null;
    }

    /** Makes a new block, holding one number, seen by readers. Writer only. */
    private void publish(Block block) {
        ConcurrentNavigableMap<Integer, Block> map = blocks;
        if (map != null) {
            map.put(block.key, block);
            return;
        }
        Block only = sole;
        if (only == null) {
            sole = block;
            return;
        }
        map = new ConcurrentSkipListMap<>();
        map.put(only.key, only);
        map.put(block.key, block);
        blocks = map;
    }

    /** Takes an emptied block out of readers' sight. Writer only. */
    private void withdraw(Block block) {
        if (last == block) {
            last = null;
        }
        ConcurrentNavigableMap<Integer, Block> map = blocks;
        if (map != null) {
            map.remove(block.key);
        } else {
            sole = null;
        }
    }

    /** Whether the word is under {@code number}. */
    boolean contains(int number) {
        int key = number >>> BLOCK_SHIFT;
        ConcurrentNavigableMap<Integer, Block> map = blocks;
        Block block = map != null ? map.get(key) : sole;
        return block != null && block.key == key && (block.bits & (1L << (number & BLOCK_MASK))) != 0;
    }

    /**
     * Gives {@code visitor} the numbers in ascending order, until it answers false.
     *
     * @return false when the visitor stopped the walk
     */
    boolean forEachAscending(IntPredicate visitor) {
        ConcurrentNavigableMap<Integer, Block> map = blocks;
        if (map == null) {
            Block only = sole;
            return only == null || visit(only, visitor);
        }
        for (Block block : map.values()) {
            if (!visit(block, visitor)) {
                return false;
            }
        }
        return true;
    }

    /** Gives {@code visitor} the numbers of {@code block} in ascending order; false when it stopped. */
    private static boolean visit(Block block, IntPredicate visitor) {
        int first = block.key << BLOCK_SHIFT;
        for (long bits = block.bits; bits != 0; bits &= bits - 1) {
            if (!visitor.test(first + Long.numberOfTrailingZeros(bits))) {
                return false;
            }
        }
        return true;
    }
}
