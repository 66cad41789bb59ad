package net.p2pci.peer.download;

import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.ByteRange;
import net.p2pci.protocol.FileAnswerReader;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.ReprDigest;
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
 * renamed into place in one step; on any failure the part file is deleted. With the extensions of docs/PROTOCOL.md 9,
 * a file whose holder sends its SHA-256 is checked against it before it is renamed, and a large file held by several
 * peers comes in byte ranges from all of them at once, streamed into the part file at their offsets.
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

    /**
     * When a download uses several holders at once (docs/PROTOCOL.md 9.3).
     *
     * @param minFileBytes the smallest file fetched in ranges from several holders: below it one connection is
     *                     about as fast, as the file is gone before more connections get going
     * @param rangeBytes   the size of each range asked for: large enough that a connection per range costs little,
     *                     small enough that a holder that dies leaves little to fetch again and a slow one holds up
     *                     little
     */
    public record MultiSource(long minFileBytes, long rangeBytes) {
        /** 16 MiB and 4 MiB: the largest RFC is under 16 MiB, so RFCs come from one holder as before. */
        public static final MultiSource DEFAULT = new MultiSource(16L * 1024 * 1024, 4L * 1024 * 1024);

        public MultiSource {
            if (minFileBytes < 1 || rangeBytes < 1) {
                throw new IllegalArgumentException("multi-source sizes must be positive");
            }
        }
    }

    private final RfcLibrary library;
    private final String os;
    private final Duration readTimeout;
    private final long maxBytes;
    private final Duration maxTime;
    private final Duration rateWindow;
    private final long minBytesPerWindow;
    private final MultiSource multiSource;
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
        this(library, os, readTimeout, maxBytes, maxTime, rateWindow, minBytesPerWindow, MultiSource.DEFAULT);
    }

    /**
     * With a larger byte limit and other multi-source settings: for files larger than RFCs, as the benchmark of
     * multi-source downloads uses, and for tests of them with small files.
     */
    public Downloader(RfcLibrary library, String os, long maxBytes, MultiSource multiSource) {
        this(library, os, READ_TIMEOUT, maxBytes, MAX_DOWNLOAD_TIME, RATE_WINDOW, MIN_BYTES_PER_WINDOW, multiSource);
    }

    private Downloader(RfcLibrary library, String os, Duration readTimeout, long maxBytes, Duration maxTime,
                       Duration rateWindow, long minBytesPerWindow, MultiSource multiSource) {
        this.library = Objects.requireNonNull(library, "library");
        this.os = Objects.requireNonNull(os, "os");
        this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
        this.maxBytes = maxBytes;
        this.maxTime = Objects.requireNonNull(maxTime, "maxTime");
        this.rateWindow = Objects.requireNonNull(rateWindow, "rateWindow");
        this.minBytesPerWindow = minBytesPerWindow;
        this.multiSource = Objects.requireNonNull(multiSource, "multiSource");
    }

    /**
     * The request sent to {@code holder} for RFC {@code rfcNumber}, for printing before {@link #download}: it asks
     * for the file's digest (docs/PROTOCOL.md 9.2), which a standard holder ignores.
     */
    public GetRequest requestFor(int rfcNumber, HostAndPort holder) {
        return new GetRequest(rfcNumber, holder.host(), Optional.of(os), true, Optional.empty());
    }

    /** {@link #download(HostAndPort, GetRequest, List)} from {@code holder} alone. */
    public Download download(HostAndPort holder, GetRequest request) throws DownloadException {
        return download(holder, request, List.of());
    }

    /**
     * Sends {@code request} to {@code holder} and stores the body as {@code rfcN.txt} in the library's directory. The
     * answer is read liberally ({@link FileAnswerReader}): the download and its failure carry each way in which it
     * differed from docs/PROTOCOL.md, one of each kind. When {@code holder} sends a digest with a file of at least
     * {@link MultiSource#minFileBytes()} and {@code others} hold it too, the first range is taken from its answer,
     * which is then dropped, and the rest comes in ranges from it and the others at once (docs/PROTOCOL.md 9.3). A file whose holder sent its digest is checked against it before it takes its name.
     * A holder that refuses the extension headers with 400 is asked again with the standard GET.
     *
     * @throws DownloadException with a one-line reason when no complete file could be had (or it did not match
     *                           its digest); no file is left behind
     */
    public Download download(HostAndPort holder, GetRequest request, List<HostAndPort> others)
            throws DownloadException {
        List<String> notes = new ArrayList<>();
        try {
            return fetch(holder, request, others, notes);
        } catch (DownloadException e) {
            boolean refusedExtensions = request.isExtended()
                    && e.head().map(head -> head.status() == Status.BAD_REQUEST_400).orElse(false);
            if (!refusedExtensions || closed) {
                throw e;
            }
            notes.add("peer " + holder + " answered 400 to a GET with extension headers; asked again with a"
                    + " standard GET");
            return fetch(holder, request.standard(), List.of(), notes);
        }
    }

    private Download fetch(HostAndPort holder, GetRequest request, List<HostAndPort> others, List<String> notes)
            throws DownloadException {
        int number = request.rfcNumber();
        long started = System.nanoTime();
        long deadline = started + maxTime.toNanos();
        FileResponse head = null;
        FileAnswerReader answer = null;
        Path partFile = null;
        InProgress progress = null;
        try (Socket socket = new Socket()) {
            progress = new InProgress(number, holder);
            progress.sockets.add(socket);
            inProgress.add(progress);
            stopIfClosed();
            Exchange exchange = ask(socket, holder, request, deadline);
            answer = exchange.answer();
            head = answer.readHead();
            if (head.status() != Status.OK_200) {
                throw new DownloadException(holder + " answered " + head.status(), head, oneOfEachKind(answer), null);
            }
            Optional<ReprDigest> expected = head.header(ReprDigest.HEADER).flatMap(ReprDigest::parse);
            OptionalLong announced = head.contentLength();
            if (announced.isPresent() && announced.getAsLong() > maxBytes) {
                throw new DownloadException(holder + " announced " + announced.getAsLong()
                        + " bytes, over the limit of " + maxBytes, head, oneOfEachKind(answer), null);
            }
            // Ranges only from holders that speak the extensions (the digest says so) and answer by the book.
            boolean inRanges = expected.isPresent() && announced.isPresent()
                    && announced.getAsLong() >= multiSource.minFileBytes() && answer.deviations().isEmpty()
                    && others.stream().anyMatch(other -> !other.equals(holder));

            progress.announced = announced.orElse(-1);
            partFile = library.createPartFile(number);
            progress.partFile = partFile;
            stopIfClosed(); // after the part file is known: either this sees the close, or close() sees the file
            long received;
            int sources = 1;
            try (FileChannel file = FileChannel.open(partFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                if (inRanges) {
                    long total = announced.getAsLong();
                    long first = Math.min(total, multiSource.rangeBytes());
                    copyRange(exchange.reader().remaining(), file, 0, first, progress, new long[1]);
                    socket.close(); // the rest of this answer is not wanted: the ranges come on fresh connections
                    sources = fetchRanges(request, holder, others, new RangePlan(first, total,
                            multiSource.rangeBytes()), expected, total, file, progress, deadline, notes);
                    received = total;
                } else {
                    received = answer.readBody(new PartFileSink(file, progress), maxBytes);
                }
                keepLastModified(partFile, head);
                file.force(true);
                verify(file, received, expected, holder, sources, head, answer, notes);
            }
            Path target = library.moveIntoPlace(partFile, number);
            partFile = null;
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            LOG.debug("RFC {}: {} bytes from {} ({} holder(s)) in {}", number, received, holder, sources, elapsed);
            return new Download(number, holder, head, received, elapsed, target, oneOfEachKind(answer),
                    expected.isPresent(), sources, notes);
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

    /** A request sent on a connection, and the reader of its answer. */
    private record Exchange(MessageReader reader, FileAnswerReader answer) {
    }

    /** Connects {@code socket} to {@code holder}, sends {@code request} and readies the answer's reader. */
    private Exchange ask(Socket socket, HostAndPort holder, GetRequest request, long deadline) throws IOException {
        socket.connect(holder.resolve(), (int) CONNECT_TIMEOUT.toMillis());
        socket.setSoTimeout((int) readTimeout.toMillis());
        OutputStream out = socket.getOutputStream();
        out.write(MessageWriter.encode(request));
        out.flush();
        PacedInputStream paced = new PacedInputStream(socket, holder, deadline,
                holder + " was still sending after " + maxTime.toMillis() + " ms");
        MessageReader reader = new MessageReader(paced);
        return new Exchange(reader, new FileAnswerReader(reader, paced, ANSWER_QUIET, BODY_QUIET, Limits.DEFAULT));
    }

    /**
     * The first offset, last offset and total size of a 206 answer's Content-Range, checked against the range asked
     * for, its Content-Length and (when not -1) the total size known from the first holder.
     */
    private static long[] contentRange(FileResponse head, ByteRange asked, long total)
            throws IOException {
        long[] range = head.header(FileResponse.CONTENT_RANGE).flatMap(ByteRange::parseContentRange)
                .orElseThrow(() -> new ResponseFormatException("a 206 answer without a readable Content-Range: "
                        + WireText.forLog(head.header(FileResponse.CONTENT_RANGE).orElse("none"))));
        if (range[0] != asked.first() || range[1] != asked.lastIn(range[2]) || (total >= 0 && range[2] != total)
                || head.contentLength().orElse(-1) != range[1] - range[0] + 1) {
            throw new ResponseFormatException("a 206 answer for another range than " + asked.headerValue() + ": "
                    + ByteRange.contentRange(range[0], range[1], range[2]) + ", Content-Length "
                    + head.contentLength().orElse(-1));
        }
        return range;
    }

    /**
     * Fetches the ranges of {@code plan} from {@code first} and {@code helpers} at once, one connection per range,
     * each holder taking the next range when it has sent one; a holder that fails gives back what it had not sent
     * yet, for the others. Every holder's answer must carry {@code expected}, when there is one: a holder with another
     * version of the file sends none of it.
     *
     * @return how many holders sent some of the file
     * @throws IOException when some of the file is missing because every holder failed, or time ran out
     */
    private int fetchRanges(GetRequest request, HostAndPort first, List<HostAndPort> helpers, RangePlan plan,
                            Optional<ReprDigest> expected, long total, FileChannel file, InProgress progress,
                            long deadline, List<String> notes) throws IOException {
        Set<HostAndPort> holders = new LinkedHashSet<>();
        holders.add(first);
        holders.addAll(helpers);
        Map<HostAndPort, String> failures = new ConcurrentHashMap<>();
        Set<HostAndPort> senders = ConcurrentHashMap.newKeySet();
        senders.add(first); // it sent the first range
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            for (HostAndPort holder : holders) {
                workers.submit(() -> fetchRangesFrom(holder, request, plan, expected, total, file, progress,
                        deadline, failures, senders));
            }
            workers.shutdown();
            if (!workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TooSlowException("the holders were still sending after " + maxTime.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            progress.closeSockets(); // ends any worker still reading, so that none outlives the download
            workers.shutdownNow();
        }
        stopIfClosed();
        for (HostAndPort holder : holders) {
            String failure = failures.get(holder);
            if (failure != null && plan.isComplete()) {
                notes.add("peer " + holder + " sent no more ranges (" + failure + "); the others sent the rest");
            }
        }
        if (!plan.isComplete()) {
            throw new IOException("no holder could send the rest of the file: " + String.join("; ",
                    holders.stream().filter(failures::containsKey).map(failures::get).toList()));
        }
        if (senders.size() > 1) {
            notes.add("ranges from " + senders.size() + " holders: " + String.join(", ",
                    senders.stream().map(HostAndPort::toString).sorted().toList()));
        }
        return senders.size();
    }

    /** One holder's worker: takes ranges and writes them into place until none is left, or the holder fails. */
    private void fetchRangesFrom(HostAndPort holder, GetRequest request, RangePlan plan,
                                 Optional<ReprDigest> expected, long total, FileChannel file, InProgress progress,
                                 long deadline, Map<HostAndPort, String> failures, Set<HostAndPort> senders) {
        progress.sources.incrementAndGet();
        try {
            while (true) {
                ByteRange range = plan.take(deadline);
                if (range == null) {
                    return;
                }
                long[] written = new long[1];
                try (Socket socket = new Socket()) {
                    progress.sockets.add(socket);
                    stopIfClosed();
                    GetRequest asked = new GetRequest(request.rfcNumber(), holder.host(), request.os(), true,
                            Optional.of(range));
                    Exchange exchange = ask(socket, holder, asked, deadline);
                    FileResponse head = exchange.answer().readHead();
                    if (head.status() != Status.PARTIAL_CONTENT_206) {
                        throw new IOException(head.status() == Status.OK_200
                                ? "it offers no ranges: it answered 200 with the whole file"
                                : "it answered " + head.status() + " to a range");
                    }
                    long[] sent = contentRange(head, range, total);
                    Optional<ReprDigest> digest = head.header(ReprDigest.HEADER).flatMap(ReprDigest::parse);
                    if (expected.isPresent() && !expected.equals(digest)) {
                        throw new IOException("its Repr-Digest is " + digest.map(ReprDigest::headerValue)
                                .orElse("missing") + ", another version of the file");
                    }
                    copyRange(exchange.reader().remaining(), file, sent[0], sent[1] - sent[0] + 1, progress,
                            written);
                    senders.add(holder);
                    plan.done();
                } catch (IOException | RuntimeException e) {
                    plan.giveBack(written[0] < range.last() - range.first() + 1
                            ? new ByteRange(range.first() + written[0], range.last()) : null);
                    failures.put(holder, closed ? STOPPED : reasonFor(e instanceof IOException io ? io
                            : new IOException(e.toString(), e), holder, request.rfcNumber()));
                    return;
                } finally {
                    progress.sockets.removeIf(Socket::isClosed);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            progress.sources.decrementAndGet();
        }
    }

    /**
     * Copies exactly {@code length} bytes of a range from {@code in} into {@code file} at {@code position}, counting
     * them in {@code written[0]} as they land, so that a failure knows what is left.
     */
    private static void copyRange(InputStream in, FileChannel file, long position, long length, InProgress progress,
                                  long[] written) throws IOException {
        byte[] buffer = new byte[COPY_BUFFER_BYTES];
        while (written[0] < length) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, length - written[0]));
            if (read < 0) {
                throw new EOFException("closed the connection after " + written[0] + " of the " + length
                        + " bytes of a range");
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
            while (chunk.hasRemaining()) {
                file.write(chunk, position + written[0] + chunk.position());
            }
            written[0] += read;
            progress.received.addAndGet(read);
        }
    }

    /**
     * Checks the whole file against the digest its first holder announced; without one, notes once that the file is
     * unverified.
     */
    private static void verify(FileChannel file, long length, Optional<ReprDigest> expected, HostAndPort holder,
                               int sources, FileResponse head, FileAnswerReader answer, List<String> notes)
            throws IOException, DownloadException {
        if (expected.isEmpty()) {
            notes.add("peer " + holder + " sent no Repr-Digest: the file is unverified");
            return;
        }
        ReprDigest actual = ReprDigest.of(file, length);
        if (!actual.equals(expected.get())) {
            throw new DownloadException((sources > 1 ? "the ranges from " + sources + " holders make" : holder
                    + " sent") + " a file whose SHA-256 is " + actual.headerValue() + ", not the "
                    + expected.get().headerValue() + " of its Repr-Digest; nothing kept", head, oneOfEachKind(answer),
                    null, true);
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
            download.closeSockets();
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
     * A download under way: its sockets (several when ranges come from several holders), and its part file once
     * there is one. The downloading threads write the counts; the page's thread reads them, through volatile fields
     * and atomics.
     */
    private static final class InProgress {
        private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
        private final int rfcNumber;
        private final HostAndPort holder;
        private volatile Path partFile;
        /** The file's length as the holder announced it; -1 until its head is read, or when it announced none. */
        private volatile long announced = -1;
        private final AtomicLong received = new AtomicLong();
        /** The holders sending ranges now; an ordinary download counts as one. */
        private final AtomicInteger sources = new AtomicInteger();

        InProgress(int rfcNumber, HostAndPort holder) {
            this.rfcNumber = rfcNumber;
            this.holder = holder;
        }

        void closeSockets() {
            for (Socket socket : sockets) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // Closing is all that is left to do with it.
                }
            }
        }

        DownloadProgress snapshot() {
            long total = announced;
            return new DownloadProgress(rfcNumber, holder, received.get(),
                    total < 0 ? OptionalLong.empty() : OptionalLong.of(total), Math.max(1, sources.get()));
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
            progress.received.addAndGet(length);
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
            progress.received.addAndGet(prefix.length);
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
