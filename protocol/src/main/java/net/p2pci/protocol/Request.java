package net.p2pci.protocol;

/**
 * A parsed P2P-CI/1.0 request: the index requests ({@link AddRequest}, {@link LookupRequest}, {@link ListRequest})
 * and the peer-to-peer {@link GetRequest}. Switch over it to dispatch.
 */
public sealed interface Request permits IndexRequest, GetRequest {
}
