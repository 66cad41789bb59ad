package net.p2pci.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How the demo reads the records a peer prints: titles with spaces, and every other line left alone. */
final class RecordLineTest {
    @Test
    void theHostAndPortAreTheLastTwoFieldsWhateverTheTitleHolds() {
        assertThat(RecordLine.parse("RFC 2616 Hypertext Transfer Protocol -- HTTP/1.1 peerA 40123"))
                .contains(new RecordLine(2616, "Hypertext Transfer Protocol -- HTTP/1.1", "peerA", 40123));
    }

    @ParameterizedTest
    @ValueSource(strings = {"P2P-CI/1.0 200 OK", "", "LOOKUP RFC 1945 P2P-CI/1.0", "Port: 40123",
            "[Peer] LIST: 12 records", "RFC 1945 peerB 40123", "RFC x Title peerB 40123"})
    void linesThatAreNotRecordsAreNotRead(String line) {
        assertThat(RecordLine.parse(line)).isEmpty();
    }

    @Test
    void parseAllKeepsTheRecordsInOrder() {
        List<RecordLine> records = RecordLine.parseAll(List.of("P2P-CI/1.0 200 OK", "", "RFC 1 Host Software peerA 1",
                "RFC 768 User Datagram Protocol peerB 2", ""));

        assertThat(records).extracting(RecordLine::holding).containsExactly("1 at peerA:1", "768 at peerB:2");
    }
}
