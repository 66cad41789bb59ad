package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.p2pci.server.store.shared.SharedStoreSettings;
import net.p2pci.server.web.WebSettings;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.Test;

/**
 * Two instances on one PostgreSQL database, each with its web side: each shows the whole index, and which instance
 * each peer is connected to.
 */
@RequiresPostgres
class ClusterDashboardTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** An instance named {@code name} on {@code database}, with its web side on a free loopback port. */
    static IndexServer instance(PostgresCluster database, String name) throws IOException {
        SharedStoreSettings shared = SharedStoreSettings.DEFAULT.withInstanceName(name)
                .withCredentials(Optional.of(database.user()), Optional.of(database.password()));
        return IndexServer.start(ServerConfig.defaults().withPort(0).withBindAddress(LOOPBACK)
                        .withJdbcUrl(database.jdbcUrl()).withShared(shared),
                Optional.of(new WebSettings(LOOPBACK, 0)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachInstanceShowsEveryPeerAndTheInstanceItIsConnectedTo() throws Exception {
        try (PostgresCluster cluster = PostgresCluster.start();
                IndexServer one = instance(cluster, "one"); IndexServer two = instance(cluster, "two");
                RawClient a = new RawClient(one.port()); RawClient b = new RawClient(two.port())) {
            a.exchange(Requests.add(791, "a.example", 5678, "Internet Protocol"));
            b.exchange(Requests.add(2616, "b.example", 6789, "HTTP/1.1"));
            b.exchange(Requests.add(791, "b.example", 6789, "Internet Protocol"));

            for (IndexServer server : List.of(one, two)) {
                WebClient web = new WebClient(server.httpPort().orElseThrow());
                Map<String, Object> peers = web.json("/api/peers");
                assertThat(peers.get("cluster")).isEqualTo(true);
                assertThat(peers.get("instance")).isEqualTo(server == one ? "one" : "two");
                assertThat((List<Map<String, Object>>) peers.get("peers"))
                        .extracting(peer -> peer.get("host"), peer -> peer.get("records"), peer -> peer.get("instance"))
                        .containsExactly(tuple("a.example", 1L, "one"), tuple("b.example", 2L, "two"));
                assertThat((List<Map<String, Object>>) web.json("/api/records?rfc=791").get("records"))
                        .extracting(record -> record.get("host")).containsExactly("a.example", "b.example");
                assertThat(web.json("/api/stats")).containsEntry("peers", 2L).containsEntry("records", 3L)
                        .containsEntry("connectionsOpen", 1L);
            }
        }
    }
}
