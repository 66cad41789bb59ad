package net.p2pci.peer.download;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileAnswerReader;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.ResponseFormatException;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.WireDates;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Fetches an RFC from another peer's upload server into the library, all or nothing: the answer is read liberally
 * ({@link FileAnswerReader}), as other implementations send it; the body streams into a hidden part file, is checked
 * against Content-Length (a difference is taken only where re-encoded line ends explain it), forced to disk and
 * renamed into place in one step; on any failure the part file is deleted.
 *
 * <p>Thread-safe: each download has its own socket and part file; the set of those under way is concurrent, so that
 * {@link #close()}, from any thread, can end them and delete their part files.
 */
public final class Downloader implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(Downloader.class);

    /** A live holder accepts at once; a dead one must not hold up the fallback to the next holder for long. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** The longest silence from a holder, before its answer or inside the body, before giving up on it. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    /**
     * How long a holder's silence ends what has no other end: a head without its empty line, and the moment after the
     * announced bytes that shows whether more comes (a body longer than announced, another status line) or nothing
     * does. The download never waits for the holder to close (some never do: docs/INTEROP.md row 38); a standard
     * holder's answer arrives whole, so it only costs this long when the holder does not close at once.
     */
    public static final Duration ANSWER_QUIET = Duration.ofMillis(500);
    /**
     * How long a holder's silence ends a file sent without Content-Length on a connection it keeps open: long enough
     * that a pause between the pieces of a file written in several writes does not cut it, and the file must end
     * with a line end to be taken.
     */
    public static final Duration BODY_QUIET = Duration.ofSeconds(2);
    /**
     * The largest RFC text is a few megabytes; a larger announced or unannounced body is refused, so that a broken or
     * hostile holder cannot fill the disk.
     */
    public static final long MAX_DOWNLOAD_BYTES = 64L * 1024 * 1024;
    /**
     * The longest a whole download may take, head and body. The largest RFC arrives in seconds even over a slow link;
     * this bounds a holder that keeps just above the minimum rate with a body as large as the byte limit allows.
     */
    public static final Duration MAX_DOWNLOAD_TIME = Duration.ofMinutes(10);
    /** The span over which a holder's rate is judged, from the request on: at most this long goes to a trickler. */
    public static final Duration RATE_WINDOW = Duration.ofSeconds(10);
    /**
     * The least a holder must send in each {@link #RATE_WINDOW}, head and body alike, unless it finishes first:
     * 1 kB/s on average. The largest RFCs still arrive over the slowest links in use (a 56 kbit/s modem carries
     * 7 kB/s), while a holder that trickles a byte every few seconds, each in time for the read timeout, is given up
     * after one window and the next holder tried, instead of holding the download for the maximum time.
     */
    public static final long MIN_BYTES_PER_WINDOW = 10_000;
    private static final long MILLI_IN_NANOS = 1_000_000;
    private static final String STOPPED = "stopped: the peer is leaving";
    /** Copy buffer: large enough that a fast loopback transfer takes few system calls, small per download. */
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final RfcLibrary library;
    private final String os;
    private final Duration readTimeout;
    private final long maxBytes;
    private final Duration maxTime;
    private final Duration rateWindow;
    private final long minBytesPerWindow;
    private final Set<InProgress> inProgress = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public Downloader(RfcLibrary library, String os) {
        this(library, os, READ_TIMEOUT, MAX_DOWNLOAD_BYTES, MAX_DOWNLOAD_TIME);
    }

    /** With other limits, so that tests of holders that misbehave at the limits finish quickly and small. */
    Downloader(RfcLibrary library, String os, Duration readTimeout, long maxBytes, Duration maxTime) {
        this(library, os, readTimeout, maxBytes, maxTime, RATE_WINDOW, MIN_BYTES_PER_WINDOW);
    }

    /** With another minimum rate too. */
    Downloader(RfcLibrary library, String os, Duration readTimeout, long maxBytes, Duration maxTime,
               Duration rateWindow, long minBytesPerWindow) {
        this.library = Objects.requireNonNull(library, "library");
        this.os = Objects.requireNonNull(os, "os");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.maxBytes = maxBytes;
        this.maxTime = Objects.requireNonNull(maxTime, "maxTime");
        this.rateWindow = Objects.requireNonNull(rateWindow, "rateWindow");
        this.minBytesPerWindow = minBytesPerWindow;
    }

    /** The request sent to {@code holder} for RFC {@code rfcNumber}, for printing before {@link #download}. */
    public GetRequest requestFor(int rfcNumber, HostAndPort holder) {
        return new GetRequest(rfcNumber, holder.host(), Optional.of(os));
    }

    /**
     * Sends {@code request} to {@code holder} and stores the body as {@code rfcN.txt} in the library's directory. The
     * answer is read liberally ({@link FileAnswerReader}): the download and its failure carry each way in which it
     * differed from docs/PROTOCOL.md, one of each kind.
     *
     * @throws DownloadException with a one-line reason when no complete file could be had; no file is left behind
     */
    public Download download(HostAndPort holder, GetRequest request) throws DownloadException {
        int number = request.rfcNumber();
        long started = System.nanoTime();
        FileResponse head = null;
        FileAnswerReader answer = null;
        Path partFile = null;
        InProgress progress = null;
        try (Socket socket = new Socket()) {
            progress = new InProgress(socket, number, holder);
            inProgress.add(progress);
            stopIfClosed();
            socket.connect(holder.resolve(), (int) CONNECT_TIMEOUT.toMillis());
            socket.setSoTimeout((int) readTimeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(MessageWriter.encode(request));
            out.flush();

            PacedInputStream paced = new PacedInputStream(socket, holder, started + maxTime.toNanos(),
                    holder + " was still sending after " + maxTime.toMillis() + " ms");
            answer = new FileAnswerReader(new MessageReader(paced), paced, ANSWER_QUIET, BODY_QUIET, Limits.DEFAULT);
            head = answer.readHead();
            if (head.status() != Status.OK_200) {
                throw new DownloadException(holder + " answered " + head.status(), head, oneOfEachKind(answer), null);
            }
            OptionalLong announced = head.contentLength();
            if (announced.isPresent() && announced.getAsLong() > maxBytes) {
                throw new DownloadException(holder + " announced " + announced.getAsLong()
                        + " bytes, over the limit of " + maxBytes, head, oneOfEachKind(answer), null);
            }

            progress.announced = announced.orElse(-1);
            partFile = library.createPartFile(number);
            progress.partFile = partFile;
            stopIfClosed(); // after the part file is known: either this sees the close, or close() sees the file
            long received;
            try (FileChannel file = FileChannel.open(partFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                received = answer.readBody(new PartFileSink(file, progress), maxBytes);
                keepLastModified(partFile, head);
                file.force(true);
            }
            Path target = library.moveIntoPlace(partFile, number);
            partFile = null;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            LOG.debug("RFC {}: {} bytes from {} in {}", number, received, holder, elapsed);
            return new Download(number, holder, head, received, elapsed, target, oneOfEachKind(answer));
        } catch (DownloadException e) {
            throw e;
        } catch (IOException e) {
            throw new DownloadException(closed ? STOPPED : reasonFor(e, holder, number), head, oneOfEachKind(answer),
                    e);
        } finally {
            if (progress != null) {
                inProgress.remove(progress);
            }
            deletePartFile(partFile);
        }
    }

    /**
     * Ends every download under way and deletes its part file, and refuses new ones: for the peer leaving, perhaps
     * on SIGTERM, when the JVM will not wait for the downloading thread to clean up after itself.
     */
    @Override
    public void close() {
        closed = true;
        for (InProgress download : inProgress) {
            try {
                download.socket.close();
            } catch (IOException e) {
                // Closing is all that is left to do with it.
            }
            deletePartFile(download.partFile);
        }
    }

    /** The downloads under way now, each with the bytes received so far: for the peer's web page. */
    public List<DownloadProgress> progress() {
        return inProgress.stream().map(InProgress::snapshot).toList();
    }

    private void stopIfClosed() throws IOException {
        if (closed) {
            throw new IOException(STOPPED);
        }
    }

    /**
     * A download under way: its socket, and its part file once there is one. The downloading thread writes the
     * counts; the page's thread reads them, through volatile fields.
     */
    private static final class InProgress {
        private final Socket socket;
        private final int rfcNumber;
        private final HostAndPort holder;
        private volatile Path partFile;
        /** The Content-Length the holder announced; -1 until its head is read, or when it announced none. */
        private volatile long announced = -1;
        private volatile long received;

        InProgress(Socket socket, int rfcNumber, HostAndPort holder) {
            this.socket = socket;
            this.rfcNumber = rfcNumber;
            this.holder = holder;
        }

        DownloadProgress snapshot() {
            long total = announced;
            return new DownloadProgress(rfcNumber, holder, received,
                    total < 0 ? OptionalLong.empty() : OptionalLong.of(total));
        }
    }

    /** The deviations the answer showed, the first of each kind: a note per kind is what the person needs. */
    private static List<AnswerDeviation> oneOfEachKind(FileAnswerReader answer) {
        if (answer == null) {
            return List.of();
        }
        Set<AnswerDeviation.Kind> kinds = EnumSet.noneOf(AnswerDeviation.Kind.class);
        return answer.deviations().stream().filter(deviation -> kinds.add(deviation.kind())).toList();
    }

    /**
     * The part file as the reader's sink: bytes are appended; an empty line that turns out to have been the file's
     * first (docs/INTEROP.md row 32) is put in front by moving what was written, from the end backwards.
     */
    private static final class PartFileSink implements FileAnswerReader.BodySink {
        private final FileChannel file;
        private final InProgress progress;

        PartFileSink(FileChannel file, InProgress progress) {
            this.file = file;
            this.progress = progress;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer chunk = ByteBuffer.wrap(bytes, offset, length);
            while (chunk.hasRemaining()) {
                file.write(chunk);
            }
            progress.received += length; // one writer: the downloading thread
        }

        @Override
        public void prepend(byte[] prefix) throws IOException {
            long size = file.size();
            ByteBuffer buffer = ByteBuffer.allocate(COPY_BUFFER_BYTES);
            for (long end = size; end > 0; ) {
                long start = Math.max(0, end - buffer.capacity());
                buffer.clear().limit((int) (end - start));
                while (buffer.hasRemaining()) {
                    if (file.read(buffer, start + buffer.position()) < 0) {
                        throw new IOException("the part file shrank while it was written");
                    }
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    file.write(buffer, start + prefix.length + buffer.position());
                }
                end = start;
            }
            ByteBuffer front = ByteBuffer.wrap(prefix);
            while (front.hasRemaining()) {
                file.write(front, front.position());
            }
            file.position(size + prefix.length);
            progress.received += prefix.length;
        }
    }

    /** Gives the copy the holder's date, as a download tool does, so that the file's age is the document's. */
    private static void keepLastModified(Path partFile, FileResponse head) {
        Optional<String> lastModified = head.header(FileResponse.LAST_MODIFIED);
        if (lastModified.isEmpty()) {
            return;
        }
        try {
            Files.setLastModifiedTime(partFile, FileTime.from(WireDates.parse(lastModified.get())));
        } catch (DateTimeException | IOException e) {
            LOG.debug("Keeping the download's own date; Last-Modified {} not applied: {}",
                    WireText.forLog(lastModified.get()), e.toString());
        }
    }

    private static String reasonFor(IOException failure, HostAndPort holder, int number) {
        return switch (failure) {
            case TooSlowException e -> e.getMessage();
            case FileAnswerReader.UnbelievableBodyException e -> holder + " " + e.getMessage();
            case UnknownHostException e -> "unknown host " + holder.host();
            case ConnectException e -> "cannot connect to " + holder + ": " + e.getMessage();
            case NoRouteToHostException e -> "no route to " + holder;
            case SocketTimeoutException e -> holder + " did not answer in time";
            case ResponseFormatException e -> holder + " sent a malformed response: " + e.getMessage();
            case EOFException e -> holder + " " + e.getMessage();
            case FileAlreadyExistsException e -> RfcFileName.canonical(number)
                    + " appeared in the directory during the download; it was kept and the download discarded";
            default -> "transfer from " + holder + " failed: "
                    + Objects.requireNonNullElse(failure.getMessage(), failure.getClass().getSimpleName());
        };
    }

    private static void deletePartFile(Path partFile) {
        if (partFile == null) {
            return;
        }
        try {
            Files.deleteIfExists(partFile);
        } catch (IOException e) {
            LOG.warn("Could not delete the unfinished download {}: {}", partFile, e.toString());
        }
    }

    /**
     * A holder too slow: under the minimum rate, or still sending when the download's time is up. The transfer is
     * refused, whatever was received.
     */
    private static final class TooSlowException extends IOException {
        TooSlowException(String reason) {
            super(reason);
        }
    }

    /**
     * The holder's stream, held to the download's pace: every read fails once the deadline of the whole download
     * has passed, and once a {@link #rateWindow} has ended with fewer than {@link #minBytesPerWindow} bytes in it.
     * A blocked read wakes at the end of its window (the socket's timeout is set to what is left of it), so that a
     * holder sending nothing or next to nothing is given up within one window, not at the next byte it trickles.
     */
    private final class PacedInputStream extends FilterInputStream implements FileAnswerReader.Waits {
        private final Socket socket;
        private final HostAndPort holder;
        private final long deadlineNanos;
        private final String deadlineReason;
        private final long readTimeoutNanos = readTimeout.toNanos();
        /** The silence that ends a read where the answer has no other end; 0 while there is none. */
        private long quietNanos;
        private boolean paced = true;
        private long windowStartNanos = System.nanoTime();
        private long windowBytes;

        PacedInputStream(Socket socket, HostAndPort holder, long deadlineNanos, String deadlineReason)
                throws IOException {
            super(socket.getInputStream());
            this.socket = socket;
            this.holder = holder;
            this.deadlineNanos = deadlineNanos;
            this.deadlineReason = deadlineReason;
        }

        @Override
        public void quiet(Duration silence) {
            paced = true;
            quietNanos = silence.toNanos();
        }

        @Override
        public void lastBytes(Duration silence) {
            paced = false;
            quietNanos = silence.toNanos();
        }

        @Override
        public void patient() {
            paced = true;
            quietNanos = 0;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (true) {
                long now = System.nanoTime();
                if (now - deadlineNanos > 0) {
                    throw new TooSlowException(deadlineReason);
                }
                long wait = quietNanos > 0 ? Math.min(readTimeoutNanos, quietNanos) : readTimeoutNanos;
                if (paced) {
                    checkWindow(now);
                    wait = Math.min(wait, windowStartNanos + rateWindow.toNanos() - now);
                }
                socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait + MILLI_IN_NANOS - 1)));
                int read;
                try {
                    read = super.read(buffer, offset, length);
                } catch (SocketTimeoutException e) {
                    if (paced && System.nanoTime() - (windowStartNanos + rateWindow.toNanos()) >= 0) {
                        continue; // the window's end, not the holder's silence: judged at the top of the loop
                    }
                    throw e;
                }
                if (read > 0) {
                    windowBytes += read;
                }
                return read;
            }
        }

        /** At the end of a window: too few bytes fail the download, enough start the next window. */
        private void checkWindow(long now) throws TooSlowException {
            long windowNanos = rateWindow.toNanos();
            if (now - (windowStartNanos + windowNanos) < 0) {
                return;
            }
            if (windowBytes < minBytesPerWindow) {
                throw new TooSlowException(holder + " sent " + windowBytes + " bytes in the last "
                        + rateWindow.toMillis() + " ms, under the minimum of " + minBytesPerWindow
                        + "; given up on as too slow");
            }
            windowStartNanos = now;
            windowBytes = 0;
        }
    }
}
