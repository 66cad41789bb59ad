package net.p2pci.peer;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import net.p2pci.peer.PeerOptions.BadOptionsException;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.cli.ConnectionNotes;
import net.p2pci.peer.cli.Shell;
import net.p2pci.peer.cli.Transcript;
import net.p2pci.peer.index.ConnectFailure;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.library.FolderWatcher;
import net.p2pci.peer.web.PageServer;
import net.p2pci.peer.web.PageSettings;
import net.p2pci.peer.web.TranscriptFeed;
import net.p2pci.protocol.PortFile;
import net.p2pci.protocol.Protocol;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The {@code rfc-peer} program: parses the options, starts a {@link Peer} (and its web page, with
 * {@code --http-port}), registers its RFCs, runs the commands (from {@code --exec}, a piped script or an interactive
 * shell; the page's clicks run through the same processor) and leaves. SIGTERM leaves too, through a shutdown hook.
 *
 * <p>Thread-safe for its one cross-thread use: the shutdown hook reads the running peer through a volatile field.
 */
public final class RfcPeer {
    /** Everything done; every command that ran succeeded. */
    public static final int EXIT_OK = 0;
    /** The peer could not start, or a command from --exec or a script failed. */
    public static final int EXIT_FAILURE = 1;
    /** The options were wrong; nothing was started. */
    public static final int EXIT_USAGE = 2;
    /** The system property that log4j2.xml reads to log to a file instead of stderr. */
    static final String LOG_FILE_PROPERTY = "p2pci.log.file";

    /** Created with the class, so that logging is up before the shutdown hook could be the first to use it. */
    private static final Logger LOG = LogManager.getLogger(RfcPeer.class);

    /** Buffer of the UTF-8 stdout stream; it is flushed at every line. */
    private static final int STDOUT_BUFFER_BYTES = 8192;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean interactive;
    private volatile Peer running;
    /** The running peer's transcript, flushed when the peer leaves (on SIGTERM too), so that no line is lost. */
    private volatile Transcript transcript;

    /**
     * @param interactive whether {@code in} is a terminal a person types at, which gets the line-editing shell
     */
    public RfcPeer(InputStream in, PrintStream out, PrintStream err, boolean interactive) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        // Titles are UTF-8 on the wire and are shown as such, whatever the platform's console encoding.
        PrintStream stdout = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out),
                STDOUT_BUFFER_BYTES), true, StandardCharsets.UTF_8);
        RfcPeer program = new RfcPeer(System.in, stdout, System.err, Shell.isInteractive());
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("rfc-peer-shutdown").unstarted(() -> {
            program.leave();
            LogManager.shutdown();
        }));
        int status = program.run(args);
        stdout.flush();
        System.exit(status);
    }

    /** Runs the program to its end and returns its exit status. */
    public int run(String... args) {
        Invocation invocation;
        try {
            invocation = PeerOptions.parse(args);
        } catch (BadOptionsException e) {
            err.println("rfc-peer: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        return switch (invocation) {
            case Invocation.ShowHelp help -> {
                out.print(PeerOptions.helpText());
                out.flush();
                yield EXIT_OK;
            }
            case Invocation.ShowVersion version -> {
                out.println("rfc-peer " + version() + " (" + Protocol.VERSION + ")");
                yield EXIT_OK;
            }
            case PeerOptions options -> runPeer(options);
        };
    }

    private int runPeer(PeerOptions options) {
        options.logFile().ifPresent(RfcPeer::logTo);
        Transcript transcript = new Transcript(out);
        this.transcript = transcript;
        // The page shows the transcript from its first line, whenever it is opened.
        Optional<TranscriptFeed> feed = options.page().map(settings -> new TranscriptFeed());
        feed.ifPresent(lines -> transcript.copyLinesTo(lines::add));
        Peer peer;
        try {
            peer = Peer.start(options, new ConnectionNotes(transcript));
        } catch (IOException e) {
            LOG.debug("The peer could not start", e);
            err.println("rfc-peer: " + e.getMessage());
            return EXIT_FAILURE;
        }
        running = peer;
        PageServer page = null;
        FolderWatcher watcher = null;
        try {
            IndexSession index = peer.index();
            transcript.note("Upload server listening on %s", new HostAndPort(index.host(), peer.uploadServer().port()));
            if (options.portFile().isPresent()) {
                writePortFile(options.portFile().get(), peer.uploadServer().port());
            }
            for (ConnectFailure unreachable : index.unreachableAtStart()) {
                transcript.note("Could not reach the index server %s; trying the next", unreachable);
            }
            transcript.note("Connected to index %s as %s", index.server(), index.self());
            CommandProcessor processor = new CommandProcessor(peer.library(), index, peer.downloader(), transcript);
            if (interactive) {
                processor.showProgressOn(out); // a terminal: scripts and pipes keep their output as it is
            }
            if (options.page().isPresent()) {
                page = startPage(options.page().get(), new PageServer.Parts(peer.library(), index, peer.downloader(),
                        processor), feed.orElseThrow());
                transcript.note("Web page on %s", page.url());
            }
            processor.noteDeletedPartFiles(peer.deletedPartFiles());
            processor.registerLibrary(peer.initialScan());
            watcher = FolderWatcher.start(peer.library(), options.watch(), processor, peer.initialScan().skipped(),
                    peer.folderWatch());
            Shell shell = new Shell(processor);
            boolean succeeded;
            if (!options.commands().isEmpty()) {
                succeeded = shell.runCommands(options.commands());
            } else if (interactive) {
                shell.runInteractive();
                succeeded = true;
            } else {
                succeeded = shell.runScript(in);
            }
            return succeeded ? EXIT_OK : EXIT_FAILURE;
        } catch (IOException e) {
            err.println("rfc-peer: " + e.getMessage());
            return EXIT_FAILURE;
        } finally {
            if (watcher != null) {
                watcher.close();
            }
            if (page != null) {
                page.close();
            }
            leave();
            transcript.note("Left the index and stopped the upload server");
            transcript.flush(); // lines a batch of another thread (the folder's watcher) may still hold
        }
    }

    private static PageServer startPage(PageSettings settings, PageServer.Parts parts, TranscriptFeed feed)
            throws IOException {
        try {
            return PageServer.start(settings, parts, feed);
        } catch (IOException e) {
            throw new IOException("cannot serve the web page on " + settings.bindAddress().getHostAddress() + " port "
                    + settings.port() + ": " + e.getMessage(), e);
        }
    }

    private static void writePortFile(Path file, int port) throws IOException {
        try {
            PortFile.write(file, port);
        } catch (IOException e) {
            throw new IOException("cannot write the port file: " + e, e);
        }
    }

    /** Switches logging to the file: log4j2.xml picks its appender by this property, read again on reconfiguring. */
    private static void logTo(Path file) {
        System.setProperty(LOG_FILE_PROPERTY, file.toString());
        Configurator.reconfigure();
    }

    /** Closes the running peer, if any: from the main thread at the end, or from the shutdown hook on SIGTERM. */
    private void leave() {
        Peer peer = running;
        if (peer != null) {
            peer.close();
        }
        Transcript lines = transcript;
        if (lines != null) {
            lines.flush();
        }
    }

    private static String version() {
        String version = RfcPeer.class.getPackage().getImplementationVersion();
        return version != null ? version : "(development build)";
    }
}
