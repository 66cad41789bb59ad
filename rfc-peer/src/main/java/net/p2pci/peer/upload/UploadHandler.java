package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.IndexRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves one upload connection: reads one request, answers a GET with the RFC file or an error, then closes.
 *
 * <p>Thread-safe: it keeps no state per connection; every connection runs {@link #handle} on its own thread, and the
 * library it reads from is thread-safe. The RFC number is the only part of a request that selects a file, and it is
 * looked up in the library, so nothing a peer sends ever becomes a path.
 */
final class UploadHandler {
    private static final Logger LOG = LogManager.getLogger(UploadHandler.class);

    /** A requester sends its few-line GET at once; one that stays silent this long is holding a thread for nothing. */
    static final int REQUEST_TIMEOUT_MILLIS = 10_000;
    /** What is written at once when transferTo cannot go on: the size of a typical socket send buffer's free room. */
    private static final int FALLBACK_PIECE_BYTES = 64 * 1024;

    private final RfcLibrary library;
    private final String os;

    UploadHandler(RfcLibrary library, String os) {
        this.library = Objects.requireNonNull(library, "library");
        this.os = Objects.requireNonNull(os, "os");
    }

    /** Serves the connection and closes it, whatever happens; failures are logged, never thrown. */
    void handle(SocketChannel connection) {
        String requester = describe(connection);
        try (connection) {
            serve(connection, requester);
        } catch (IOException e) {
            // The requester went away or stalled: nothing to answer, nothing to clean up beyond the close.
            LOG.debug("Upload connection from {} ended: {}", requester, e.toString());
        } catch (RuntimeException e) {
            LOG.error("Upload connection from {} failed", requester, e);
        }
    }

    private void serve(SocketChannel connection, String requester) throws IOException {
        connection.socket().setSoTimeout(REQUEST_TIMEOUT_MILLIS);
        MessageReader reader = new MessageReader(connection.socket().getInputStream());
        Request request;
        try {
            Optional<Request> read = reader.readRequest();
            if (read.isEmpty()) {
                return; // connected and closed without asking anything
            }
            request = read.get();
        } catch (RequestException e) {
            LOG.info("Refused a request from {}: {} ({})", requester, e.status(), WireText.forLog(e.getMessage()));
            sendHead(connection, FileResponse.error(e.status(), Instant.now(), os));
            return;
        }
        switch (request) {
            case GetRequest get -> sendFile(connection, get, requester);
            case IndexRequest other -> {
                LOG.info("Refused an index request from {}: an upload server answers GET only", requester);
                sendHead(connection, FileResponse.error(Status.BAD_REQUEST_400, Instant.now(), os));
            }
        }
    }

    private void sendFile(SocketChannel connection, GetRequest get, String requester) throws IOException {
        int number = get.rfcNumber();
        Optional<Path> found = library.find(number);
        if (found.isEmpty()) {
            LOG.info("RFC {} requested by {}: not held here", number, requester);
            sendHead(connection, FileResponse.error(Status.NOT_FOUND_404, Instant.now(), os));
            return;
        }
        Path path = found.get();
        Instant lastModified;
        FileChannel file;
        try {
            lastModified = Files.getLastModifiedTime(path).toInstant();
            file = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            LOG.info("RFC {} requested by {}: its file {} is gone", number, requester, path.getFileName());
            library.forget(number, path);
            sendHead(connection, FileResponse.error(Status.NOT_FOUND_404, Instant.now(), os));
            return;
        }
        try (file) {
            // The length comes from the open file, so that the announced length and the bytes sent agree.
            long length = file.size();
            sendHead(connection, FileResponse.ok(Instant.now(), os, lastModified, length));
            long sent = 0;
            ByteBuffer piece = null;
            while (sent < length) {
                long transferred = file.transferTo(sent, length - sent, connection);
                if (transferred == 0) {
                    // transferTo answers 0 rather than wait when the socket's send buffer is full (under a virtual
                    // thread the socket is non-blocking underneath); a write of the next piece waits for room.
                    piece = piece != null ? piece.clear() : ByteBuffer.allocate(FALLBACK_PIECE_BYTES);
                    transferred = writePiece(file, sent, piece, connection);
                }
                if (transferred <= 0) {
                    break; // the file shrank while being sent: the requester sees a short body and discards it
                }
                sent += transferred;
            }
            LOG.info("Sent RFC {} to {} ({} of {} bytes)", number, requester, sent, length);
        }
    }

    /** Reads the file from {@code position} into {@code piece} and writes it all; -1 at the end of the file. */
    private static int writePiece(FileChannel file, long position, ByteBuffer piece, SocketChannel connection)
            throws IOException {
        int read = file.read(piece, position);
        if (read <= 0) {
            return -1;
        }
        piece.flip();
        while (piece.hasRemaining()) {
            connection.write(piece);
        }
        return read;
    }

    /** Writes a response head in one write, as the protocol asks of every message. */
    private static void sendHead(SocketChannel connection, FileResponse head) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(MessageWriter.encode(head));
        while (bytes.hasRemaining()) {
            connection.write(bytes);
        }
    }

    private static String describe(SocketChannel connection) {
        try {
            if (connection.getRemoteAddress() instanceof InetSocketAddress remote) {
                return remote.getAddress().getHostAddress() + ":" + remote.getPort();
            }
            return "an unknown peer";
        } catch (IOException e) {
            return "an unknown peer";
        }
    }
}
