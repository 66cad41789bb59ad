package net.p2pci.peer.download;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.ByteRange;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.Header;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.ReprDigest;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.Status;

/**
 * A holder of one file played by a test, on a real loopback socket, answering any number of GETs: a standard one
 * that knows no extension, one that refuses them with 400, one that serves wrong bytes under the right digest, or
 * one that speaks the extensions and dies after sending some bytes, so that a downloader meets what our own upload
 * server never does.
 */
final class FakeRangeHolder implements AutoCloseable {
    /** How the holder behaves. */
    enum Kind {
        /** Ignores the extension headers: a 200 with the whole file and no digest, as a standard peer answers. */
        STANDARD,
        /** Answers 400 to a GET with any extension header, and a standard GET as {@link #STANDARD}. */
        REFUSES_EXTENSIONS,
        /** Speaks the extensions, but every byte of the file it sends is off by one; its digest is the true one. */
        WRONG_BYTES,
        /** Speaks the extensions correctly until it has sent its byte budget of the file, then closes for good. */
        DIES
    }

    private final ServerSocket listener;
    private final Thread acceptor;
    private final byte[] file;
    private final Kind kind;
    private final AtomicLong budget;
    private final AtomicLong requests = new AtomicLong();

    private FakeRangeHolder(byte[] file, Kind kind, long budget) throws IOException {
        this.file = file;
        this.kind = kind;
        this.budget = new AtomicLong(budget);
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofVirtual().name("fake-range-holder").start(this::acceptAll);
    }

    static FakeRangeHolder of(byte[] file, Kind kind) throws IOException {
        return new FakeRangeHolder(file, kind, Long.MAX_VALUE);
    }

    /** Speaks the extensions and dies after sending {@code bytes} bytes of the file in all. */
    static FakeRangeHolder dyingAfter(byte[] file, long bytes) throws IOException {
        return new FakeRangeHolder(file, Kind.DIES, bytes);
    }

    HostAndPort address() {
        return new HostAndPort("127.0.0.1", listener.getLocalPort());
    }

    /** How many requests it has read. */
    long requests() {
        return requests.get();
    }

    private void acceptAll() {
        try {
            while (true) {
                Socket connection = listener.accept();
                Thread.ofVirtual().start(() -> serve(connection));
            }
        } catch (IOException e) {
            // closed by the test, or by a dying holder
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            Optional<Request> read = new MessageReader(connection.getInputStream()).readRequest();
            requests.incrementAndGet();
            if (read.isEmpty() || !(read.get() instanceof GetRequest get)) {
                return;
            }
            OutputStream out = new java.io.BufferedOutputStream(connection.getOutputStream(), 64 * 1024);
            if (kind == Kind.REFUSES_EXTENSIONS && get.isExtended()) {
                out.write(MessageWriter.encode(FileResponse.error(Status.BAD_REQUEST_400, Instant.now(), "Fake")));
                out.flush();
                return;
            }
            boolean extended = kind == Kind.WRONG_BYTES || kind == Kind.DIES;
            long first = 0;
            long last = file.length - 1;
            FileResponse head = FileResponse.ok(Instant.now(), "Fake", Instant.EPOCH, file.length);
            if (extended && get.range().isPresent()) {
                ByteRange range = get.range().get();
                first = range.first();
                last = range.lastIn(file.length);
                head = FileResponse.partial(Instant.now(), "Fake", Instant.EPOCH, first, last, file.length);
            }
            if (extended && get.wantsDigest()) {
                head = head.with(new Header(ReprDigest.HEADER, ReprDigest.of(file).headerValue()));
            }
            out.write(MessageWriter.encode(head));
            for (long position = first; position <= last; position++) {
                if (budget.getAndDecrement() <= 0) {
                    out.flush();
                    listener.close(); // dead: this connection ends short and no other is taken
                    return;
                }
                out.write(kind == Kind.WRONG_BYTES ? file[(int) position] + 1 : file[(int) position]);
            }
            out.flush();
        } catch (IOException | net.p2pci.protocol.RequestException e) {
            // The downloader hung up, or sent what is no GET: either ends the connection.
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        acceptor.join(java.time.Duration.ofSeconds(10));
    }
}
