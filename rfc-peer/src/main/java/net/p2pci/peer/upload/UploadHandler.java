package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.Objects;
import java.util.Optional;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.library.RfcLibrary.OpenedFile;
import net.p2pci.peer.library.UnservableFileException;
import net.p2pci.protocol.ByteRange;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.Header;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.ReprDigest;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestDeviation;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.SocketRequestInput;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves one upload connection: reads one request, answers a GET with the RFC file or an error, then closes; a GET
 * that asks for the extensions of docs/PROTOCOL.md 9 gets the file's digest, or a byte range of it, too. It
 * moves the connection's deadline on as the transfer progresses; the server's watchdog enforces it.
 *
 * <p>Thread-safe: it keeps no state per connection; every connection runs {@link #handle} on its own thread, and the
 * library it reads from is thread-safe. The RFC number is the only part of a request that selects a file, and it is
 * looked up in the library, so nothing a peer sends ever becomes a path; the library checks the file again as it
 * opens it, so that one that changed since the scan (a link out of the directory, unreadable, gone, or rewritten
 * since it was seen complete) gets 404. A file that changes while it is sent is cut off before its last byte, by a
 * reset, so that the requester never holds all the announced bytes of a file that was not what was announced.
 */
final class UploadHandler {
    private static final Logger LOG = LogManager.getLogger(UploadHandler.class);

    /** The protocol's own bounds on a request (4 KiB lines, 32 headers): a GET needs a fraction of either. */
    static final Limits REQUEST_LIMITS = Limits.DEFAULT;
    /**
     * The most one {@code transferTo} is asked to send. The socket is non-blocking underneath a virtual thread, so
     * each call sends what the socket's buffer takes at once and returns; asking for more than that costs nothing,
     * and asking for less split a 400 KiB RFC into seven system calls, each waking the requester.
     */
    static final long SENDFILE_BYTES = 8 * 1024 * 1024;
    /**
     * When the socket's buffer is full, the file goes out in pieces of this size by plain writes, which wait; each
     * piece is a sign of life that moves the stall deadline on: small enough that a slow but reading requester
     * takes one well within the stall timeout (64 KiB in 30 s is 2 kB/s), large enough for few system calls.
     */
    static final int TRANSFER_CHUNK_BYTES = 64 * 1024;
    /** The bytes held back until the file is known unchanged: one is enough to leave a changed file short. */
    static final long LAST_BYTES = 1;
    /** What is read and dropped of a refused connection's request, once: a GET and then some. */
    private static final int REFUSAL_DRAIN_BYTES = 4096;
    /**
     * How long, after answering a request that was not standard, the server waits for the requester to send what
     * else it sends (an END line after the empty line) and to close: the close is then a FIN after the answer, not a
     * reset that drops the answer's unsent tail. The requester usually closes within a round trip of the answer.
     */
    static final Duration FOREIGN_CLOSE_WAIT = Duration.ofSeconds(2);

    private final RfcLibrary library;
    private final String os;
    private final UploadLimits limits;
    private final ClientCausedLog clientLog;
    /** Digests of the files asked for one, so that each version of a file is read for it once. */
    private final DigestCache digests;
    /** What a transfer waits for, for the watchdog's log line. */
    private final String readingAwaited;

    UploadHandler(RfcLibrary library, String os, UploadLimits limits, ClientCausedLog clientLog) {
        this.library = Objects.requireNonNull(library, "library");
        this.os = Objects.requireNonNull(os, "os");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.clientLog = Objects.requireNonNull(clientLog, "clientLog");
        this.digests = new DigestCache(limits.stallTimeout());
        this.readingAwaited = "the requester took no byte for " + limits.stallTimeout().toMillis() + " ms";
    }

    /** Serves the connection and closes it, whatever happens; failures are logged, never thrown. */
    void handle(UploadConnection connection) {
        String requester = connection.requester();
        String source = connection.source().getHostAddress();
        try (SocketChannel channel = connection.channel()) {
            serve(connection, channel, requester, source);
        } catch (IOException e) {
            // The requester went away, or the watchdog cut it off (and said so): nothing left beyond the close.
            clientLog.log(LOG, Level.DEBUG, "upload connection ended", source, "Upload connection from {} ended: {}",
                    requester, e.toString());
        } catch (RuntimeException e) {
            clientLog.log(LOG, Level.ERROR, "upload connection failed", source, "Upload connection from {} failed",
                    requester, e);
        }
    }

    private void serve(UploadConnection connection, SocketChannel channel, String requester, String source)
            throws IOException {
        MessageReader reader = new MessageReader(new SocketRequestInput(channel.socket()), REQUEST_LIMITS);
        Request request;
        try {
            Optional<Request> read = reader.readRequest();
            if (read.isEmpty()) {
                return; // connected and closed without asking anything
            }
            request = read.get();
        } catch (RequestException e) {
            boolean foreign = noteDeviations(reader, requester, source);
            clientLog.log(LOG, Level.INFO, "refused request", source, "Refused a request from {}: {} ({})", requester,
                    e.status(), WireText.forLog(e.getMessage()));
            expectReading(connection);
            sendHead(channel, FileResponse.error(e.status(), Instant.now(), os));
            if (foreign) {
                awaitRequesterClose(channel, reader);
            }
            return;
        }
        boolean foreign = noteDeviations(reader, requester, source);
        expectReading(connection);
        switch (request) {
            case GetRequest get -> sendFile(connection, channel, get, requester, source);
            case IndexRequest other -> {
                clientLog.log(LOG, Level.INFO, "refused request", source,
                        "Refused an index request from {}: an upload server answers GET only", requester);
                sendHead(channel, FileResponse.error(Status.BAD_REQUEST_400, Instant.now(), os));
            }
        }
        if (foreign) {
            awaitRequesterClose(channel, reader);
        }
    }

    /**
     * Notes each way the request differs from docs/PROTOCOL.md, e.g. {@code requester 10.0.0.5:40000 ends requests
     * without the empty line; answering after 250 ms of silence}; true when there was any. A connection carries one
     * request, so this is once per connection.
     */
    private boolean noteDeviations(MessageReader reader, String requester, String source) {
        Set<RequestDeviation> deviations = reader.takeNewDeviations();
        for (RequestDeviation deviation : deviations) {
            clientLog.log(LOG, Level.INFO, "request form", source, "Note: requester {} {}", requester,
                    deviation.description());
        }
        return !deviations.isEmpty();
    }

    /**
     * After answering a requester whose request was not standard: ends the answer with a FIN, and reads and drops
     * what the requester still sends until it closes, for at most {@link #FOREIGN_CLOSE_WAIT} and a request's
     * worth of bytes. Closing with its bytes unread would send a reset, which can drop the end of the answer.
     */
    private static void awaitRequesterClose(SocketChannel channel, MessageReader reader) throws IOException {
        channel.shutdownOutput();
        channel.socket().setSoTimeout((int) FOREIGN_CLOSE_WAIT.toMillis());
        try {
            reader.remaining().skipNBytes(REFUSAL_DRAIN_BYTES);
        } catch (java.io.EOFException | java.net.SocketTimeoutException e) {
            // closed, or silent: either way the answer has gone out before the close
        }
    }

    /** From now on the requester only has to keep taking bytes. */
    private void expectReading(UploadConnection connection) {
        connection.expectProgressWithin(limits.stallTimeout(), readingAwaited);
    }

    private void sendFile(UploadConnection connection, SocketChannel channel, GetRequest get, String requester,
                          String source) throws IOException {
        int number = get.rfcNumber();
        Optional<OpenedFile> opened;
        try {
            opened = library.openForSending(number);
        } catch (UnservableFileException e) {
            clientLog.log(LOG, Level.INFO, "RFC not sent", source, "RFC {} requested by {}: not sent, its file is {}",
                    number, requester, e.getMessage());
            sendHead(channel, FileResponse.error(Status.NOT_FOUND_404, Instant.now(), os));
            return;
        }
        if (opened.isEmpty()) {
            clientLog.log(LOG, Level.INFO, "RFC not held", source, "RFC {} requested by {}: not held here", number,
                    requester);
            sendHead(channel, FileResponse.error(Status.NOT_FOUND_404, Instant.now(), os));
            return;
        }
        try (OpenedFile rfc = opened.get()) {
            FileChannel file = rfc.channel();
            // The length comes from the open file, so that the announced length and the bytes sent agree.
            long length = file.size();
            long first = 0;
            long last = length - 1;
            FileResponse head = FileResponse.ok(Instant.now(), os, rfc.lastModified(), length);
            if (get.range().isPresent()) {
                ByteRange range = get.range().get();
                last = range.lastIn(length);
                if (last < 0) {
                    clientLog.log(LOG, Level.INFO, "range refused", source, "RFC {} requested by {}: range {} starts"
                            + " past its {} bytes", number, requester, range.headerValue(), length);
                    sendHead(channel, FileResponse.error(Status.BAD_REQUEST_400, Instant.now(), os));
                    return;
                }
                first = range.first();
                head = FileResponse.partial(Instant.now(), os, rfc.lastModified(), first, last, length);
            }
            if (get.wantsDigest()) {
                ReprDigest digest = digests.digestOf(rfc.path(), file, length, rfc.lastModified());
                head = head.with(new Header(ReprDigest.HEADER, digest.headerValue()));
                expectReading(connection); // the digest of a large file, computed once, can take a while
            }
            sendHead(channel, head);
            // The last byte is held back until the file is known unchanged since it was opened: a requester that
            // received every announced byte got the file as announced, and one written to meanwhile leaves it short.
            long end = last + 1;
            long heldBack = Math.max(first, end - LAST_BYTES);
            long sent = sendBytes(connection, channel, file, first, heldBack);
            if (first + sent == heldBack && !rfc.unchangedSinceOpened()) {
                clientLog.log(LOG, Level.INFO, "RFC changed while sent", source, "RFC {} sent to {}: its file changed"
                        + " while being sent; the connection is reset before its last byte", number, requester);
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
                return;
            }
            if (first + sent == heldBack) {
                sent += sendBytes(connection, channel, file, heldBack, end);
            }
            clientLog.log(LOG, Level.INFO, "RFC sent", source, "Sent RFC {} to {} ({} of {} bytes{})", number,
                    requester, sent, end - first, get.range().isPresent()
                            ? ", " + ByteRange.contentRange(first, last, length) : "");
        }
    }

    /** Sends bytes {@code start..end-1} of {@code file}; returns how many went, fewer if the file shrank. */
    private long sendBytes(UploadConnection connection, SocketChannel channel, FileChannel file, long start,
                           long end) throws IOException {
        long position = start;
        ByteBuffer buffer = null;
        while (position < end) {
            long transferred = file.transferTo(position, Math.min(SENDFILE_BYTES, end - position), channel);
            if (transferred == 0) {
                // On a virtual thread the socket is non-blocking underneath, and transferTo returns 0 when its
                // buffer is full instead of waiting; a write waits. At the file's end (it shrank), read says so.
                buffer = buffer != null ? buffer.clear() : ByteBuffer.allocateDirect(TRANSFER_CHUNK_BYTES);
                int read = file.read(buffer.limit((int) Math.min(TRANSFER_CHUNK_BYTES, end - position)), position);
                if (read <= 0) {
                    break; // the file shrank while being sent: the requester sees a short body and discards it
                }
                writeFully(channel, buffer.flip());
                transferred = read;
            }
            position += transferred;
            expectReading(connection);
        }
        return position - start;
    }

    /**
     * Answers a connection refused at a limit with 400 and closes it, without a thread of its own: the answer fits
     * in the empty send buffer of a new socket, so a non-blocking write takes it whole. What the requester sent so
     * far is read and dropped first, so that the close is a FIN after the answer rather than a reset that could
     * overtake it.
     */
    void refuse(SocketChannel channel, String source) {
        try (channel) {
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(MessageWriter.encode(FileResponse.error(Status.BAD_REQUEST_400,
                    Instant.now(), os))));
            channel.read(ByteBuffer.allocate(REFUSAL_DRAIN_BYTES)); // once: a requester that keeps sending gets a reset
        } catch (IOException e) {
            clientLog.log(LOG, Level.DEBUG, "refusal failed", source, "Refusing a connection from {}: {}", source,
                    e.toString());
        }
    }

    /** Writes a response head in one write, as the protocol asks of every message. */
    private static void sendHead(SocketChannel channel, FileResponse head) throws IOException {
        writeFully(channel, ByteBuffer.wrap(MessageWriter.encode(head)));
    }

    private static void writeFully(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }
}
