package net.p2pci.server.index;

import net.p2pci.protocol.IndexResponse;
import net.p2pci.server.store.IndexStore;

/** What the {@link Dispatcher} answers a request with, for the connection's handler to write. */
public sealed interface Answer {
    /** A response built whole, written in one write. */
    record Whole(IndexResponse response) implements Answer {
    }

    /**
     * LIST ALL's 200 OK: every record, read from {@code store} and written a page at a time, so that a LIST of a
     * large index never needs the whole answer in memory. An index of one page goes out in one write, as any other
     * answer.
     */
    record Pages(IndexStore store) implements Answer {
    }
}
