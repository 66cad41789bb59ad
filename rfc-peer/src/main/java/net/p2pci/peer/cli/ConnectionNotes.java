package net.p2pci.peer.cli;

import java.util.List;
import java.util.Objects;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.Status;

/**
 * Tells the person at the peer, one line each, when the index connection is lost, refused, back or moved to another
 * listed server, and when the server refuses RFCs or takes refused ones on a retry, in the form
 * {@link CommandProcessor#HELP} and {@code --help} document.
 *
 * <p>Thread-safe: it only prints events to the transcript, which is.
 */
public final class ConnectionNotes implements IndexSession.Listener {
    private final Transcript transcript;

    public ConnectionNotes(Transcript transcript) {
        this.transcript = Objects.requireNonNull(transcript, "transcript");
    }

    @Override
    public void connectionLost(String reason, boolean reconnecting) {
        transcript.event("Lost the index server: %s; %s", reason,
                reconnecting ? "reconnecting" : "not reconnecting (--no-reconnect)");
    }

    @Override
    public void reconnected(HostAndPort server, int registered, int total) {
        transcript.event("Reconnected to index %s; registered %s", server, registeredCount(registered, total));
    }

    /** {@code 12 RFCs}, or {@code 10 of 12 RFCs} when the server refused some. */
    private static String registeredCount(int registered, int total) {
        return registered == total ? CommandProcessor.count(total, "RFC")
                : registered + " of " + CommandProcessor.count(total, "RFC");
    }

    @Override
    public void movedTo(HostAndPort server, HostAndPort lost, String reason, int registered, int total) {
        transcript.event("Lost the index server %s (%s); connected to %s and registered %s again", lost, reason, server,
                registeredCount(registered, total));
    }

    @Override
    public void noServerReachable(HostAndPort lost, String reason, int listed) {
        transcript.event("Lost the index server %s (%s); none of the %d listed can be reached now; reconnecting", lost,
                reason, listed);
    }

    @Override
    public void registrationsRefused(List<Integer> rfcNumbers, Status status) {
        transcript.event("Error: after reconnecting, the index server refused %s: it answered %s; retrying in the"
                + " background", CommandProcessor.numbers(rfcNumbers),
                CommandProcessor.statusLine(IndexResponse.of(status)));
    }

    @Override
    public void connectionRefused(String reason) {
        transcript.event("Error: %s; reconnecting", reason);
    }

    @Override
    public void refusedRegistrationsAccepted(List<Integer> rfcNumbers, int stillRefused) {
        transcript.event("Registered %s on retry; %s", CommandProcessor.numbers(rfcNumbers),
                stillRefused == 0 ? "none is refused now" : stillRefused + " still refused, retrying");
    }

    @Override
    public void serverDeviates(HostAndPort server, AnswerDeviation deviation) {
        transcript.event("Note: index server %s %s", server, deviation.describe());
    }
}
