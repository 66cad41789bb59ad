package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.Status;

/** A session's events as short strings, in order, for tests to take one at a time. */
final class RecordedEvents implements IndexSession.Listener {
    /** A reconnect takes a quarter second at first; this is room for a loaded two-core machine. */
    static final Duration EVENT_DEADLINE = Duration.ofSeconds(30);

    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();

    @Override
    public void connectionLost(String reason, boolean reconnecting) {
        events.add("lost: " + reason + (reconnecting ? "; reconnecting" : ""));
    }

    @Override
    public void reconnected(HostAndPort server, int registered, int total) {
        events.add("reconnected to " + server + ": " + registered + " of " + total);
    }

    @Override
    public void movedTo(HostAndPort server, HostAndPort lost, String reason, int registered, int total) {
        events.add("moved to " + server + " from " + lost + " (" + reason + "): " + registered + " of " + total);
    }

    @Override
    public void noServerReachable(HostAndPort lost, String reason, int listed) {
        events.add("lost " + lost + " (" + reason + "), none of " + listed + " reachable");
    }

    @Override
    public void registrationsRefused(List<Integer> rfcNumbers, Status status) {
        events.add("refused " + rfcNumbers + ": " + status);
    }

    @Override
    public void connectionRefused(String reason) {
        events.add("connection refused: " + reason);
    }

    @Override
    public void refusedRegistrationsAccepted(List<Integer> rfcNumbers, int stillRefused) {
        events.add("accepted on retry " + rfcNumbers + ", still refused " + stillRefused);
    }

    @Override
    public void serverDeviates(HostAndPort server, AnswerDeviation deviation) {
        events.add("deviates " + deviation.describe());
    }

    /** The next event, waiting for it up to {@link #EVENT_DEADLINE}. */
    /** Whether no event is waiting to be taken. */
    boolean isEmpty() {
        return events.isEmpty();
    }

    String next() throws InterruptedException {
        String event = events.poll(EVENT_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(event).as("an event within " + EVENT_DEADLINE).isNotNull();
        return event;
    }

    /** The events told and not taken yet. */
    List<String> remaining() {
        return List.copyOf(events);
    }
}
