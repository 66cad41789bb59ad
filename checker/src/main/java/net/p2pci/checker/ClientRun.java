package net.p2pci.checker;

import java.util.List;

/**
 * What a client case needs: the index and upload servers the checker plays, the driver that makes the peer act,
 * the run's timing and names, and the requests the peer sent as it registered.
 *
 * @param holderHost the host the checker's records name for its upload server
 */
public record ClientRun(PlayedServer index, PlayedServer upload, PeerDriver peer, Timing timing, RunNames names,
                        String holderHost, List<SeenRequest> registration) {
    /** The next request of {@code method} on the played server, skipping others; null when none came in time. */
    SeenRequest await(PlayedServer server, String method, int number) throws InterruptedException {
        long deadline = System.nanoTime() + peer.commandMillis() * 1_000_000;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            SeenRequest request = server.next(left);
            if (request == null) {
                return null;
            }
            if (request.method().equalsIgnoreCase(method) && (number < 0 || request.number() == number)) {
                return request;
            }
        }
    }

    long waitSeconds() {
        return Math.max(1, peer.commandMillis() / 1000);
    }
}
