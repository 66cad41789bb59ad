package net.p2pci.protocol;

/** A request from a peer to the index server; each carries the peer's host and upload port. */
public sealed interface IndexRequest extends Request permits AddRequest, LookupRequest, ListRequest,
        ExtensionRequest {
    String host();

    int port();
}
