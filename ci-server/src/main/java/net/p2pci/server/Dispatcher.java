package net.p2pci.server;

import java.util.List;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns one parsed request into its response against the {@link IndexStore}. The first request on a
 * connection, whatever its method, registers the peer. Thread-safe: it holds no state of its own.
 */
final class Dispatcher {
    private static final Logger log = LogManager.getLogger(Dispatcher.class);

    private final IndexStore store;
    private final Connections connections;
    private final ServerConfig config;

    Dispatcher(IndexStore store, Connections connections, ServerConfig config) {
        this.store = store;
        this.connections = connections;
        this.config = config;
    }

    IndexResponse dispatch(PeerSession session, Request request) {
        return switch (request) {
            case IndexRequest indexRequest -> {
                if (!session.isRegistered() && !register(session, indexRequest)) {
                    yield IndexResponse.of(Status.BAD_REQUEST_400);
                }
                yield switch (indexRequest) {
                    case AddRequest add -> add(session, add);
                    case LookupRequest lookup -> lookup(session, lookup);
                    case ListRequest list -> list(session);
                };
            }
            case GetRequest get -> {
                // GET is for peers' upload servers; an index has no files to give.
                log.info("[Server] 400 to {}: GET sent to the index", session.describeRemote());
                yield IndexResponse.of(Status.BAD_REQUEST_400);
            }
        };
    }

    /** Registers the session's peer; false when its host:port belongs to a peer at another address. */
    private boolean register(PeerSession session, IndexRequest request) {
        // By default the index records the Host the peer claims, as the protocol's demos expect; trackers that
        // must resist spoofing record the address the connection really comes from.
        String host = config.recordSourceAddress() ? session.sourceAddress() : request.host();
        String peer = WireText.forLog(host);
        log.info("[Server] Connection from {} at {}", peer, session.describeRemote());
        switch (store.registerPeer(session.id(), host, request.port(), session.sourceAddress())) {
            case IndexStore.Registration.Refused refused -> {
                log.info("[Server] 400 to {}: {}:{} is registered from {}", session.describeRemote(), peer,
                        request.port(), refused.holderSourceAddress());
                return false;
            }
            case IndexStore.Registration.Registered registered -> {
                session.registered(host, request.port());
                registered.replacedPeerId().ifPresent(staleId -> {
                    log.info("[Server] Replaced stale registration of {}:{} ({})", peer, request.port(),
                            records(registered.replacedRecords()));
                    connections.close(staleId);
                });
                log.info("[Server] Added {}:{}", peer, request.port());
                return true;
            }
        }
    }

    private IndexResponse add(PeerSession session, AddRequest add) {
        if (!store.addRecord(session.id(), add.rfcNumber(), add.title(), config.maxRecordsPerPeer())) {
            log.info("[Server] 400 to {}: already holds the most records allowed, {}", session.describeRemote(),
                    config.maxRecordsPerPeer());
            return IndexResponse.of(Status.BAD_REQUEST_400);
        }
        log.info("[Server] Added RFC {} from {}", add.rfcNumber(), WireText.forLog(session.host()));
        return IndexResponse.ok(List.of(new RfcRecord(add.rfcNumber(), add.title(), session.host(), session.port())));
    }

    private IndexResponse lookup(PeerSession session, LookupRequest lookup) {
        List<RfcRecord> holders = store.lookup(lookup.rfcNumber());
        if (log.isDebugEnabled()) {
            log.debug("[Server] LOOKUP RFC {} from {}: {}", lookup.rfcNumber(),
                    WireText.forLog(session.host()), records(holders.size()));
        }
        return holders.isEmpty() ? IndexResponse.of(Status.NOT_FOUND_404) : IndexResponse.ok(holders);
    }

    private IndexResponse list(PeerSession session) {
        List<RfcRecord> records = store.listAll();
        if (log.isDebugEnabled()) {
            log.debug("[Server] LIST ALL from {}: {}", WireText.forLog(session.host()), records(records.size()));
        }
        return IndexResponse.ok(records);
    }

    /** Removes the session's peer and its records, if it registered and was not replaced meanwhile. */
    void endSession(PeerSession session) {
        if (!session.isRegistered()) {
            return;
        }
        store.removePeer(session.id()).ifPresent(count -> log.info("[Server] Removed {}:{} ({})",
                WireText.forLog(session.host()), session.port(), records(count)));
    }

    private static String records(int count) {
        return count == 1 ? "1 record" : count + " records";
    }
}
