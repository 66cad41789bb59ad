package net.p2pci.peer;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.library.FolderWatcher;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.library.RfcLibrary.ScanReport;
import net.p2pci.peer.upload.UploadLimits;
import net.p2pci.peer.upload.UploadServer;

/**
 * A running peer's parts: its library, its upload server (already listening), its registration at the index server
 * (which reconnects by itself, unless told not to) and its downloader. Closing it leaves the index and stops the
 * upload server.
 *
 * <p>Thread-safe: the parts are; {@link #close()} may be called from any thread, more than once (the shutdown hook
 * and the main thread may both call it).
 */
public final class Peer implements AutoCloseable {
    private final RfcLibrary library;
    private final List<String> deletedPartFiles;
    private final ScanReport initialScan;
    private final FolderWatcher.Watch folderWatch;
    private final UploadServer uploadServer;
    private final IndexSession index;
    private final Downloader downloader;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Peer(RfcLibrary library, List<String> deletedPartFiles, ScanReport initialScan,
                 FolderWatcher.Watch folderWatch, UploadServer uploadServer, IndexSession index) {
        this.library = library;
        this.deletedPartFiles = deletedPartFiles;
        this.initialScan = initialScan;
        this.folderWatch = folderWatch;
        this.uploadServer = uploadServer;
        this.index = index;
        this.downloader = new Downloader(library, OperatingSystem.description());
    }

    /**
     * Deletes the part files an earlier run left, reads the directory, starts the upload server and connects to the
     * first index server listed that can be reached, in that order, so that the peer can serve before anyone learns
     * of it. Nothing is registered yet. Events of the index connection (lost, back) are only logged.
     *
     * @throws IOException with a one-line message saying which step failed and why; when no index server could be
     *                     reached, an {@link net.p2pci.peer.index.UnreachableIndexException} naming each
     */
    public static Peer start(PeerOptions options) throws IOException {
        return start(options, IndexSession.LOG_ONLY);
    }

    /**
     * As {@link #start(PeerOptions)}, telling {@code indexEvents} when the index connection is lost and when it is
     * back.
     */
    public static Peer start(PeerOptions options, IndexSession.Listener indexEvents) throws IOException {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(indexEvents, "indexEvents");
        RfcLibrary library = RfcLibrary.open(options.directory(), options.allowOutsideLinks(),
                options.maxFileBytes());
        List<String> deletedPartFiles;
        ScanReport scan;
        FolderWatcher.Watch folderWatch = null;
        try {
            deletedPartFiles = library.deleteUnfinishedDownloads();
            // Watched from before the scan, so that the folder's watcher learns of every later change by its events.
            folderWatch = FolderWatcher.Watch.open(library);
            scan = library.scan();
        } catch (IOException e) {
            closeQuietly(folderWatch);
            throw new IOException("cannot read " + options.directory() + ": " + e.getMessage(), e);
        }
        try {
            return start(options, indexEvents, library, deletedPartFiles, scan, folderWatch);
        } catch (IOException | RuntimeException e) {
            folderWatch.close();
            throw e;
        }
    }

    private static Peer start(PeerOptions options, IndexSession.Listener indexEvents, RfcLibrary library,
                              List<String> deletedPartFiles, ScanReport scan, FolderWatcher.Watch folderWatch)
            throws IOException {
        UploadServer uploadServer;
        try {
            // Every interface, so that the peer is reachable at whatever address it registers under.
            uploadServer = UploadServer.start(new InetSocketAddress(options.uploadPort()), library,
                    OperatingSystem.description(),
                    UploadLimits.DEFAULT.withMaxUploadsPerAddress(options.maxUploadsPerAddress()));
        } catch (BindException e) {
            throw new IOException("cannot listen on upload port " + options.uploadPort() + ": " + e.getMessage(), e);
        }
        try {
            IndexSession index = IndexSession.open(options.servers(), options.host(), uploadServer.port(),
                    options.reconnect(), indexEvents);
            return new Peer(library, deletedPartFiles, scan, folderWatch, uploadServer, index);
        } catch (IOException | RuntimeException e) {
            uploadServer.close();
            throw e;
        }
    }

    public RfcLibrary library() {
        return library;
    }

    /** The part files of downloads of an earlier run that were deleted at start-up. */
    public List<String> deletedPartFiles() {
        return deletedPartFiles;
    }

    /** What the directory held at start-up, for the initial registration. */
    public ScanReport initialScan() {
        return initialScan;
    }

    /**
     * The watch on the directory opened before {@link #initialScan}, for the folder's watcher to take over (see
     * {@link FolderWatcher#start(RfcLibrary, FolderWatcher.Settings, FolderWatcher.Listener, List,
     * FolderWatcher.Watch)}); closed with the peer.
     */
    public FolderWatcher.Watch folderWatch() {
        return folderWatch;
    }

    public UploadServer uploadServer() {
        return uploadServer;
    }

    public IndexSession index() {
        return index;
    }

    public Downloader downloader() {
        return downloader;
    }

    /**
     * Ends any download under way, deleting its part file, then leaves the index (its records of this peer vanish),
     * then stops serving. The part file goes first: on SIGTERM this runs in a shutdown hook, and a second signal may
     * cut it short.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            downloader.close();
            index.close();
            uploadServer.close();
            folderWatch.close();
        }
    }

    private static void closeQuietly(FolderWatcher.Watch watch) {
        if (watch != null) {
            watch.close();
        }
    }
}
