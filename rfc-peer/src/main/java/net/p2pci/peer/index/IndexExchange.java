package net.p2pci.peer.index;

import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;

/** One request sent to the index server and the response it answered with, for the peer's transcript. */
public record IndexExchange(IndexRequest request, IndexResponse response) {
}
