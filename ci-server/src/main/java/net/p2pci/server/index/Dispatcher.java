package net.p2pci.server.index;

import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.ExtensionRequest;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.Header;
import net.p2pci.protocol.OptionsRequest;
import net.p2pci.protocol.PeerLine;
import net.p2pci.protocol.PeersRequest;
import net.p2pci.protocol.SearchRequest;
import net.p2pci.protocol.WithdrawRequest;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import net.p2pci.server.store.AddOutcome;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.PeerView;
import net.p2pci.server.store.SearchHits;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Turns one parsed request into its answer against the {@link IndexStore}, and holds the index's rules: the first
 * request on a connection, whatever its method, registers the peer; a claim of a host:port never displaces or
 * blocks another (a contested one has the other claimants' connections probed, so a dead one goes within seconds);
 * ADDs are held to the per-peer record limit and the memory budget ({@link IndexRules}, which the store applies).
 * The same on every store, and so across instances that share one. Thread-safe: it holds no state of its own.
 */
public final class Dispatcher {
    private static final Logger log = LogManager.getLogger(Dispatcher.class);

    private final IndexStore store;
    private final IndexRules rules;
    private final LivenessProbe probe;
    private final boolean recordSourceAddress;
    private final ClientLog clientLog;
    private final IndexEvents events;

    /**
     * @param rules               the limits ADDs are held to; {@code store} applies them
     * @param probe               probes the connection of a peer whose endpoint another connection claims
     * @param recordSourceAddress record the connection's source address as the peer's host, not the Host it claims
     * @param events              told of every answer and change of the index, for the dashboard and metrics
     */
    public Dispatcher(IndexStore store, IndexRules rules, LivenessProbe probe, boolean recordSourceAddress,
            ClientLog clientLog, IndexEvents events) {
        this.store = store;
        this.rules = rules;
        this.probe = probe;
        this.recordSourceAddress = recordSourceAddress;
        this.clientLog = clientLog;
        this.events = events;
    }

    /** The observer of this server's requests and index changes. */
    public IndexEvents events() {
        return events;
    }

    public Answer dispatch(PeerSession session, Request request) {
        return switch (request) {
            case IndexRequest indexRequest -> {
                if (!session.isRegistered()) {
                    register(session, indexRequest);
                }
                yield switch (indexRequest) {
                    case AddRequest add -> add(session, add);
                    case LookupRequest lookup -> lookup(session, lookup);
                    case ListRequest list -> list(session);
                    case ExtensionRequest extension -> extension(session, extension);
                };
            }
            case GetRequest get -> {
                // GET is for peers' upload servers; an index has no files to give.
                clientLog.error("bad request", session.sourceAddress(), "[Server] 400 to {}: GET sent to the index",
                        session.describeRemote());
                yield whole(IndexResponse.of(Status.BAD_REQUEST_400));
            }
        };
    }

    /** Registers the session's peer: always, since a claim never blocks another. */
    private void register(PeerSession session, IndexRequest request) {
        // By default the index records the Host the peer claims, as the protocol's demos expect; trackers that
        // must resist spoofing record the address the connection really comes from.
        String host = recordSourceAddress ? session.sourceAddress() : request.host();
        String peer = WireText.forLog(host);
        clientLog.event("connection", session.sourceAddress(), "[Server] Connection from {} at {}", peer,
                session.describeRemote());
        IndexStore.Registration registration = store.registerPeer(host, request.port(), session.sourceAddress());
        session.registered(registration.peerId(), host, request.port());
        clientLog.event("registration", session.sourceAddress(), "[Server] Added {}:{}", peer, request.port());
        events.peerRegistered(session);
        if (!registration.otherClaims().isEmpty()) {
            clientLog.warning("contested", session.sourceAddress(),
                    "[Server] {}:{} is claimed by {} other live connection(s) too; each keeps its records, and they"
                            + " are probed so that a dead one goes within seconds", peer, request.port(),
                    registration.otherClaims().size());
            registration.otherClaims().forEach(probe::probe);
        }
    }

    private Answer add(PeerSession session, AddRequest add) {
        AddOutcome outcome = store.addRecord(session.peerId(), add.rfcNumber(), add.title());
        if (outcome != AddOutcome.ADDED) {
            if (session.firstRefusal()) {
                clientLog.warning("refused ADD", session.sourceAddress(), "[Server] 400 to {}: ADD RFC {} refused, {}"
                        + " (further refusals on this connection are not logged)", session.describeRemote(),
                        add.rfcNumber(), rules.describe(outcome, session.sourceAddress()));
            }
            return whole(IndexResponse.of(Status.BAD_REQUEST_400));
        }
        clientLog.event("added RFC", session.sourceAddress(), "[Server] Added RFC {} from {}", add.rfcNumber(),
                WireText.forLog(session.host()));
        events.recordAdded(session, add.rfcNumber(), add.title());
        return whole(IndexResponse.ok(List.of(
                new RfcRecord(add.rfcNumber(), add.title(), session.host(), session.port()))));
    }

    private Answer lookup(PeerSession session, LookupRequest lookup) {
        List<RfcRecord> holders = store.lookup(lookup.rfcNumber());
        if (log.isDebugEnabled()) {
            log.debug("[Server] LOOKUP RFC {} from {}: {}", lookup.rfcNumber(),
                    WireText.forLog(session.host()), records(holders.size()));
        }
        return whole(holders.isEmpty() ? IndexResponse.of(Status.NOT_FOUND_404) : IndexResponse.ok(holders));
    }

    private Answer list(PeerSession session) {
        if (log.isDebugEnabled()) {
            log.debug("[Server] LIST ALL from {}", WireText.forLog(session.host()));
        }
        return new Answer.Pages(store);
    }

    /** The index extensions of docs/PROTOCOL.md section 8, which only a peer that asked for them sends. */
    private Answer extension(PeerSession session, ExtensionRequest request) {
        return switch (request) {
            case OptionsRequest options -> whole(new IndexResponse(Status.OK_200,
                    List.of(new Header(Extensions.EXTENSIONS_HEADER, Extensions.headerValue(Extensions.ALL))),
                    List.of(), List.of()));
            case SearchRequest search -> {
                SearchHits hits = store.search(search.words(), Extensions.MAX_RESULT_LINES);
                yield whole(new IndexResponse(Status.OK_200, Extensions.limitHeaders(hits.truncated()),
                        hits.records(), List.of()));
            }
            case PeersRequest peers -> {
                List<PeerView> views = store.peers(Extensions.MAX_RESULT_LINES + 1);
                List<PeerLine> lines = views.stream().limit(Extensions.MAX_RESULT_LINES)
                        .map(view -> new PeerLine(view.host(), view.port(), view.records())).toList();
                yield whole(new IndexResponse(Status.OK_200,
                        Extensions.limitHeaders(views.size() > Extensions.MAX_RESULT_LINES), List.of(), lines));
            }
            case WithdrawRequest withdraw -> withdraw(session, withdraw);
        };
    }

    private Answer withdraw(PeerSession session, WithdrawRequest withdraw) {
        Optional<RfcRecord> withdrawn = store.withdrawRecord(session.peerId(), withdraw.rfcNumber());
        if (withdrawn.isEmpty()) {
            return whole(IndexResponse.of(Status.NOT_FOUND_404));
        }
        clientLog.event("withdrew RFC", session.sourceAddress(), "[Server] Withdrew RFC {} from {}",
                withdraw.rfcNumber(), WireText.forLog(session.host()));
        return whole(IndexResponse.ok(List.of(withdrawn.get())));
    }

    /** Removes the session's peer and its records, if it registered. */
    public void endSession(PeerSession session) {
        if (!session.isRegistered()) {
            return;
        }
        store.removePeer(session.peerId()).ifPresent(count -> {
            clientLog.event("removed", session.sourceAddress(), "[Server] Removed {}:{} ({})",
                    WireText.forLog(session.host()), session.port(), records(count));
            events.peerRemoved(session, count, session.endReason());
        });
    }

    private static Answer whole(IndexResponse response) {
        return new Answer.Whole(response);
    }

    private static String records(int count) {
        return count == 1 ? "1 record" : count + " records";
    }
}
