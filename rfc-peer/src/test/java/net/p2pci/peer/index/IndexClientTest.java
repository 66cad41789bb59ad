package net.p2pci.peer.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import org.junit.jupiter.api.Test;

/** The index connection against a scripted index server on a real loopback socket. */
final class IndexClientTest {
    private static final String TITLE = "Hypertext Transfer Protocol -- HTTP/1.1";
    /** Loopback delivers a close in microseconds; this is room for a loaded machine. */
    private static final Duration CLOSE_NOTICED_DEADLINE = Duration.ofSeconds(10);

    /** Answers LOOKUP n with one record naming n, so that a test can see which answer went to which request. */
    private static IndexResponse echoNumber(Request request) {
        return switch (request) {
            case LookupRequest lookup -> IndexResponse.ok(List.of(
                    new RfcRecord(lookup.rfcNumber(), "RFC " + lookup.rfcNumber(), "holder", 5678)));
            case AddRequest add -> IndexResponse.ok(List.of(
                    new RfcRecord(add.rfcNumber(), add.title(), add.host(), add.port())));
            default -> IndexResponse.ok(List.of());
        };
    }

    @Test
    void eachRequestCarriesTheAdvertisedHostAndUploadPortAndGetsItsAnswer() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            IndexExchange added = client.add(2616, TITLE);
            IndexExchange looked = client.lookup(2616, Optional.empty());
            IndexExchange listed = client.list();

            assertThat(index.received()).containsExactly(
                    new AddRequest(2616, "peer-a.example", 5678, TITLE),
                    new LookupRequest(2616, "peer-a.example", 5678, Optional.empty()),
                    new ListRequest("peer-a.example", 5678));
            assertThat(added.request()).isEqualTo(index.received().get(0));
            assertThat(added.response().records()).containsExactly(new RfcRecord(2616, TITLE, "peer-a.example", 5678));
            assertThat(looked.response().records()).extracting(RfcRecord::number).containsExactly(2616);
            assertThat(listed.response()).isEqualTo(IndexResponse.ok(List.of()));
            assertThat(client.self()).isEqualTo(new HostAndPort("peer-a.example", 5678));
        }
    }

    /**
     * Pipelined ADDs may wait to be written together; each still gets its own answer, in order, and a request sent
     * in the meantime goes out after them, never before.
     */
    @Test
    void pipelinedAddsGoOutInOrderEachWithItsAnswerAndBeforeAnyLaterRequest() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            List<IndexClient.Pending> pending = new ArrayList<>();
            for (int number = 1; number <= 300; number++) {
                pending.add(client.sendAdd(number, "Title " + number));
            }
            IndexExchange looked = client.lookup(7, Optional.empty());
            for (int number = 1; number <= 300; number++) {
                IndexExchange added = pending.get(number - 1).await();
                assertThat(added.response().records()).extracting(RfcRecord::number).containsExactly(number);
            }
            IndexClient.Pending last = client.sendAdd(301, "Title 301");

            assertThat(looked.response().records()).extracting(RfcRecord::number).containsExactly(7);
            assertThat(last.await().response().records()).extracting(RfcRecord::title).containsExactly("Title 301");
            assertThat(index.received()).hasSize(302);
            assertThat(index.received().get(299)).isEqualTo(new AddRequest(300, "peer-a.example", 5678, "Title 300"));
            assertThat(index.received().get(300)).isEqualTo(new LookupRequest(7, "peer-a.example", 5678, Optional.empty()));
        }
    }

    @Test
    void withoutAHostNameThePeerRegistersUnderItsAddressOnTheIndexConnection() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.empty(), 5678)) {
            client.list();

            assertThat(client.host()).isEqualTo("127.0.0.1");
            assertThat(index.received()).containsExactly(new ListRequest("127.0.0.1", 5678));
            assertThat(client.server()).isEqualTo(index.address());
        }
    }

    @Test
    void requestsFromManyThreadsEachGetTheirOwnAnswer() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.empty(), 5678);
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<IndexExchange>> answers = new ArrayList<>();
            for (int number = 1; number <= 50; number++) {
                int asked = number;
                answers.add(threads.submit(() -> client.lookup(asked, Optional.empty())));
            }
            for (Future<IndexExchange> answer : answers) {
                IndexExchange exchange = answer.get();
                LookupRequest request = (LookupRequest) exchange.request();
                assertThat(exchange.response().records()).extracting(RfcRecord::number)
                        .containsExactly(request.rfcNumber());
            }
        }
    }

    @Test
    void aServerThatHangsUpIsNoticedWhileIdleAndClosesTheClientForGoodWithAOneLineReason() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.empty(), 5678)) {
            client.list();
            index.disconnect();

            assertThat(awaitClosed(client)).isEqualTo("connection lost: the server closed the connection");
            assertThat(client.isOpen()).isFalse();
            assertThatThrownBy(() -> client.lookup(1, Optional.empty())).isInstanceOf(IOException.class)
                    .hasMessage("not connected to the index server (connection lost: the server closed the"
                            + " connection)");
        }
    }

    @Test
    void aRequestWaitingWhenTheServerHangsUpFailsAtOnceNamingTheServer() throws Exception {
        try (ServerSocket silentServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             IndexClient client = IndexClient.connect(HostAndPort.parse("127.0.0.1:" + silentServer.getLocalPort(),
                     OptionalInt.empty()), Optional.empty(), 5678);
             Socket accepted = silentServer.accept();
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<IndexExchange> waiting = threads.submit(client::list);
            new MessageReader(accepted.getInputStream()).readRequest(); // the request has arrived; no answer comes

            accepted.close();

            assertThat(catchThrowable(waiting::get)).cause().isInstanceOf(IOException.class)
                    .hasMessage("index server " + client.server() + ": connection lost: the server closed the"
                            + " connection");
        }
    }

    @Test
    void anAnswerToNoRequestClosesTheConnection() throws Exception {
        try (ServerSocket rogueServer = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             IndexClient client = IndexClient.connect(HostAndPort.parse("127.0.0.1:" + rogueServer.getLocalPort(),
                     OptionalInt.empty()), Optional.empty(), 5678);
             Socket accepted = rogueServer.accept()) {
            accepted.getOutputStream().write(MessageWriter.encode(IndexResponse.ok(List.of())));

            assertThat(awaitClosed(client)).isEqualTo("the server sent an answer to no request");
        }
    }

    @Test
    void closeEndsTheConnectionWithItsOwnReason() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber);
             IndexClient client = IndexClient.connect(index.address(), Optional.empty(), 5678)) {
            client.close();

            assertThat(awaitClosed(client)).isEqualTo("the peer closed the connection");
        }
    }

    /** Waits for the client to see its connection closed, with a deadline so that a failure cannot hang the build. */
    private static String awaitClosed(IndexClient client) throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            return threads.submit(client::awaitClosed).get(CLOSE_NOTICED_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Test
    void anErrorStatusIsAnAnswerNotAFailure() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(request -> IndexResponse.of(Status.NOT_FOUND_404));
             IndexClient client = IndexClient.connect(index.address(), Optional.empty(), 5678)) {
            assertThat(client.lookup(9999, Optional.empty()).response()).isEqualTo(IndexResponse.of(Status.NOT_FOUND_404));
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void connectingWhereNoServerListensFails() throws IOException {
        int freePort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            freePort = probe.getLocalPort();
        }

        assertThatThrownBy(() -> IndexClient.connect(HostAndPort.parse("127.0.0.1:" + freePort, OptionalInt.empty()),
                Optional.empty(), 5678)).isInstanceOf(ConnectException.class);
    }
    @Test
    void anErrorAnswerToTheFirstRequestAndACloseAreTheServerRefusingTheConnection() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(request -> IndexResponse.of(Status.BAD_REQUEST_400), 1);
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            Throwable failure = catchThrowable(() -> client.add(2616, TITLE));

            assertThat(failure).isInstanceOf(IOException.class).hasMessage("index server " + client.server()
                    + ": the index server refused the connection: 400 Bad Request");
            assertThat(client.wasRefused()).isTrue();
            assertThat(client.isOpen()).isFalse();
        }
    }

    @Test
    void anErrorAnswerToTheFirstRequestOnAConnectionKeptOpenIsTheAnswerToThatRequest() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(request -> IndexResponse.of(Status.BAD_REQUEST_400));
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            assertThat(client.add(2616, TITLE).response().status()).isEqualTo(Status.BAD_REQUEST_400);
            assertThat(client.wasRefused()).isFalse();
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void aNotFoundAnswerToTheFirstRequestAndACloseAreAnAnswerAndALostConnection() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(request -> IndexResponse.of(Status.NOT_FOUND_404), 1);
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            assertThat(client.lookup(9999, Optional.empty()).response().status()).isEqualTo(Status.NOT_FOUND_404);

            assertThat(client.awaitClosed()).isEqualTo("connection lost: the server closed the connection");
            assertThat(client.wasRefused()).isFalse();
        }
    }

    @Test
    void aCloseAfterAnAcceptedFirstRequestIsALostConnectionNotARefusal() throws Exception {
        try (ScriptedIndex index = new ScriptedIndex(IndexClientTest::echoNumber, 1);
             IndexClient client = IndexClient.connect(index.address(), Optional.of("peer-a.example"), 5678)) {
            assertThat(client.add(2616, TITLE).response().status()).isEqualTo(Status.OK_200);

            assertThat(client.awaitClosed()).isEqualTo("connection lost: the server closed the connection");
            assertThat(client.wasRefused()).isFalse();
        }
    }
}
