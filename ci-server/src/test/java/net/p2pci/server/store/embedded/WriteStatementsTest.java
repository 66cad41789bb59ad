package net.p2pci.server.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.AddPolicy;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The write statements run their rows in order, and a failed write leaves nothing queued for the next. */
class WriteStatementsTest {
    private final String url = ServerConfig.newInMemoryDatabaseUrl();
    private final EmbeddedStore store = EmbeddedStore.open(url, AddPolicy.ADMIT_ALL); // creates the schema
    private final Handle handle = Jdbi.create(url, "sa", "").open();
    private final WriteStatements writes = new WriteStatements(handle);

    @AfterEach
    void close() throws Exception {
        writes.close();
        handle.close();
        store.close();
    }

    @Test
    void rowsOfAFailedWriteAreNotRunWithTheNextOne() {
        // The peer row breaks NOT NULL, and the record's statement comes after it, so it is still queued.
        List<WriteBatch.Statement> failing = List.of(
                new WriteBatch.Statement.InsertRecord(1, 7, 2616, "HTTP/1.1"),
                new WriteBatch.Statement.InsertPeer(7, null, 5000, "127.0.0.1"));
        assertThatThrownBy(() -> handle.useTransaction(h -> WriteBatch.write(writes, failing)))
                .isInstanceOf(WriteStatements.WriteFailedException.class)
                .hasMessageContaining("refused a write");

        handle.useTransaction(h -> WriteBatch.write(writes,
                List.of(new WriteBatch.Statement.InsertPeer(8, "b.example", 5000, "127.0.0.1"))));

        assertThat(handle.createQuery("SELECT COUNT(*) FROM rfc_record").mapTo(Integer.class).one()).isZero();
        assertThat(handle.createQuery("SELECT id FROM peer").mapTo(Long.class).list()).containsExactly(8L);
    }

    @Test
    void aPeerIsRegisteredAgainAfterItsStaleRowsAreDeletedInOneWrite() {
        handle.useTransaction(h -> WriteBatch.write(writes, List.of(
                new WriteBatch.Statement.InsertPeer(1, "a.example", 5000, "127.0.0.1"),
                new WriteBatch.Statement.InsertRecord(1, 1, 2616, "HTTP/1.1"))));

        // Listed insert first: the write still deletes before it inserts, or the endpoint would be taken.
        handle.useTransaction(h -> WriteBatch.write(writes, List.of(
                new WriteBatch.Statement.InsertPeer(2, "a.example", 5000, "127.0.0.1"),
                new WriteBatch.Statement.DeleteRecord(1),
                new WriteBatch.Statement.DeletePeer(1))));

        assertThat(handle.createQuery("SELECT COUNT(*) FROM rfc_record").mapTo(Integer.class).one()).isZero();
        assertThat(handle.createQuery("SELECT id FROM peer").mapTo(Long.class).list()).containsExactly(2L);
    }
}
