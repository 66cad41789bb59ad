package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.cli.CommandProcessor.Outcome;
import net.p2pci.peer.cli.ConnectionNotes;
import net.p2pci.peer.cli.Transcript;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.peer.index.IndexExchange;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.index.Withdrawal;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.ExtensionRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.OptionsRequest;
import net.p2pci.protocol.PeerLine;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import net.p2pci.server.store.shared.SharedStoreSettings;
import net.p2pci.testsupport.PostgresCluster;
import net.p2pci.testsupport.RequiresPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index extensions (docs/PROTOCOL.md section 8) from the peer's side, over real loopback sockets: against our
 * server, which offers them, and against a standard-only server, where the peer falls back and a standard session
 * never asks.
 */
final class IndexExtensionsTest {
    private static final String TCP = "Transmission Control Protocol";

    @TempDir
    Path work;
    private IndexServer server;
    private DeviantServer standard;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @AfterEach
    void stopEverything() throws Exception {
        for (AutoCloseable each : closing.reversed()) {
            each.close();
        }
    }

    private int startOurServer() throws IOException {
        server = IndexServer.start(ServerConfig.defaults().withPort(0)
                .withBindAddress(InetAddress.getLoopbackAddress()));
        closing.add(server);
        return server.port();
    }

    /** A server that knows only the standard requests, which lists TCP and IP. */
    private int startStandardServer() throws IOException {
        standard = new DeviantServer(DeviantServer.standardOnly(List.of(new RfcRecord(793, TCP, "holder.example", 6789),
                new RfcRecord(791, "Internet Protocol", "holder.example", 6789))));
        closing.add(standard);
        return standard.port();
    }

    private IndexClient connect(int port, String host, int uploadPort) throws IOException {
        IndexClient client = IndexClient.connect(new HostAndPort("127.0.0.1", port), Optional.of(host), uploadPort);
        closing.add(client);
        return client;
    }

    @Test
    void againstAStandardServerASessionWithdrawsBySwitchingToANewConnectionWithTheRemainingRfcs() throws Exception {
        int port = startStandardServer();
        IndexSession session = IndexSession.open(List.of(new HostAndPort("127.0.0.1", port)),
                Optional.of("peer-a.example"), 5678, false, new ConnectionNotes(new Transcript(new PrintStream(
                        new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))));
        closing.add(session);
        session.add(768, "User Datagram Protocol");
        session.add(791, "Internet Protocol");
        session.add(1149, "Avian Carriers");

        IndexSession.Withdrawn withdrawn = session.withdraw(List.of(791));

        assertThat(withdrawn.withdrawn()).as("no WITHDRAW where none is offered").isEmpty();
        assertThat(withdrawn.dropped()).containsExactly(791);
        assertThat(withdrawn.switchedTo()).contains(new HostAndPort("127.0.0.1", port));
        assertThat(withdrawn.registered()).isEqualTo(2);
        assertThat(session.registered()).containsExactlyInAnyOrder(768, 1149);
        assertThat(standard.received()).filteredOn(request -> request instanceof ExtensionRequest)
                .as("the discovery only, answered 400").hasSize(1).hasOnlyElementsOfType(OptionsRequest.class);
        assertThat(standard.received()).filteredOn(request -> request instanceof AddRequest)
                .extracting(request -> ((AddRequest) request).rfcNumber())
                .as("the three, then the two left on the new connection").containsExactly(768, 791, 1149, 768, 1149);
    }

    @Test
    void ourServerOffersEveryExtensionAndAnswersThem() throws Exception {
        int port = startOurServer();
        offersAndAnswersEveryExtension(port, port);
    }

    /** The same through two instances of our server sharing one index in PostgreSQL, a peer on each. */
    @Test
    @RequiresPostgres
    void instancesSharingAnIndexInPostgresqlOfferEveryExtensionAndAnswerThemAcrossInstances() throws Exception {
        PostgresCluster cluster = PostgresCluster.start();
        closing.add(cluster);
        int[] ports = new int[2];
        for (int i = 0; i < ports.length; i++) {
            SharedStoreSettings shared = SharedStoreSettings.DEFAULT.withInstanceName("instance-" + i)
                    .withCredentials(Optional.of(cluster.user()), Optional.of(cluster.password()));
            IndexServer instance = IndexServer.start(ServerConfig.defaults().withPort(0)
                    .withBindAddress(InetAddress.getLoopbackAddress()).withJdbcUrl(cluster.jdbcUrl())
                    .withShared(shared));
            closing.add(instance);
            ports[i] = instance.port();
        }
        offersAndAnswersEveryExtension(ports[0], ports[1]);
    }

    /** Peer a on the server at {@code portA}, b at {@code portB}: one index, every extension, checked in full. */
    private void offersAndAnswersEveryExtension(int portA, int portB) throws Exception {
        IndexClient a = connect(portA, "a.example", 5678);
        IndexClient b = connect(portB, "b.example", 6789);
        a.add(793, TCP);
        a.add(2616, "Hypertext Transfer Protocol -- HTTP/1.1");
        b.add(9293, TCP + " (TCP)");

        assertThat(a.extensions()).containsExactly("SEARCH", "PEERS", "WITHDRAW");

        IndexResponse found = a.search("control TRANSMISSION").orElseThrow().response();
        assertThat(found.status()).isEqualTo(Status.OK_200);
        assertThat(found.records()).containsExactly(new RfcRecord(793, TCP, "a.example", 5678),
                new RfcRecord(9293, TCP + " (TCP)", "b.example", 6789));
        assertThat(found.header("Limit")).isEqualTo("1000");
        assertThat(found.header("Truncated")).isNull();

        assertThat(a.peers().orElseThrow().response().peers()).containsExactly(
                new PeerLine("a.example", 5678, 2), new PeerLine("b.example", 6789, 1));

        IndexExchange withdrawn = a.withdrawExchange(2616).orElseThrow();
        assertThat(withdrawn.response().records()).containsExactly(
                new RfcRecord(2616, "Hypertext Transfer Protocol -- HTTP/1.1", "a.example", 5678));
        assertThat(a.lookup(2616, Optional.empty()).response().status()).isEqualTo(Status.NOT_FOUND_404);
        assertThat(b.withdrawExchange(793).orElseThrow().response().status())
                .as("another connection's record is not b's to withdraw").isEqualTo(Status.NOT_FOUND_404);
        assertThat(b.lookup(793, Optional.empty()).response().records()).hasSize(1);
        assertThat(a.withdraw(793)).isEqualTo(Withdrawal.WITHDRAWN);
        assertThat(a.isOpen()).as("withdrawn without reconnecting").isTrue();
        assertThat(a.list().response().records()).containsExactly(
                new RfcRecord(9293, TCP + " (TCP)", "b.example", 6789));
    }

    @Test
    void aStandardServerIsAskedOnceOnlyWhenAnExtensionIsUsedAndThePeerDoesWithout() throws Exception {
        IndexClient client = connect(startStandardServer(), "a.example", 5678);
        client.add(793, TCP);
        client.lookup(793, Optional.empty());
        client.list();
        assertThat(standard.received()).as("a standard session sends standard requests only")
                .noneMatch(request -> request instanceof ExtensionRequest);

        assertThat(client.search("transmission")).isEmpty();
        assertThat(client.peers()).isEmpty();
        assertThat(client.withdraw(793)).isEqualTo(Withdrawal.UNSUPPORTED);
        assertThat(client.extensions()).isEmpty();

        assertThat(standard.received()).filteredOn(request -> request instanceof ExtensionRequest)
                .containsExactly(new OptionsRequest("a.example", 5678));
        assertThat(client.isOpen()).isTrue();
    }

    @Test
    void theSearchCommandUsesTheExtensionWhereOffered() throws Exception {
        int port = startOurServer();
        connect(port, "holder.example", 6789).add(793, TCP);
        Output output = new Output();
        CommandProcessor commands = commands(port, output);

        assertThat(commands.execute("SEARCH transmission control")).isEqualTo(Outcome.SUCCEEDED);
        assertThat(commands.execute("PEERS")).isEqualTo(Outcome.SUCCEEDED);

        assertThat(output.lines()).containsSubsequence("SEARCH TITLE P2P-CI/1.0", "Words: transmission control",
                "P2P-CI/1.0 200 OK", "Limit: 1000", "", "RFC 793 Transmission Control Protocol holder.example 6789",
                "[Peer] SEARCH: 1 record");
        assertThat(output.lines()).containsSubsequence("PEERS ALL P2P-CI/1.0", "P2P-CI/1.0 200 OK",
                "PEER holder.example 6789 1");
        assertThat(output.lines()).noneMatch(line -> line.contains("LIST"));
    }

    @Test
    void theSearchCommandFallsBackToListFilteredHereAndSaysSo() throws Exception {
        int port = startStandardServer();
        Output output = new Output();
        CommandProcessor commands = commands(port, output);

        assertThat(commands.execute("search TRANSMISSION")).isEqualTo(Outcome.SUCCEEDED);
        assertThat(commands.execute("WITHDRAW 793")).isEqualTo(Outcome.FAILED);

        assertThat(output.lines()).containsSubsequence(
                "[Peer] SEARCH: the index server has no SEARCH extension; LIST filtered here",
                "LIST ALL P2P-CI/1.0",
                "RFC 793 Transmission Control Protocol holder.example 6789",
                "[Peer] SEARCH: 1 record");
        assertThat(output.lines()).noneMatch(line -> line.contains("Internet Protocol"));
        assertThat(output.lines()).anyMatch(line -> line.startsWith("[Peer] Error: WITHDRAW RFC 793: the index server"
                + " has no WITHDRAW extension"));
        assertThat(standard.received()).filteredOn(request -> request instanceof ExtensionRequest)
                .as("asked once for the connection").hasSize(1);
    }

    private CommandProcessor commands(int port, Output output) throws IOException {
        Path dir = Files.createDirectory(work.resolve("peer"));
        Peer peer = Peer.start(new PeerOptions(List.of(new HostAndPort("127.0.0.1", port)), dir, 0,
                Optional.empty(), List.of()));
        closing.add(peer);
        peer.index().announce();
        return new CommandProcessor(peer.library(), peer.index(), peer.downloader(),
                new Transcript(new PrintStream(output.bytes, true, StandardCharsets.UTF_8)));
    }

    /** What a transcript printed. */
    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        List<String> lines() {
            return bytes.toString(StandardCharsets.UTF_8).lines().toList();
        }
    }

}
