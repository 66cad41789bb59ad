package net.p2pci.protocol.fuzz;

import java.io.InputStream;
import java.util.Objects;

/**
 * Serves a byte array the way a socket does: in reads of varying size, or all at once. It remembers the largest
 * read the reader asked for, which is the size of the reader's buffer at that moment, so a fuzz test can check the
 * memory bound without any hook in the reader itself.
 */
final class SegmentedInputStream extends InputStream {
    /** How a message reaches the reader. */
    enum Delivery {
        /** As much as each read asks for, like a fast local sender. */
        WHOLE,
        /** In a fixed cycle of small and odd-sized segments, so lines and CRLFs arrive split at every offset. */
        SEGMENTED
    }

    /** Segment sizes; mostly small, with a few larger than any buffer step, and none repeating in step with a line. */
    private static final int[] SEGMENT_BYTES = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597};

    private final byte[] bytes;
    private final Delivery delivery;
    private int position;
    private int segment;
    private int largestRead;

    SegmentedInputStream(byte[] bytes, Delivery delivery) {
        this.bytes = Objects.requireNonNull(bytes, "bytes");
        this.delivery = Objects.requireNonNull(delivery, "delivery");
    }

    /** The largest length any read asked for so far. */
    int largestRead() {
        return largestRead;
    }

    @Override
    public int read() {
        largestRead = Math.max(largestRead, 1);
        return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        largestRead = Math.max(largestRead, length);
        if (length == 0) {
            return 0;
        }
        if (position == bytes.length) {
            return -1;
        }
        int served = Math.min(length, bytes.length - position);
        if (delivery == Delivery.SEGMENTED) {
            served = Math.min(served, SEGMENT_BYTES[segment++ % SEGMENT_BYTES.length]);
        }
        System.arraycopy(bytes, position, target, offset, served);
        position += served;
        return served;
    }
}
