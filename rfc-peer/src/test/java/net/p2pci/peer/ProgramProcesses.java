package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;

/**
 * The ci-server and rfc-peer programs as processes on loopback, for tests where the process boundary matters: it
 * starts them from their shaded jars, and {@link #close()} kills every one it started, by PID.
 */
final class ProgramProcesses implements AutoCloseable {
    static final Pattern REGISTERED = Pattern.compile("^\\[Peer\\] Registered \\d+ RFCs? from ");

    private final List<ChildProcess> started = new ArrayList<>();

    /** Starts an index server on loopback; port 0 takes any free port. */
    ChildProcess startServer(String name, int port) throws IOException {
        return startServer(name, port, List.of());
    }

    /** As {@link #startServer(String, int)}, with more options. */
    ChildProcess startServer(String name, int port, List<String> moreArgs) throws IOException {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
        args.addAll(moreArgs);
        return start(name, "ci-server", List.of(), args);
    }

    /** Waits for the server to listen and returns its port. */
    static int awaitListening(ChildProcess server) throws IOException {
        return server.awaitPort();
    }

    /** Starts a peer sharing {@code dir}; it reads commands from its stdin, which stays open. */
    ChildProcess startPeer(String name, int serverPort, Path dir) throws IOException {
        return startPeer(name, serverPort, dir, List.of());
    }

    /** As {@link #startPeer(String, int, Path)}, with more arguments after the server and directory. */
    ChildProcess startPeer(String name, int serverPort, Path dir, List<String> moreArgs) throws IOException {
        return startPeer(name, serverPort, dir, List.of(), moreArgs);
    }

    /** As {@link #startPeer(String, int, Path, List)}, with options for the peer's JVM (a log level, say). */
    ChildProcess startPeer(String name, int serverPort, Path dir, List<String> jvmOptions, List<String> moreArgs)
            throws IOException {
        return startPeer(name, List.of(serverPort), dir, jvmOptions, moreArgs);
    }

    /** A peer given several index servers on loopback, {@code --server 127.0.0.1:P1,127.0.0.1:P2,...} in order. */
    ChildProcess startPeer(String name, List<Integer> serverPorts, Path dir, List<String> jvmOptions,
                           List<String> moreArgs) throws IOException {
        String servers = String.join(",", serverPorts.stream().map(port -> "127.0.0.1:" + port).toList());
        List<String> args = new ArrayList<>(List.of("--server", servers, "--dir", dir.toString()));
        args.addAll(moreArgs);
        return start(name, "rfc-peer", jvmOptions, args);
    }

    /** Waits for the peer's upload server and its start-up registrations, and returns its upload port. */
    static int awaitRegistered(ChildProcess peer) throws IOException {
        int uploadPort = peer.awaitPort();
        peer.awaitLine(REGISTERED);
        return uploadPort;
    }

    /** A peer process sharing a directory of sample RFCs, and the upload port it registered them under. */
    record SharingPeer(ChildProcess process, int uploadPort) {
    }

    /**
     * Starts one peer per holding, each sharing a directory of its own under {@code work} with those sample RFCs,
     * and waits until every one has registered them; the peers start together, so their JVMs start in parallel.
     */
    List<SharingPeer> startSharingPeers(int serverPort, Path work, List<List<Integer>> holdings) throws IOException {
        List<ChildProcess> peers = new ArrayList<>();
        for (int i = 0; i < holdings.size(); i++) {
            Path dir = Files.createDirectory(work.resolve("peer" + i));
            SampleRfcs.copy(dir, holdings.get(i));
            peers.add(startPeer("peer " + i, serverPort, dir));
        }
        List<SharingPeer> sharing = new ArrayList<>();
        for (ChildProcess peer : peers) {
            sharing.add(new SharingPeer(peer, awaitRegistered(peer)));
        }
        return sharing;
    }

    /** Every record of the index, as a LIST from a peer of its own sees it. */
    static List<RfcRecord> listAll(int serverPort) throws IOException {
        // An upload port that nobody downloads from: the observer only asks.
        try (IndexClient observer = IndexClient.connect(new HostAndPort("127.0.0.1", serverPort),
                Optional.of("observer"), 1)) {
            return observer.list().response().records();
        }
    }

    /** A LOOKUP written by hand on a connection of its own, its answer read with the protocol's reader. */
    static List<RfcRecord> lookup(int serverPort, int number) throws IOException {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), serverPort)) {
            OutputStream out = client.getOutputStream();
            out.write(("LOOKUP RFC " + number + " P2P-CI/1.0\r\nHost: observer.example\r\nPort: 1\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            IndexResponse response = new MessageReader(client.getInputStream()).readIndexResponse();
            assertThat(response.status()).isEqualTo(Status.OK_200);
            return response.records();
        }
    }

    private ChildProcess start(String name, String module, List<String> jvmOptions, List<String> args)
            throws IOException {
        ChildProcess process = ChildProcess.startJar(name, module, jvmOptions, args);
        started.add(process);
        return process;
    }

    @Override
    public void close() throws InterruptedException {
        for (ChildProcess process : started) {
            process.close();
        }
    }
}
