package net.p2pci.server.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddPolicy;
import net.p2pci.server.store.IndexStore;
import net.p2pci.server.store.IndexStoreContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded store on a real H2 database, a fresh one for each test. */
class EmbeddedStoreTest extends IndexStoreContract {
    @Override
    protected IndexStore openStore(AddPolicy policy) {
        return EmbeddedStore.open(ServerConfig.newInMemoryDatabaseUrl(), policy);
    }

    @Test
    void lookupsFromTheMirrorAgreeWithTheDatabase() {
        EmbeddedStore embedded = (EmbeddedStore) store;
        long first = store.registerPeer("a.example", 5678, "127.0.0.1").peerId();
        long second = store.registerPeer("a.example", 5678, "127.0.0.2").peerId();
        store.addRecord(first, 1, "One");
        store.addRecord(second, 1, "One");
        store.removePeer(second);

        assertThat(embedded.lookup(1)).isEqualTo(embedded.lookupInDatabase(1)).hasSize(1);
    }

    @Test
    void aFileDatabaseStartsEmptyAtEveryStart(@TempDir Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("index");
        try (IndexStore first = EmbeddedStore.open(url, AddPolicy.ADMIT_ALL)) {
            long peer = first.registerPeer("a.example", 5678, "127.0.0.1").peerId();
            first.addRecord(peer, 1, "One");
            assertThat(first.listAll()).hasSize(1);
        }

        try (IndexStore second = EmbeddedStore.open(url, AddPolicy.ADMIT_ALL)) {
            assertThat(second.listAll()).isEmpty();
            assertThat(second.peerCount()).isZero();
        }
    }
}
