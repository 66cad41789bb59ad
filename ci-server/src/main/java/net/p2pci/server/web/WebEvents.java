package net.p2pci.server.web;

import net.p2pci.protocol.Request;
import net.p2pci.protocol.Status;
import net.p2pci.server.index.EndReason;
import net.p2pci.server.index.IndexEvents;
import net.p2pci.server.index.PeerSession;
import net.p2pci.server.web.FeedEvent.Kind;

/**
 * The server's events as the web side takes them: counted in the metrics, and the index's changes put on the feed.
 * Thread-safe, as both are; it never blocks the connection thread that calls it.
 */
final class WebEvents implements IndexEvents {
    private final ServerMetrics metrics;
    private final EventFeed feed;

    WebEvents(ServerMetrics metrics, EventFeed feed) {
        this.metrics = metrics;
        this.feed = feed;
    }

    @Override
    public void requestAnswered(Request request, Status status, long nanos) {
        metrics.requestAnswered(request, status, nanos);
    }

    @Override
    public void peerRegistered(PeerSession session) {
        feed.publish(System.currentTimeMillis(), Kind.REGISTERED, session.host(), session.port(),
                session.sourceAddress(), 0, null, 0, null);
    }

    @Override
    public void recordAdded(PeerSession session, int number, String title) {
        feed.publish(System.currentTimeMillis(), Kind.ADDED, session.host(), session.port(),
                session.sourceAddress(), number, title, 0, null);
    }

    @Override
    public void peerRemoved(PeerSession session, int records, EndReason reason) {
        metrics.peerRemoved(reason);
        feed.publish(System.currentTimeMillis(), Kind.REMOVED, session.host(), session.port(),
                session.sourceAddress(), 0, null, records, reason.text());
    }

    @Override
    public void connectionRefused() {
        metrics.connectionRefused();
    }
}
