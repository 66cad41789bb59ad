package net.p2pci.peer.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.OptionalLong;
import java.util.function.Consumer;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.download.Download;
import net.p2pci.peer.download.DownloadException;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.index.IndexExchange;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.library.RfcFileName;
import net.p2pci.peer.library.FolderWatcher;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.library.RfcLibrary.RfcFile;
import net.p2pci.peer.library.RfcLibrary.ScanReport;
import net.p2pci.peer.library.RfcLibrary.SkippedFile;
import net.p2pci.peer.library.RfcTitleReader;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.GetRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.PeerLine;
import net.p2pci.protocol.Protocol;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import net.p2pci.protocol.TitleWords;
import net.p2pci.protocol.WireText;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs the peer's commands, one line at a time, over its library, index connection and downloader, and prints what
 * happened to the transcript. It is the same for the interactive shell, a piped script and {@code --exec}. The
 * folder's watcher tells it of RFC files that appeared or went, which it registers or withdraws likewise.
 *
 * <p>Thread-safe: one command runs at a time, whoever sent it (the shell's thread, or the peer's web page), since
 * each public method that runs one holds the processor's lock; a command sent meanwhile waits for it to end.
 */
public final class CommandProcessor implements FolderWatcher.Listener {
    private static final Logger LOG = LogManager.getLogger(CommandProcessor.class);
    /**
     * Start-up ADDs on their way at once. 64 keeps the link busy through the round trip (each ADD and its answer
     * are about 100 bytes) while the server's and this peer's socket buffers hold them all with room to spare.
     */
    public static final int REGISTRATION_WINDOW = 64;

    /** The help, which also documents the output: scripts and the README rely on its form. */
    public static final String HELP = """
            Commands (command words in any case; one per line in a script):
              ADD <n> [title]       register RFC n, whose file (rfcN.txt) must be in DIR;
                                    the title defaults to the one read from the file
              LOOKUP <n> [title]    ask the index server which peers hold RFC n
              LIST                  ask the index server for every record
              SEARCH <words>        the records whose titles have every word (whole words, any
                                    case); where the server lacks the SEARCH extension, LIST
                                    filtered here, which one line says
              PEERS                 the active peers, where the server offers PEERS
              WITHDRAW <n>          stop offering RFC n without leaving, where the server offers
                                    WITHDRAW
              GET <n> [host:port]   download RFC n from a holder found by LOOKUP (trying the next
                                    holder if one fails) or from the one given, then ADD it
              HELP                  show this help
              QUIT                  leave the index (its records of this peer vanish) and stop
            Output: each request sent and response received, in wire format with CRLF shown as a
            line break, then one summary line:
              [Peer] ADD RFC <n>: registered
              [Peer] LOOKUP RFC <n>: <k> holder(s) | no holder
              [Peer] LIST: <k> record(s)
              [Peer] SEARCH: <k> record(s) [(cut at the server's limit of <m>)]
              [Peer] SEARCH: the index server has no SEARCH extension; LIST filtered here
              [Peer] PEERS: <k> peer(s)
              [Peer] WITHDRAW RFC <n>: withdrawn | not offered through this connection
              [Peer] Downloading RFC <n> from <host:port>          (before each GET request)
              [Peer] GET RFC <n>: <bytes> bytes in <ms> ms (<rate> MB/s or kB/s), saved as rfc<n>.txt
              [Peer] GET RFC <n> from <host:port> failed: <reason>  (the next holder is tried)
              [Peer] Note: peer <host:port> sent no Repr-Digest: the file is unverified
                                    (a holder that does not offer the digest extension; our peers'
                                    files are checked against their SHA-256 before they are kept,
                                    and a large file held by several peers comes in ranges from
                                    all of them: docs/PROTOCOL.md 9)
            A holder of another implementation that answers GET in a way of its own, but one
            that can be understood, gets one line per way before the GET's summary:
              [Peer] Note: peer <host:port> <how its answer differs>
            A GET then registers the RFC as at start-up: [Peer] Registering RFC <n>: <title>,
            followed by the server's response. A command that fails prints one line,
            [Peer] Error: <reason>, and the peer goes on.
            When the index server goes away, the peer says so at once, reconnects by itself
            (unless started with --no-reconnect) and registers every RFC again:
              [Peer] Lost the index server: <reason>; reconnecting
              [Peer] Reconnected to index <host:port>; registered <k> RFC(s)
            Given several index servers (--server A,B,...), it moves instead to the next one it
            can reach, round the list, and tells the loss and the move in one line once it has
            registered there (wrapped here):
              [Peer] Lost the index server <host:port> (<reason>); connected to <host:port>
                and registered <k> RFC(s) again
            When an attempt on each listed server has failed, it tells the loss alone, goes on
            trying them in turn, and says 'Reconnected' as above once one takes it:
              [Peer] Lost the index server <host:port> (<reason>); none of the <n> listed can
                be reached now; reconnecting
            Until then, commands that need the index fail at once with one line ending in
            '; reconnecting'; an ADD that fails so is registered with the others once back.
            """;

    /** File names or RFC numbers a one-line note lists before it only counts the rest. */
    private static final int NAMES_IN_A_NOTE = 5;
    /** Bytes per megabyte and kilobyte in the printed transfer rate (decimal, as network rates are given). */
    private static final double BYTES_PER_MEGABYTE = 1_000_000.0;
    private static final double BYTES_PER_KILOBYTE = 1_000.0;

    private final RfcLibrary library;
    private final IndexSession index;
    private final Downloader downloader;
    private final Transcript transcript;
    /** Who is told the records of each LIST that succeeds (the peer's web page); nobody unless set. */
    private volatile Consumer<List<RfcRecord>> listings = records -> { };
    /** Who is told of each download from a holder (the peer's web page); nobody unless set. */
    private volatile DownloadWatcher downloads = DownloadWatcher.NONE;
    /** The bar drawn during downloads, on a terminal only; null elsewhere. */
    private volatile ProgressBar progressBar;

    /** Told of each download from a holder, whoever typed or clicked the GET, on the thread that runs it. */
    public interface DownloadWatcher {
        DownloadWatcher NONE = new DownloadWatcher() {
            @Override
            public void started(int rfcNumber, HostAndPort holder) {
            }

            @Override
            public void ended(int rfcNumber, HostAndPort holder, OptionalLong savedBytes) {
            }
        };

        /** Before the GET request goes to {@code holder}. */
        void started(int rfcNumber, HostAndPort holder);

        /** The download from {@code holder} is over: saved, with the file's size, or failed (empty). */
        void ended(int rfcNumber, HostAndPort holder, OptionalLong savedBytes);
    }

    Transcript transcript() {
        return transcript;
    }

    /** What running one command came to. */
    public enum Outcome {
        SUCCEEDED, FAILED, QUIT
    }

    public CommandProcessor(RfcLibrary library, IndexSession index, Downloader downloader, Transcript transcript) {
        this.library = Objects.requireNonNull(library, "library");
        this.index = Objects.requireNonNull(index, "index");
        this.downloader = Objects.requireNonNull(downloader, "downloader");
        this.transcript = Objects.requireNonNull(transcript, "transcript");
    }

    /**
     * Tells {@code reader} the records of every LIST that succeeds from now on, whether typed or asked for by the
     * web page, on the thread that ran it.
     */
    public void reportListingsTo(Consumer<List<RfcRecord>> reader) {
        listings = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Draws a progress bar on {@code terminal} during each download that lasts, erased at its end; for a peer whose
     * standard output is a terminal, never for scripts or pipes, whose output stays as it is.
     */
    public void showProgressOn(PrintStream terminal) {
        progressBar = new ProgressBar(terminal, downloader::progress);
    }

    /** Tells {@code watcher} of every download from now on. */
    public void watchDownloadsWith(DownloadWatcher watcher) {
        downloads = Objects.requireNonNull(watcher, "watcher");
    }

    /** One line naming the part files of an earlier run deleted at start-up, if there were any. */
    public void noteDeletedPartFiles(List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        List<String> shown = names.stream().limit(NAMES_IN_A_NOTE).map(WireText::forLog).toList();
        transcript.note("Deleted %s of an earlier run: %s%s", count(names.size(), "unfinished download"),
                String.join(", ", shown), names.size() > shown.size()
                        ? " and " + (names.size() - shown.size()) + " more" : "");
    }

    /**
     * The start-up registration: one line per skipped directory entry, then for each RFC file
     * {@code [Peer] Registering RFC n: <title>} and the server's response, then a count.
     *
     * @return whether every RFC was registered
     */
    public synchronized boolean registerLibrary(ScanReport report) {
        filesSkipped(report.skipped());
        List<RfcFile> served = report.served();
        if (served.isEmpty()) {
            try {
                index.announce();
            } catch (IOException e) {
                // The connection is gone; the session says so and, reconnecting, announces the peer again.
            }
        }
        int registered = register(served);
        int total = served.size();
        int refused = index.refused().size();
        transcript.note("Registered %s from %s%s", registered == total ? count(total, "RFC")
                : registered + " of " + count(total, "RFC"), library.directory(),
                refused == 0 ? "" : "; the index server refused " + refused + ", retried in the background");
        return registered == total;
    }

    /** One line per entry skipped, saying why. */
    @Override
    public void filesSkipped(List<SkippedFile> skipped) {
        for (SkippedFile file : skipped) {
            transcript.note("Skipping %s: %s", WireText.forLog(file.fileName()), file.reason());
        }
    }

    /**
     * RFC files new in the directory, complete: registered as at start-up, each with its answer, then a count. An
     * RFC registered already (its file came back under another name) is not sent again.
     */
    @Override
    public synchronized void filesAdded(List<RfcFile> files) {
        Set<Integer> registered = index.registered();
        List<RfcFile> fresh = files.stream().filter(file -> !registered.contains(file.number())).toList();
        if (!fresh.isEmpty()) {
            int accepted = register(fresh);
            transcript.note("Registered %s new in %s", accepted == fresh.size() ? count(fresh.size(), "RFC")
                    : accepted + " of " + count(fresh.size(), "RFC"), library.directory());
        }
    }

    /**
     * RFCs whose files went, after the folder's quiet period: those still gone are withdrawn from the index, in one
     * line saying how (a switch-over to a new connection, as the standard protocol has no withdrawal).
     */
    @Override
    public synchronized void filesGone(List<Integer> rfcNumbers) {
        Set<Integer> registered = index.registered();
        List<Integer> gone = rfcNumbers.stream()
                .filter(number -> library.find(number).isEmpty() && registered.contains(number)).toList();
        if (gone.isEmpty() && !index.holdsStaleRecords()) {
            return;
        }
        long started = System.nanoTime();
        try {
            IndexSession.Withdrawn withdrawn = index.withdraw(gone);
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (withdrawn.switchedTo().isPresent()) {
                transcript.note("No longer offering %s: registered %s on a new connection to %s and closed the old"
                        + " one, which takes their records with it (%d ms)", rfcList(withdrawn.dropped()),
                        count(withdrawn.registered(), "RFC"), withdrawn.switchedTo().get(), millis);
            } else if (!withdrawn.withdrawn().isEmpty()) {
                transcript.note("No longer offering %s: withdrawn from the index", rfcList(withdrawn.withdrawn()));
            } else {
                transcript.note("No longer offering %s; the index gets the remaining RFCs when reconnected",
                        rfcList(gone));
            }
        } catch (IOException e) {
            transcript.error("No longer offering " + rfcList(gone) + ", but the index still lists them: a new"
                    + " connection could not take the remaining RFCs (" + e.getMessage() + "); tried again when"
                    + " another file goes");
        }
    }

    @Override
    public void scanFailed(String reason) {
        transcript.error("cannot list " + library.directory() + ": " + reason);
    }

    /** {@code RFC 5} or {@code RFCs 5, 7, 9}. */
    private static String rfcList(List<Integer> numbers) {
        return (numbers.size() == 1 ? "RFC " : "RFCs ")
                + String.join(", ", numbers.stream().map(String::valueOf).toList());
    }

    /**
     * Registers {@code served}, showing each ADD with its answer, and returns how many the server accepted. The
     * ADDs go out back to back, up to a window ahead of their answers, so that a large library costs one round trip
     * per window instead of one per RFC, and the titles are read ahead on a thread of their own; the transcript shows
     * each with its answer, in order.
     */
    private int register(List<RfcFile> served) {
        ArrayDeque<Registering> inFlight = new ArrayDeque<>();
        int registered = 0;
        int next = 0;
        try (Transcript.Batch batch = transcript.batch(); TitlesAhead titles = new TitlesAhead(served)) {
            while (next < served.size() || !inFlight.isEmpty()) {
                if (next < served.size() && inFlight.size() < REGISTRATION_WINDOW) {
                    String title = titles.next(); // first: should it fail, this file is among the rest below
                    RfcFile file = served.get(next++);
                    inFlight.add(new Registering(file.number(), title, index.beginAdd(file.number(), title)));
                } else if (finishRegistering(inFlight.poll())) {
                    registered++;
                }
            }
        } catch (IOException e) {
            transcript.error(e.getMessage());
            // The index connection is gone: every further ADD would fail the same way. Those on their way fail
            // at once; a session that reconnects registers them and the rest along with the others once it is back.
            for (Registering pending = inFlight.poll(); pending != null; pending = inFlight.poll()) {
                try {
                    pending.add().finish();
                } catch (IOException ignored) {
                    // failed like the first; it is remembered for the next connection
                }
            }
            for (RfcFile rest : served.subList(next, served.size())) {
                index.registerWhenReconnected(rest.number(), titleOf(rest.number(), rest.path()));
            }
        }
        return registered;
    }

    /** An RFC of the start-up registration whose ADD is on its way. */
    private record Registering(int number, String title, IndexSession.PendingAdd add) {
    }

    /** Waits for one start-up ADD's answer and shows it as {@link #register} does; true when it was accepted. */
    private boolean finishRegistering(Registering pending) throws IOException {
        IndexExchange exchange = pending.add().finish();
        transcript.noteText("Registering RFC " + pending.number() + ": " + pending.title());
        transcript.message(exchange.response());
        if (exchange.response().status() != Status.OK_200) {
            reportRefusal(pending.number(), exchange.response());
            return false;
        }
        return true;
    }

    /** Parses and runs one line; errors are printed, never thrown. */
    public synchronized Outcome execute(String line) {
        Optional<Command> parsed;
        try {
            parsed = CommandParser.parse(line);
        } catch (CommandSyntaxException e) {
            transcript.error(e.getMessage());
            return Outcome.FAILED;
        }
        if (parsed.isEmpty()) {
            return Outcome.SUCCEEDED;
        }
        try {
            return switch (parsed.get()) {
                case Command.Add add -> add(add);
                case Command.Lookup lookup -> lookup(lookup);
                case Command.ListAll list -> list().isPresent() ? Outcome.SUCCEEDED : Outcome.FAILED;
                case Command.Search search -> search(search.words()).isPresent() ? Outcome.SUCCEEDED : Outcome.FAILED;
                case Command.Peers peers -> askPeers(true).filter(PeerList::offered).isPresent()
                        ? Outcome.SUCCEEDED : Outcome.FAILED;
                case Command.Withdraw withdraw -> withdraw(withdraw);
                case Command.Get get -> get(get);
                case Command.Help help -> {
                    transcript.text(HELP);
                    yield Outcome.SUCCEEDED;
                }
                case Command.Quit quit -> Outcome.QUIT;
            };
        } catch (IOException e) {
            transcript.error(e.getMessage());
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            LOG.error("Command failed: {}", WireText.forLog(line), e);
            transcript.error("internal error: " + e);
            return Outcome.FAILED;
        }
    }

    private Outcome add(Command.Add add) throws IOException {
        int number = add.rfcNumber();
        library.scan(); // the user may have put the file there since start-up
        Optional<Path> file = library.find(number);
        if (file.isEmpty()) {
            transcript.error("RFC " + number + " is not in " + library.directory() + " (expected a file such as "
                    + RfcFileName.canonical(number) + ")");
            return Outcome.FAILED;
        }
        String title = add.title().orElseGet(() -> titleOf(number, file.get()));
        IndexExchange exchange = index.add(number, title);
        print(exchange);
        if (exchange.response().status() != Status.OK_200) {
            reportRefusal(number, exchange.response());
            return Outcome.FAILED;
        }
        transcript.note("ADD RFC %d: registered", number);
        return Outcome.SUCCEEDED;
    }

    private Outcome lookup(Command.Lookup lookup) throws IOException {
        IndexExchange exchange = index.lookup(lookup.rfcNumber(), lookup.title());
        print(exchange);
        IndexResponse response = exchange.response();
        return switch (response.status()) {
            case OK_200 -> {
                transcript.note("LOOKUP RFC %d: %s", lookup.rfcNumber(), count(response.records().size(), "holder"));
                yield Outcome.SUCCEEDED;
            }
            case NOT_FOUND_404 -> {
                transcript.note("LOOKUP RFC %d: no holder", lookup.rfcNumber());
                yield Outcome.SUCCEEDED;
            }
            default -> {
                // Some servers refuse a LOOKUP without Title (docs/INTEROP.md, row 18); the person can give one.
                String hint = response.status() == Status.BAD_REQUEST_400 && lookup.title().isEmpty()
                        ? " (some index servers need the title too: LOOKUP " + lookup.rfcNumber() + " <title>)" : "";
                transcript.error("LOOKUP RFC " + lookup.rfcNumber() + ": the server answered " + response.status()
                        + hint);
                yield Outcome.FAILED;
            }
        };
    }

    /**
     * Runs LIST as the typed command does, printing the same lines, and gives its records: the web page's index.
     *
     * @return empty when it failed, as its error line says
     */
    public synchronized Optional<List<RfcRecord>> listRecords() {
        try {
            return list();
        } catch (IOException e) {
            transcript.error(e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<List<RfcRecord>> list() throws IOException {
        IndexExchange exchange = index.list();
        print(exchange);
        IndexResponse response = exchange.response();
        if (response.status() != Status.OK_200) {
            transcript.error("LIST: the server answered " + response.status());
            return Optional.empty();
        }
        transcript.note("LIST: %s", count(response.records().size(), "record"));
        listings.accept(response.records());
        return Optional.of(response.records());
    }

    /**
     * What a SEARCH found, and how: through the server's SEARCH extension (which may have cut the answer at its
     * limit), or, where the server has none, through LIST filtered here by the same rule. Immutable.
     *
     * @param limit the server's cap on the answer, as it said it; empty in a fallback or when it said none
     */
    public record SearchResult(List<RfcRecord> records, boolean throughExtension, boolean truncated,
            Optional<String> limit) {
        public SearchResult {
            records = List.copyOf(records);
        }
    }

    /**
     * The active peers as PEERS answered them, or, where the server has no PEERS extension, none and
     * {@code offered} false. Immutable.
     */
    public record PeerList(boolean offered, List<PeerLine> peers) {
        public PeerList {
            peers = List.copyOf(peers);
        }
    }

    /**
     * Runs SEARCH as the typed command does, printing the same lines, and gives what it found: the web page's
     * search.
     *
     * @param words 1 to {@link Extensions#MAX_SEARCH_WORDS} words of letters and digits
     * @return empty when it failed, as its error line says
     * @throws IllegalArgumentException when {@code words} are not a search's words
     */
    public synchronized Optional<SearchResult> searchRecords(String words) {
        int count = TitleWords.of(words).size();
        if (count == 0 || count > Extensions.MAX_SEARCH_WORDS) {
            throw new IllegalArgumentException("a search takes 1 to " + Extensions.MAX_SEARCH_WORDS
                    + " words of letters and digits");
        }
        try {
            return search(words);
        } catch (IOException e) {
            transcript.error(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Runs PEERS as the typed command does, printing the same lines (but no error where the server lacks PEERS:
     * the page asks without being told to), and gives its answer: the web page's table of peers.
     *
     * @return empty when it failed, as its error line says
     */
    public synchronized Optional<PeerList> listPeers() {
        try {
            return askPeers(false);
        } catch (IOException e) {
            transcript.error(e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * SEARCH through the extension where the server offers it; else LIST, filtered here by the same rule the server
     * applies, said in one line first.
     */
    private Optional<SearchResult> search(String text) throws IOException {
        Optional<IndexExchange> searched = index.search(text);
        if (searched.isEmpty()) {
            transcript.note("SEARCH: the index server has no SEARCH extension; LIST filtered here");
            IndexExchange exchange = index.list();
            transcript.message(exchange.request());
            IndexResponse response = exchange.response();
            if (response.status() != Status.OK_200) {
                transcript.error("SEARCH: LIST answered " + response.status());
                return Optional.empty();
            }
            List<String> words = TitleWords.of(text);
            List<RfcRecord> found = response.records().stream()
                    .filter(record -> TitleWords.matchesAll(record.title(), words)).toList();
            transcript.message(IndexResponse.ok(found)); // the records LIST answered that match, not all of them
            transcript.note("SEARCH: %s", count(found.size(), "record"));
            return Optional.of(new SearchResult(found, false, false, Optional.empty()));
        }
        if (!printAnswered("SEARCH", searched.get())) {
            return Optional.empty();
        }
        IndexResponse response = searched.get().response();
        Optional<String> limit = Optional.ofNullable(response.header(Extensions.LIMIT_HEADER));
        boolean truncated = response.header(Extensions.TRUNCATED_HEADER) != null;
        String cut = truncated
                ? " (cut at the server's limit of " + WireText.forLog(limit.orElse("null")) + ")" : "";
        transcript.note("SEARCH: %s%s", count(response.records().size(), "record"), cut);
        return Optional.of(new SearchResult(response.records(), true, truncated, limit));
    }

    /** PEERS; where the server has no PEERS extension, an error line if {@code typed}, and nothing else. */
    private Optional<PeerList> askPeers(boolean typed) throws IOException {
        Optional<IndexExchange> asked = index.peers();
        if (asked.isEmpty()) {
            if (typed) {
                transcript.error("PEERS: the index server has no PEERS extension");
            }
            return Optional.of(new PeerList(false, List.of()));
        }
        if (!printAnswered("PEERS", asked.get())) {
            return Optional.empty();
        }
        List<PeerLine> peers = asked.get().response().peers();
        transcript.note("PEERS: %s", count(peers.size(), "peer"));
        return Optional.of(new PeerList(true, peers));
    }

    /** Prints {@code exchange}; false, with an error line, when the server answered other than 200. */
    private boolean printAnswered(String what, IndexExchange exchange) {
        print(exchange);
        Status status = exchange.response().status();
        if (status != Status.OK_200) {
            transcript.error(what + ": the server answered " + status);
            return false;
        }
        return true;
    }

    private Outcome withdraw(Command.Withdraw withdraw) throws IOException {
        int number = withdraw.rfcNumber();
        Optional<IndexExchange> asked = index.withdraw(number);
        if (asked.isEmpty()) {
            transcript.error("WITHDRAW RFC " + number + ": the index server has no WITHDRAW extension; the RFC stays"
                    + " registered until this peer leaves");
            return Outcome.FAILED;
        }
        print(asked.get());
        Status status = asked.get().response().status();
        if (status == Status.OK_200 || status == Status.NOT_FOUND_404) {
            transcript.note("WITHDRAW RFC %d: %s", number, status == Status.OK_200 ? "withdrawn"
                    : "not offered through this connection");
            return Outcome.SUCCEEDED;
        }
        transcript.error("WITHDRAW RFC " + number + ": the server answered " + status);
        return Outcome.FAILED;
    }

    private Outcome get(Command.Get get) throws IOException {
        int number = get.rfcNumber();
        Optional<Path> existing = library.find(number).filter(Files::exists);
        if (existing.isPresent()) {
            transcript.error("RFC " + number + " is already here as " + existing.get().getFileName());
            return Outcome.FAILED;
        }
        Map<HostAndPort, String> holders = new LinkedHashMap<>();
        if (get.holder().isPresent()) {
            holders.put(get.holder().get(), null);
        } else {
            IndexResponse answer = index.lookup(number, Optional.empty()).response();
            if (answer.status() != Status.OK_200 && answer.status() != Status.NOT_FOUND_404) {
                transcript.error("GET RFC " + number + ": LOOKUP answered " + answer.status());
                return Outcome.FAILED;
            }
            for (RfcRecord record : answer.records()) {
                HostAndPort holder = new HostAndPort(record.host(), record.port());
                if (!holder.equals(index.self())) {
                    holders.putIfAbsent(holder, record.title());
                }
            }
            if (holders.isEmpty()) {
                transcript.error("GET RFC " + number + ": no other peer holds it");
                return Outcome.FAILED;
            }
        }

        List<HostAndPort> candidates = new ArrayList<>(holders.keySet());
        // Holders that may send ranges of a large file alongside the one asked first; after a file from several
        // did not match its digest, nobody can tell whose ranges were wrong, so each is then asked alone.
        boolean severalAtOnce = true;
        for (HostAndPort holder : candidates) {
            transcript.note("Downloading RFC %d from %s", number, holder);
            GetRequest request = downloader.requestFor(number, holder);
            transcript.message(request);
            Download download;
            DownloadWatcher watcher = downloads;
            watcher.started(number, holder);
            ProgressBar bar = progressBar;
            if (bar != null) {
                bar.start(number);
            }
            try {
                download = downloader.download(holder, request, severalAtOnce
                        ? candidates.stream().filter(other -> !other.equals(holder)).toList() : List.of());
            } catch (DownloadException e) {
                if (bar != null) {
                    bar.stop();
                }
                watcher.ended(number, holder, OptionalLong.empty());
                e.head().ifPresent(transcript::message);
                noteDeviations(holder, e.deviations());
                transcript.note("GET RFC %d from %s failed: %s", number, holder, e.getMessage());
                severalAtOnce &= !e.digestMismatch();
                continue;
            }
            if (bar != null) {
                bar.stop();
            }
            watcher.ended(number, holder, OptionalLong.of(download.bytes()));
            transcript.message(download.head());
            noteDeviations(holder, download.deviations());
            download.notes().forEach(note -> transcript.note("Note: %s", note));
            transcript.note("GET RFC %d: %d bytes in %s, saved as %s", number, download.bytes(),
                    timeAndRate(download.bytes(), download.elapsed()), download.file().getFileName());
            String title = Optional.ofNullable(holders.get(holder))
                    .orElseGet(() -> titleOf(number, download.file()));
            return register(number, title) ? Outcome.SUCCEEDED : Outcome.FAILED;
        }
        transcript.error("GET RFC " + number + ": no holder could send it (tried " + count(candidates.size(), "holder")
                + ")");
        return Outcome.FAILED;
    }

    /** One note per way in which a holder's answer differed from docs/PROTOCOL.md (one of each kind, as given). */
    private void noteDeviations(HostAndPort holder, List<AnswerDeviation> deviations) {
        for (AnswerDeviation deviation : deviations) {
            transcript.note("Note: peer %s %s", holder, deviation.describe());
        }
    }

    /** ADDs one RFC as at start-up: a line naming it, then the server's response. */
    private boolean register(int number, String title) throws IOException {
        transcript.note("Registering RFC %d: %s", number, title);
        IndexExchange exchange = index.add(number, title);
        transcript.message(exchange.response());
        if (exchange.response().status() != Status.OK_200) {
            reportRefusal(number, exchange.response());
            return false;
        }
        return true;
    }

    /** One line for an ADD the server refused: what it answered, and what the peer does about it. */
    private void reportRefusal(int number, IndexResponse response) {
        transcript.error("ADD RFC " + number + " refused: the index server answered " + statusLine(response)
                + (index.reconnects() ? "; retrying in the background" : "; not retried (--no-reconnect)"));
    }

    /** The status line of a response as received, made safe for the terminal. */
    static String statusLine(IndexResponse response) {
        return WireText.forLog(Protocol.VERSION + " " + response.status());
    }

    /** RFC numbers for a one-line note: the first few of many, then how many more. */
    static String numbers(List<Integer> numbers) {
        List<String> shown = numbers.stream().limit(NAMES_IN_A_NOTE).map(String::valueOf).toList();
        return "RFC " + String.join(", ", shown) + (numbers.size() > shown.size()
                ? " and " + (numbers.size() - shown.size()) + " more" : "");
    }

    /** The title read from the file, or {@code RFC n} when it has none (or cannot be read). */
    public static String titleOf(int number, Path file) {
        try {
            Optional<String> title = RfcTitleReader.readTitle(file).filter(WireText::isTitle);
            if (title.isPresent()) {
                return title.get();
            }
        } catch (IOException e) {
            LOG.warn("Could not read the title of {}: {}", file, e.toString());
        }
        return RfcTitleReader.fallbackTitle(number);
    }

    private void print(IndexExchange exchange) {
        transcript.message(exchange.request());
        transcript.message(exchange.response());
    }

    private static String timeAndRate(long bytes, Duration elapsed) {
        double seconds = Math.max(elapsed.toNanos(), 1) / 1e9;
        double bytesPerSecond = bytes / seconds;
        // Small RFCs arrive at well under a megabyte a second; "0.0 MB/s" would say nothing.
        String rate = bytesPerSecond >= BYTES_PER_MEGABYTE
                ? String.format(Locale.ROOT, "%.1f MB/s", bytesPerSecond / BYTES_PER_MEGABYTE)
                : String.format(Locale.ROOT, "%.1f kB/s", bytesPerSecond / BYTES_PER_KILOBYTE);
        return elapsed.toMillis() + " ms (" + rate + ")";
    }

    static String count(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
