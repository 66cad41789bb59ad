package net.p2pci.protocol;

/**
 * A request of the index extensions (docs/PROTOCOL.md section 8): discovery, SEARCH, PEERS, WITHDRAW. Only a peer
 * that has learnt the server offers them sends them, discovery aside, which a standard server answers 400.
 */
public sealed interface ExtensionRequest extends IndexRequest
        permits OptionsRequest, SearchRequest, PeersRequest, WithdrawRequest {
}
