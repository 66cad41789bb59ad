package net.p2pci.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.ListRequest;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.SearchRequest;
import net.p2pci.protocol.Status;

/**
 * A peer as the index sees it, played by the load generator: a connection, the host and upload port it registers,
 * and the RFCs it ADDs. Every answer is checked against what the index must say. Confined to one thread at a time.
 */
final class SimulatedPeer implements AutoCloseable {
    private final WireConnection<MessageReader> connection;
    private final String host;
    private final int port;

    private SimulatedPeer(WireConnection<MessageReader> connection, String host, int port) {
        this.connection = connection;
        this.host = host;
        this.port = port;
    }

    static SimulatedPeer connect(InetSocketAddress server, InetAddress localAddress, String host, int port)
            throws IOException {
        return connect(server, localAddress, host, port, WireConnection.READ_TIMEOUT);
    }

    /** As the other {@code connect}, waiting up to {@code answerTimeout} for each answer. */
    static SimulatedPeer connect(InetSocketAddress server, InetAddress localAddress, String host, int port,
            Duration answerTimeout) throws IOException {
        return new SimulatedPeer(WireConnection.open(server, localAddress, answerTimeout, MessageReader::new), host,
                port);
    }

    /** The title every simulated peer gives RFC {@code number}, so that any LOOKUP answer can be checked. */
    static String titleOf(int number) {
        return "Benchmark RFC " + number + " -- a title of ordinary length";
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    RfcRecord recordOf(int number) {
        return new RfcRecord(number, titleOf(number), host, port);
    }

    /** ADDs RFC {@code number}; true when the answer is 200 and echoes exactly the record added. */
    boolean add(int number) throws IOException {
        IndexResponse response = exchange(new AddRequest(number, host, port, titleOf(number)));
        return response.status() == Status.OK_200 && response.records().equals(List.of(recordOf(number)));
    }

    /** ADDs {@code count} RFCs from {@code first} on; true when every answer was right. */
    boolean addAll(int first, int count) throws IOException {
        boolean allRight = true;
        for (int number = first; number < first + count; number++) {
            allRight &= add(number);
        }
        return allRight;
    }

    /**
     * ADDs RFCs {@code first} to {@code first + count - 1} as a peer registering its directory does: back to back on
     * this connection, at most {@code window} ahead of their answers; true when every answer was right.
     */
    boolean addAllPipelined(int first, int count, int window) throws IOException {
        List<byte[]> requests = new ArrayList<>(count);
        for (int number = first; number < first + count; number++) {
            requests.add(MessageWriter.encode(new AddRequest(number, host, port, titleOf(number))));
        }
        List<IndexResponse> answers = connection.pipeline(requests, window, MessageReader::readIndexResponse);
        boolean allRight = true;
        for (int i = 0; i < count; i++) {
            IndexResponse response = answers.get(i);
            allRight &= response.status() == Status.OK_200
                    && response.records().equals(List.of(recordOf(first + i)));
        }
        return allRight;
    }

    IndexResponse lookup(int number) throws IOException {
        return exchange(new LookupRequest(number, host, port, Optional.empty()));
    }

    /** SEARCH (the index extension) for the titles with every word of {@code words}. */
    IndexResponse search(String words) throws IOException {
        return exchange(SearchRequest.of(host, port, words));
    }

    IndexResponse list() throws IOException {
        return exchange(new ListRequest(host, port));
    }

    private IndexResponse exchange(Request request) throws IOException {
        return connection.exchange(MessageWriter.encode(request), MessageReader::readIndexResponse);
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
