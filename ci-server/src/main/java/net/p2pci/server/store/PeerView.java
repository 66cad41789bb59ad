package net.p2pci.server.store;

import java.time.Instant;
import java.util.Optional;

/**
 * A registered peer as the dashboard shows it. Immutable.
 *
 * @param id            the store's id for its registration
 * @param host          the host it registered (untrusted text: quote or escape it wherever it is shown)
 * @param port          its upload port
 * @param sourceAddress the address its connection comes from
 * @param since         when it registered, in the database's clock
 * @param records       how many records it holds
 * @param instance      the instance its connection is open to, in a shared store; empty in the embedded store
 */
public record PeerView(long id, String host, int port, String sourceAddress, Instant since, int records,
                       Optional<String> instance) {
}
