package net.p2pci.peer.cli;

import java.util.Objects;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.protocol.Status;

/**
 * Tells the person at the peer, one line each, when the index connection is lost and when it is back, in the form
 * {@link CommandProcessor#HELP} documents.
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
        transcript.event("Reconnected to index %s; registered %s", server,
                registered == total ? CommandProcessor.count(total, "RFC")
                        : registered + " of " + CommandProcessor.count(total, "RFC"));
    }

    @Override
    public void registrationRefused(int rfcNumber, Status status) {
        transcript.event("Error: ADD RFC %d after reconnecting: the server answered %s", rfcNumber, status);
    }
}
