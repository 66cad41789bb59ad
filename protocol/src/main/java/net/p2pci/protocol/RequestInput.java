package net.p2pci.protocol;

import java.io.IOException;

/**
 * A serving side's input that a {@link MessageReader} can ask more of than an {@link java.io.InputStream} gives: a
 * read that waits only a short while, so that the reader can tell a sender that has stopped (and waits for its
 * answer) from one still sending; and word that what arrived held no request after all. Implemented by the stream
 * the reader is given; a plain stream has neither, and then a request without its empty line ends only at the
 * stream's end.
 */
public interface RequestInput {
    /**
     * Reads as {@link java.io.InputStream#read(byte[], int, int)} does, but waits at most {@code waitMillis} for the
     * first byte; returns 0 when none came in that time, leaving the input as it was. A deadline of the input's own
     * that comes first is kept: the read then fails as any read past it would.
     */
    int readWithin(byte[] buffer, int offset, int length, int waitMillis) throws IOException;

    /**
     * The bytes read since the last request ended held no new request (only line ends and {@code END} lines, which
     * some clients send after a request), and none is buffered: as far as requests go the connection is idle.
     */
    void requestNotBegun();
}
