package net.p2pci.peer;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import net.p2pci.peer.cli.CommandProcessor;
import net.p2pci.peer.download.Downloader;
import net.p2pci.peer.index.IndexClient;
import net.p2pci.peer.index.IndexSession;
import net.p2pci.peer.library.FolderWatcher;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.upload.UploadLimits;
import net.p2pci.peer.web.PageSettings;
import net.p2pci.protocol.Protocol;
import net.p2pci.protocol.WireText;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The peer's command-line options, checked: what {@code rfc-peer --server HOST[:PORT][,...] --dir DIR ...} asked
 * for.
 *
 * @param servers    the index servers, in the order to try them: at least one, none twice
 * @param directory  the existing directory whose RFC files are shared and into which downloads go
 * @param uploadPort the upload server's port; 0 takes any free port
 * @param host       the host name to register under, if not the local address of the index connection
 * @param commands   the {@code --exec} commands, in order; empty to read commands from stdin
 * @param reconnect  whether to reconnect, and register every RFC again, when the index connection is lost
 * @param logFile    the file that diagnostics are appended to instead of stderr, if any
 * @param allowOutsideLinks whether RFC files that are symbolic links to files outside the directory are offered
 * @param maxUploadsPerAddress the most upload connections served at once to one address
 * @param portFile   the file the upload server's port is written to once it listens, for whoever started the peer
 * @param page       where the peer's web page listens, if it is on ({@code --http-port})
 * @param watch      how the directory is followed while the peer runs
 * @param maxFileBytes the largest RFC file offered
 */
public record PeerOptions(List<HostAndPort> servers, Path directory, int uploadPort, Optional<String> host,
                          List<String> commands, boolean reconnect, Optional<Path> logFile,
                          boolean allowOutsideLinks, int maxUploadsPerAddress, Optional<Path> portFile,
                          Optional<PageSettings> page, FolderWatcher.Settings watch, long maxFileBytes)
        implements Invocation {
    public static final String USAGE = "rfc-peer --server HOST[:PORT][,HOST[:PORT]]... --dir DIR [--upload-port N]"
            + " [--host NAME] [--no-reconnect] [--allow-outside-links] [--max-uploads-per-address COUNT]"
            + " [--log-file PATH] [--port-file PATH] [--http-port N [--http-bind ADDRESS]] [--max-file-mib N]"
            + " [--rescan-seconds N] [--settle-ms N] [--quiet-ms N] [--exec CMD]...";
    /** Bytes in the mebibyte of --max-file-mib. */
    private static final long BYTES_PER_MIB = 1024 * 1024;
    /** The largest --max-file-mib: a cap beyond any file a peer could download (Downloader.MAX_DOWNLOAD_BYTES). */
    public static final long MAX_FILE_MIB = 1024;
    /** The longest period any of the watch options takes: a day, beyond which the folder is simply not followed. */
    private static final long LONGEST_WATCH_MILLIS = Duration.ofDays(1).toMillis();

    /** Columns of the --help text. */
    private static final int HELP_WIDTH = 100;
    private static final int HIGHEST_PORT = 65_535;

    private static final Option SERVER = Option.builder("s").longOpt("server").hasArg().argName("HOST[:PORT][,...]")
            .desc("the index server to register with (port " + Protocol.DEFAULT_SERVER_PORT + " if not given), or"
                    + " several, separated by commas, for servers that share one index: the peer connects to the first"
                    + " it can reach, in the order given, and when it loses that one it moves to the next it can"
                    + " reach, round the list (back to the one lost if need be), and registers every RFC again")
            .build();
    private static final Option DIR = Option.builder("d").longOpt("dir").hasArg().argName("DIR")
            .desc("the directory whose RFC files (rfcN.txt) are shared, and where downloads are saved").build();
    private static final Option UPLOAD_PORT = Option.builder("p").longOpt("upload-port").hasArg().argName("N")
            .desc("the upload server's port (default 0: any free port)").build();
    private static final Option HOST = Option.builder().longOpt("host").hasArg().argName("NAME")
            .desc("the host name other peers download from (default: this machine's address on its connection"
                    + " to the index server)").build();
    private static final Option EXEC = Option.builder("e").longOpt("exec").hasArg().argName("CMD")
            .desc("run CMD after start-up, then leave; repeat to run several in order").build();
    private static final Option LOG_FILE = Option.builder().longOpt("log-file").hasArg().argName("PATH")
            .desc("append diagnostics to PATH, with timestamps, instead of printing them on stderr").build();
    private static final Option PORT_FILE = Option.builder().longOpt("port-file").hasArg().argName("PATH")
            .desc("once the upload server listens, write its port to PATH (decimal, then a newline; the file appears"
                    + " whole), for a program that started this one").build();
    private static final Option NO_RECONNECT = Option.builder().longOpt("no-reconnect")
            .desc("retry nothing: when the connection to the index server is lost or refused, stay disconnected"
                    + " (commands that need the index fail from then on, and no other listed server is tried), and"
                    + " forget an RFC whose ADD the server refuses. By default the peer reconnects (to the"
                    + " next listed server, if several) after a random wait of at most "
                    + IndexSession.RECONNECT_INITIAL_DELAY.toMillis() + " ms, doubling with each failed attempt up to "
                    + IndexSession.RECONNECT_MAX_DELAY.toSeconds() + " s, and registers every RFC again; and it sends"
                    + " a refused ADD again after a random wait of at most "
                    + IndexSession.REGISTRATION_RETRY_INITIAL_DELAY.toSeconds() + " s, doubling up to "
                    + IndexSession.REGISTRATION_RETRY_MAX_DELAY.toSeconds() + " s, until the server takes it. Either"
                    + " way, the peer stops at start-up when no listed server can be reached at all, so that a wrong"
                    + " address shows at once").build();
    private static final Option ALLOW_OUTSIDE_LINKS = Option.builder().longOpt("allow-outside-links")
            .desc("also offer RFC files that are symbolic links to files outside DIR (by default they are skipped,"
                    + " and a link that leads out of DIR by the time its file is asked for gets 404)").build();
    private static final Option MAX_UPLOADS_PER_ADDRESS = Option.builder().longOpt("max-uploads-per-address")
            .hasArg().argName("COUNT")
            .desc("the most downloads served at once to one address (for IPv6, one /64 network); more connections"
                    + " from it are answered 400 and closed (default " + UploadLimits.DEFAULT_MAX_UPLOADS_PER_ADDRESS
                    + ", of " + UploadLimits.DEFAULT_MAX_CONCURRENT_UPLOADS + " in all; a connection must send its"
                    + " whole GET within " + UploadLimits.DEFAULT_REQUEST_TIMEOUT.toSeconds() + " s)").build();
    private static final Option HTTP_PORT = Option.builder().longOpt("http-port").hasArg().argName("N")
            .desc("also serve this peer's web page on port N (0: any free port; the peer prints the address): its"
                    + " RFCs, the index with search (the index server's SEARCH where it offers it, else the last LIST"
                    + " filtered here), the active peers (PEERS, where offered), a download button per record with its"
                    + " progress, and the transcript as it is printed. Clicks on the page run the same commands as the shell. Off unless"
                    + " given").build();
    private static final Option HTTP_BIND = Option.builder().longOpt("http-bind").hasArg().argName("ADDRESS")
            .desc("the address the web page listens on (default " + PageSettings.DEFAULT_BIND.getHostAddress()
                    + ", this machine only: the page starts downloads, so it is not open to the network unless"
                    + " asked, e.g. 0.0.0.0; it has no password)").build();
    private static final Option MAX_FILE_MIB_OPTION = Option.builder().longOpt("max-file-mib").hasArg().argName("N")
            .desc("offer no RFC file larger than N MiB (1 to " + MAX_FILE_MIB + "); a larger one is skipped with a line saying so (default "
                    + RfcLibrary.DEFAULT_MAX_FILE_MIB + ", the most a peer of ours downloads)").build();
    private static final Option RESCAN_SECONDS = Option.builder().longOpt("rescan-seconds").hasArg().argName("N")
            .desc("list DIR again every N s whatever the file system reports, for where its change events are"
                    + " unreliable (default " + FolderWatcher.Settings.DEFAULT_RESCAN.toSeconds() + "; changes it"
                    + " reports are seen at once)").build();
    private static final Option SETTLE_MS = Option.builder().longOpt("settle-ms").hasArg().argName("N")
            .desc("a new or changed RFC file counts as complete, and is registered and served, once its size and"
                    + " modification time have stayed the same for N ms (default "
                    + FolderWatcher.Settings.DEFAULT_SETTLE.toMillis() + ")").build();
    private static final Option QUIET_MS = Option.builder().longOpt("quiet-ms").hasArg().argName("N")
            .desc("once RFC files have gone (deleted, renamed away) and no other has gone for N ms, register the"
                    + " remaining RFCs on a new index connection and close the old one, which takes the gone RFCs'"
                    + " records with it (default " + FolderWatcher.Settings.DEFAULT_QUIET.toMillis() + ")").build();
    private static final Option HELP = Option.builder("h").longOpt("help").desc("show this help and exit").build();
    private static final Option VERSION = Option.builder("V").longOpt("version").desc("show the version and exit")
            .build();
    private static final Options OPTIONS = new Options()
            .addOption(SERVER).addOption(DIR).addOption(UPLOAD_PORT).addOption(HOST).addOption(NO_RECONNECT)
            .addOption(ALLOW_OUTSIDE_LINKS).addOption(MAX_UPLOADS_PER_ADDRESS).addOption(LOG_FILE)
            .addOption(PORT_FILE).addOption(HTTP_PORT).addOption(HTTP_BIND).addOption(MAX_FILE_MIB_OPTION)
            .addOption(RESCAN_SECONDS).addOption(SETTLE_MS).addOption(QUIET_MS).addOption(EXEC).addOption(HELP)
            .addOption(VERSION);

    public PeerOptions {
        servers = List.copyOf(servers);
        if (servers.isEmpty() || Set.copyOf(servers).size() < servers.size()) {
            throw new IllegalArgumentException("index servers must be one or more, none twice: " + servers);
        }
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(host, "host");
        commands = List.copyOf(commands);
        Objects.requireNonNull(logFile, "logFile");
        Objects.requireNonNull(portFile, "portFile");
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(watch, "watch");
        if (maxFileBytes < 1) {
            throw new IllegalArgumentException("maxFileBytes must be 1 or more: " + maxFileBytes);
        }
    }

    /** Options of a peer that logs to stderr and offers no symbolic link out of its directory. */
    public PeerOptions(List<HostAndPort> servers, Path directory, int uploadPort, Optional<String> host,
                       List<String> commands, boolean reconnect) {
        this(servers, directory, uploadPort, host, commands, reconnect, Optional.empty(), false,
                UploadLimits.DEFAULT_MAX_UPLOADS_PER_ADDRESS, Optional.empty(), Optional.empty(),
                FolderWatcher.Settings.DEFAULT, RfcLibrary.DEFAULT_MAX_FILE_MIB * BYTES_PER_MIB);
    }

    /** Options of a peer that reconnects, as it does unless {@code --no-reconnect} is given. */
    public PeerOptions(List<HostAndPort> servers, Path directory, int uploadPort, Optional<String> host,
                       List<String> commands) {
        this(servers, directory, uploadPort, host, commands, true);
    }

    /** Options that cannot be run; the message is the one-line error. */
    public static final class BadOptionsException extends Exception {
        public BadOptionsException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Parses and checks the arguments: required options present, numbers in range, the directory existing.
     *
     * @throws BadOptionsException with a one-line message naming the offending option
     */
    public static Invocation parse(String... args) throws BadOptionsException {
        CommandLine line;
        try {
            line = DefaultParser.builder().build().parse(OPTIONS, args);
        } catch (MissingArgumentException e) {
            throw new BadOptionsException("--" + e.getOption().getLongOpt() + " needs a value: "
                    + e.getOption().getArgName());
        } catch (ParseException e) {
            throw new BadOptionsException(e.getMessage());
        }
        if (line.hasOption(HELP)) {
            return new Invocation.ShowHelp();
        }
        if (line.hasOption(VERSION)) {
            return new Invocation.ShowVersion();
        }
        if (!line.getArgList().isEmpty()) {
            throw new BadOptionsException("unexpected argument: " + WireText.forLog(line.getArgList().getFirst()));
        }
        for (Option option : List.of(SERVER, DIR, UPLOAD_PORT, HOST, LOG_FILE, PORT_FILE, MAX_UPLOADS_PER_ADDRESS,
                HTTP_PORT, HTTP_BIND, MAX_FILE_MIB_OPTION, RESCAN_SECONDS, SETTLE_MS, QUIET_MS)) {
            String[] values = line.getOptionValues(option);
            if (values != null && values.length > 1) {
                throw new BadOptionsException("--" + option.getLongOpt() + " given more than once");
            }
        }
        String serverList = required(line, SERVER);
        String dir = required(line, DIR);

        List<HostAndPort> servers = servers(serverList);
        Path directory;
        try {
            directory = Path.of(dir);
        } catch (InvalidPathException e) {
            throw new BadOptionsException("--dir: not a path: " + WireText.forLog(dir));
        }
        if (!Files.isDirectory(directory)) {
            throw new BadOptionsException("--dir: not a directory: " + WireText.forLog(dir));
        }
        int uploadPort = port(UPLOAD_PORT, line.getOptionValue(UPLOAD_PORT, "0"));
        int maxUploadsPerAddress = count(MAX_UPLOADS_PER_ADDRESS, line.getOptionValue(MAX_UPLOADS_PER_ADDRESS,
                Integer.toString(UploadLimits.DEFAULT_MAX_UPLOADS_PER_ADDRESS)));
        Optional<String> host = Optional.ofNullable(line.getOptionValue(HOST));
        if (host.isPresent() && !WireText.isHost(host.get())) {
            throw new BadOptionsException("--host: must be one word without spaces, at most " + WireText.MAX_HOST_CHARS
                    + " characters: " + WireText.forLog(host.get()));
        }
        Optional<Path> logFile = line.hasOption(LOG_FILE) ? Optional.of(writableFile(line, LOG_FILE))
                : Optional.empty();
        Optional<Path> portFile = line.hasOption(PORT_FILE) ? Optional.of(writableFile(line, PORT_FILE))
                : Optional.empty();
        String[] commands = line.getOptionValues(EXEC);
        return new PeerOptions(servers, directory, uploadPort, host,
                commands == null ? List.of() : List.of(commands), !line.hasOption(NO_RECONNECT), logFile,
                line.hasOption(ALLOW_OUTSIDE_LINKS), maxUploadsPerAddress, portFile, page(line), watch(line),
                bounded(line, MAX_FILE_MIB_OPTION, RfcLibrary.DEFAULT_MAX_FILE_MIB, 1, MAX_FILE_MIB) * BYTES_PER_MIB);
    }

    /** How the directory is followed: --rescan-seconds, --settle-ms and --quiet-ms, each with its default. */
    private static FolderWatcher.Settings watch(CommandLine line) throws BadOptionsException {
        FolderWatcher.Settings defaults = FolderWatcher.Settings.DEFAULT;
        return new FolderWatcher.Settings(
                Duration.ofSeconds(bounded(line, RESCAN_SECONDS, defaults.rescan().toSeconds(), 1,
                        Duration.ofMillis(LONGEST_WATCH_MILLIS).toSeconds())),
                Duration.ofMillis(bounded(line, SETTLE_MS, defaults.settle().toMillis(), 0, LONGEST_WATCH_MILLIS)),
                Duration.ofMillis(bounded(line, QUIET_MS, defaults.quiet().toMillis(), 0, LONGEST_WATCH_MILLIS)));
    }

    /** The whole number an option gives, from {@code least} to {@code most}, or its default when not given. */
    private static long bounded(CommandLine line, Option option, long byDefault, long least, long most)
            throws BadOptionsException {
        String text = line.getOptionValue(option);
        if (text == null) {
            return byDefault;
        }
        long value = WireText.parseDecimal(text, most);
        if (value < least) {
            throw new BadOptionsException("--" + option.getLongOpt() + ": not a whole number from " + least + " to "
                    + most + ": " + WireText.forLog(text));
        }
        return value;
    }

    /** The web page's settings, when --http-port is given; --http-bind alone is a mistake worth saying. */
    private static Optional<PageSettings> page(CommandLine line) throws BadOptionsException {
        if (!line.hasOption(HTTP_PORT)) {
            if (line.hasOption(HTTP_BIND)) {
                throw new BadOptionsException("--http-bind needs --http-port");
            }
            return Optional.empty();
        }
        int port = port(HTTP_PORT, line.getOptionValue(HTTP_PORT));
        InetAddress bind = PageSettings.DEFAULT_BIND;
        if (line.hasOption(HTTP_BIND)) {
            String text = line.getOptionValue(HTTP_BIND);
            try {
                bind = InetAddress.getByName(text); // as ci-server's --bind: an address, or a name looked up once
            } catch (UnknownHostException | SecurityException e) {
                throw new BadOptionsException("--http-bind: not an address of this machine: "
                        + WireText.forLog(text));
            }
        }
        return Optional.of(new PageSettings(bind, port));
    }

    private static String required(CommandLine line, Option option) throws BadOptionsException {
        String value = line.getOptionValue(option);
        if (value == null || value.isBlank()) {
            throw new BadOptionsException("missing --" + option.getLongOpt() + " " + option.getArgName());
        }
        return value;
    }

    /**
     * The servers of {@code --server}: comma-separated entries, each {@code HOST[:PORT]} with the well-known port by
     * default; none empty, and none twice, whether written alike or not ({@code h} and {@code H:7734} are one server).
     */
    private static List<HostAndPort> servers(String text) throws BadOptionsException {
        List<HostAndPort> servers = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : text.split(",", -1)) {
            if (entry.isBlank()) {
                throw new BadOptionsException("--server: an empty entry in " + WireText.forLog(text));
            }
            HostAndPort server;
            try {
                server = HostAndPort.parse(entry, OptionalInt.of(Protocol.DEFAULT_SERVER_PORT));
            } catch (IllegalArgumentException e) {
                throw new BadOptionsException("--server: " + e.getMessage());
            }
            // Host names and IPv6 literals alike are case-insensitive.
            if (!seen.add(server.toString().toLowerCase(Locale.ROOT))) {
                throw new BadOptionsException("--server: " + server + " is listed twice");
            }
            servers.add(server);
        }
        return servers;
    }

    /**
     * A file that can be created or written in an existing directory: checked here, before the peer starts, since
     * the logger would only complain on stderr and a bad port file would show only once the upload server listens.
     */
    private static Path writableFile(CommandLine line, Option option) throws BadOptionsException {
        String text = line.getOptionValue(option);
        String name = "--" + option.getLongOpt();
        Path file;
        try {
            file = Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new BadOptionsException(name + ": not a path: " + WireText.forLog(text));
        }
        if (Files.isDirectory(file)) {
            throw new BadOptionsException(name + ": is a directory: " + WireText.forLog(text));
        }
        if (!Files.isDirectory(file.getParent())) {
            throw new BadOptionsException(name + ": no such directory: "
                    + WireText.forLog(file.getParent().toString()));
        }
        return file;
    }

    private static int port(Option option, String text) throws BadOptionsException {
        if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || Integer.parseInt(text) > HIGHEST_PORT) {
            throw new BadOptionsException("--" + option.getLongOpt() + ": not a number from 0 to " + HIGHEST_PORT
                    + ": " + WireText.forLog(text));
        }
        return Integer.parseInt(text);
    }

    /** A count from 1 up; more than the upload slots would mean no per-address limit, which is allowed. */
    private static int count(Option option, String text) throws BadOptionsException {
        long value = WireText.parseDecimal(text, Integer.MAX_VALUE);
        if (value < 1) {
            throw new BadOptionsException("--" + option.getLongOpt() + ": not a whole number from 1 up: "
                    + WireText.forLog(text));
        }
        return (int) value;
    }

    /** The text {@code --help} prints: usage, options, the commands and their output, exit statuses. */
    public static String helpText() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        HelpFormatter formatter = HelpFormatter.builder().get();
        formatter.printHelp(out, HELP_WIDTH, USAGE,
                "Shares the RFC files of DIR through a P2P-CI/1.0 index server and downloads other peers' RFCs."
                        + " At start-up it registers every RFC file of DIR, printing for each"
                        + " '[Peer] Registering RFC <n>: <title>' and the server's response.\n\n",
                OPTIONS, 2, 4, "", false);
        out.println();
        out.println("Without --exec the peer reads commands from stdin: an interactive shell with line editing");
        out.println("and history on a terminal, otherwise a script, one command a line.");
        out.println();
        out.print(CommandProcessor.HELP);
        out.println("When the index server refuses an ADD (another connection holds this peer's host and port,");
        out.println("say), the peer prints its answer and, unless --no-reconnect, sends it again in the background");
        out.println("until the server takes it; a server refusing the connection itself is reconnected to:");
        out.println("  [Peer] Error: ADD RFC <n> refused: the index server answered <status line>; retrying in the");
        out.println("  background");
        out.println("  [Peer] Registered RFC <n>, ... on retry; none is refused now");
        out.println("  [Peer] Lost the index server: the index server refused the connection: <status>; reconnecting");
        out.println("While it runs the peer follows DIR: an RFC file that appears is registered once it has not");
        out.println("changed for --settle-ms (never half-written), and when files go (deleted, renamed away) the");
        out.println("peer, after --quiet-ms without another going, registers its remaining RFCs on a new index");
        out.println("connection and closes the old one, whose records the server drops (the protocol has no");
        out.println("withdrawal); a GET of a file gone or changing gets 404 at once:");
        out.println("  [Peer] Registered <k> RFC(s) new in DIR");
        out.println("  [Peer] No longer offering RFC(s) <n>, ...: registered <k> RFC(s) on a new connection to");
        out.println("  <host:port> and closed the old one, which takes their records with it (<ms> ms)");
        out.println("Entries not offered get one line each, when first seen: [Peer] Skipping <name>: <reason>.");
        out.println("Of several names of one RFC (rfc1.txt, RFC0001.TXT), rfcN.txt wins, else the first in sort");
        out.println("order. A file that changes while it is sent is cut off before its last byte.");
        out.println("A download that receives less than " + Downloader.MIN_BYTES_PER_WINDOW + " bytes in any "
                + Downloader.RATE_WINDOW.toSeconds() + " s is given up on and the next holder tried.");
        out.println("On a terminal, a download that lasts over a second shows a progress bar (share, rate, time");
        out.println("left) that is erased when it ends; scripts and pipes never get it, and their output is as above.");
        out.println("A command (and the start-up registration) waits at most "
                + IndexClient.RESPONSE_TIMEOUT.toSeconds() + " s for the index server's answer;");
        out.println("then it fails with");
        out.println("  [Peer] Error: index server <host:port>: no answer within "
                + IndexClient.RESPONSE_TIMEOUT.toSeconds() + " s; reconnecting");
        out.println("QUIT, the end of input (Ctrl-D) and SIGTERM end the peer within a second, whatever the");
        out.println("server does.");
        out.println("Index servers of other implementations that answer in a way of their own, but one that can be");
        out.println("understood (LF line ends, no empty lines, other status phrases: docs/INTEROP.md), work; the");
        out.println("peer notes each such way once a connection:");
        out.println("  [Peer] Note: index server <host:port> ends answers without the final empty line");
        out.println("An answer that cannot be understood fails the command with the bytes received, quoted.");
        out.println("Upload servers of other implementations are read as liberally on GET, with a note per way:");
        out.println("  [Peer] Note: peer <host:port> sends no empty line between the headers and the file");
        out.println("A download never waits for the holder to close: after the announced bytes, "
                + Downloader.ANSWER_QUIET.toMillis() + " ms without a");
        out.println("byte ends it; a file without Content-Length ends at the close or after "
                + Downloader.BODY_QUIET.toSeconds() + " s without a byte.");
        out.println();
        out.println("Exit status: 0 when done; 1 when the peer could not start, or a command of --exec or of");
        out.println("a script failed; 2 for bad options. Diagnostics go to stderr or the --log-file; run with");
        out.println("java -Dp2pci.log.level=info -jar rfc-peer.jar ... to also log each upload served. Of the lines");
        out.println("that one client address causes, at most 5 of a kind are logged every 10 s, then their count.");
        out.flush();
        return text.toString();
    }
}
