package net.p2pci.server;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.Protocol;
import net.p2pci.server.index.IndexBudget;
import net.p2pci.server.store.shared.SharedStoreSettings;
import net.p2pci.server.web.WebSettings;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.logging.log4j.Level;

/** The command line of {@code ci-server}, parsed and checked into a {@link ServerConfig}. */
record ServerOptions(ServerConfig config, Optional<WebSettings> web, Level logLevel, Optional<Path> logFile,
                     Optional<Path> portFile, boolean help, boolean version) {

    /** A command line that cannot be run; its message is the one line shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** The environment variable a PostgreSQL password is read from, so that it never shows in a process list. */
    static final String PASSWORD_VARIABLE = "CI_SERVER_DB_PASSWORD";
    private static final List<String> SHARED_OPTIONS = List.of("db-user", "db-wait", "instance-name", "lease-renewal",
            "lease");
    /** The database's column for it is VARCHAR(255). */
    private static final int MAX_INSTANCE_NAME_CHARS = 255;

    private static final Options OPTIONS = new Options()
            .addOption(Option.builder("p").longOpt("port").hasArg().argName("PORT")
                    .desc("TCP port to listen on (default " + Protocol.DEFAULT_SERVER_PORT + "; 0 takes any free port)")
                    .build())
            .addOption(Option.builder("b").longOpt("bind").hasArg().argName("ADDRESS")
                    .desc("local address to listen on (default: every address)").build())
            .addOption(Option.builder().longOpt("http-port").hasArg().argName("PORT")
                    .desc("serve the live dashboard (/), Prometheus metrics (/metrics) and JSON (/api/peers,"
                            + " /api/records, /api/search, /api/stats) over HTTP on PORT (0 takes any free port;"
                            + " default: off)")
                    .build())
            .addOption(Option.builder().longOpt("http-bind").hasArg().argName("ADDRESS")
                    .desc("local address for --http-port (default: every address; 127.0.0.1 keeps it on this"
                            + " machine)").build())
            .addOption(Option.builder().longOpt("db").hasArg().argName("JDBC_URL")
                    .desc("where the index is kept (default: in memory): an H2 database, e.g."
                            + " jdbc:h2:file:/var/lib/p2pci/index, emptied at every start as the protocol requires; or"
                            + " a PostgreSQL database shared by several ci-server instances, e.g."
                            + " jdbc:postgresql://db.example:5432/p2pci (password from the " + PASSWORD_VARIABLE
                            + " environment variable, or in the URL), where each instance removes only what its own"
                            + " earlier run left")
                    .build())
            .addOption(Option.builder().longOpt("db-user").hasArg().argName("USER")
                    .desc("PostgreSQL user (default: the one in the URL, or the driver's)").build())
            .addOption(Option.builder().longOpt("db-wait").hasArg().argName("SECONDS")
                    .desc("PostgreSQL only: how long a request waits for an unreachable database before its"
                            + " connection is closed; the peer sees its connection close and reconnects (default "
                            + SharedStoreSettings.DEFAULT_DATABASE_WAIT.toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("instance-name").hasArg().argName("NAME")
                    .desc("PostgreSQL only: this instance's name in the database (default: host/address:port where"
                            + " it listens); at start the rows an earlier run under this name left are removed, once"
                            + " its lease has expired; a name whose lease is renewed meanwhile is refused")
                    .build())
            .addOption(Option.builder().longOpt("lease-renewal").hasArg().argName("SECONDS")
                    .desc("PostgreSQL only: how often this instance renews its lease (default "
                            + SharedStoreSettings.DEFAULT_LEASE_RENEWAL.toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("lease").hasArg().argName("SECONDS")
                    .desc("PostgreSQL only: how long a lease lasts unrenewed; once an instance's lease has expired,"
                            + " another instance removes its peers and records, and the instance itself closes its"
                            + " peers' connections (default " + SharedStoreSettings.DEFAULT_LEASE.toSeconds() + ")")
                    .build())
            .addOption(Option.builder().longOpt("log-level").hasArg().argName("LEVEL")
                    .desc("ERROR, WARN, INFO (default) or DEBUG; DEBUG also logs every LOOKUP and LIST").build())
            .addOption(Option.builder().longOpt("log-file").hasArg().argName("PATH")
                    .desc("append the log to PATH, with timestamps, instead of printing it (default: stdout)").build())
            .addOption(Option.builder().longOpt("port-file").hasArg().argName("PATH")
                    .desc("once listening, write the port to PATH (decimal, then a newline; the file appears whole),"
                            + " for a program that started this one").build())
            .addOption(Option.builder().longOpt("max-line-bytes").hasArg().argName("BYTES")
                    .desc("longest request line accepted (default " + Limits.DEFAULT_MAX_LINE_BYTES + ")").build())
            .addOption(Option.builder().longOpt("max-headers").hasArg().argName("COUNT")
                    .desc("most header lines in one request (default " + Limits.DEFAULT_MAX_HEADER_COUNT + ")").build())
            .addOption(Option.builder().longOpt("request-timeout").hasArg().argName("SECONDS")
                    .desc("time a started request has to complete; idle connections stay open (default "
                            + ServerConfig.DEFAULT_REQUEST_TIMEOUT.toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("first-request-timeout").hasArg().argName("SECONDS")
                    .desc("time a new connection has to register with its first request; one that sends nothing, or"
                            + " nothing valid, is closed then (default "
                            + ServerConfig.DEFAULT_FIRST_REQUEST_TIMEOUT.toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("write-timeout").hasArg().argName("SECONDS")
                    .desc("time a client has to read a piece of an answer; one that does not read is dropped"
                            + " (default " + ServerConfig.DEFAULT_WRITE_TIMEOUT.toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("max-connections").hasArg().argName("COUNT")
                    .desc("most connections open at once (default " + ServerConfig.DEFAULT_MAX_CONNECTIONS + ")").build())
            .addOption(Option.builder().longOpt("max-connections-per-address").hasArg().argName("COUNT")
                    .desc("most connections open at once from one address (default "
                            + ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS + ")").build())
            .addOption(Option.builder().longOpt("max-records-per-peer").hasArg().argName("COUNT")
                    .desc("most records one peer may hold; further ADDs get 400 (default "
                            + ServerConfig.DEFAULT_MAX_RECORDS_PER_PEER + ")").build())
            .addOption(Option.builder().longOpt("max-index-mib").hasArg().argName("MIB")
                    .desc("memory the index's records may take, in MiB; further ADDs get 400 (default "
                            + Math.round(IndexBudget.DEFAULT_HEAP_SHARE * 100) + "% of the JVM's heap, here "
                            + (IndexBudget.forThisHeap().maxBytes() >> 20) + ")").build())
            .addOption(Option.builder().longOpt("max-index-mib-per-address").hasArg().argName("MIB")
                    .desc("memory the records of the peers at one source address may take, in MiB (default a"
                            + " quarter of --max-index-mib)").build())
            .addOption(Option.builder().longOpt("keepalive-idle").hasArg().argName("SECONDS")
                    .desc("idle time before TCP keepalive probes a connection (default "
                            + ServerConfig.KeepAlive.DEFAULT.idle().toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("keepalive-interval").hasArg().argName("SECONDS")
                    .desc("time between keepalive probes (default "
                            + ServerConfig.KeepAlive.DEFAULT.interval().toSeconds() + ")").build())
            .addOption(Option.builder().longOpt("keepalive-probes").hasArg().argName("COUNT")
                    .desc("unanswered probes before a peer counts as gone (default "
                            + ServerConfig.KeepAlive.DEFAULT.probes() + "; with the defaults a vanished peer is"
                            + " dropped within " + ServerConfig.KeepAlive.DEFAULT.detectionTime().toSeconds() + " s)")
                    .build())
            .addOption(Option.builder().longOpt("record-source").desc("record each peer under the address its"
                    + " connection comes from instead of the Host it claims (resists spoofing)").build())
            .addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build())
            .addOption(Option.builder("V").longOpt("version").desc("show the version and exit").build());

    static ServerOptions parse(String[] args) throws UsageException {
        CommandLine line;
        try {
            line = new DefaultParser().parse(OPTIONS, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        if (!line.getArgList().isEmpty()) {
            throw new UsageException("unexpected argument: " + line.getArgList().get(0));
        }
        ServerConfig config = ServerConfig.defaults();
        if (line.hasOption("port")) {
            config = config.withPort(parsePort("port", line.getOptionValue("port")));
        }
        if (line.hasOption("bind")) {
            config = config.withBindAddress(parseAddress("bind", line.getOptionValue("bind")));
        }
        if (line.hasOption("db")) {
            String url = line.getOptionValue("db");
            if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                throw new UsageException("--db takes an H2 (jdbc:h2:...) or PostgreSQL (jdbc:postgresql://...) JDBC"
                        + " URL, not: " + url);
            }
            config = config.withJdbcUrl(url);
        }
        config = config.withShared(parseShared(line, config.isShared()));
        config = config.withLimits(new Limits(
                        intOption(line, "max-line-bytes", Limits.DEFAULT_MAX_LINE_BYTES, 64),
                        intOption(line, "max-headers", Limits.DEFAULT_MAX_HEADER_COUNT, 4),
                        Limits.DEFAULT_MAX_RECORDS))
                .withRequestTimeout(secondsOption(line, "request-timeout", ServerConfig.DEFAULT_REQUEST_TIMEOUT))
                .withFirstRequestTimeout(secondsOption(line, "first-request-timeout",
                        ServerConfig.DEFAULT_FIRST_REQUEST_TIMEOUT))
                .withWriteTimeout(secondsOption(line, "write-timeout", ServerConfig.DEFAULT_WRITE_TIMEOUT))
                .withIndexBudget(parseBudget(line))
                .withMaxConnections(intOption(line, "max-connections", ServerConfig.DEFAULT_MAX_CONNECTIONS, 1),
                        intOption(line, "max-connections-per-address",
                                ServerConfig.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS, 1))
                .withMaxRecordsPerPeer(intOption(line, "max-records-per-peer",
                        ServerConfig.DEFAULT_MAX_RECORDS_PER_PEER, 0))
                .withKeepAlive(new ServerConfig.KeepAlive(
                        Duration.ofSeconds(intOption(line, "keepalive-idle",
                                (int) ServerConfig.KeepAlive.DEFAULT.idle().toSeconds(), 1)),
                        Duration.ofSeconds(intOption(line, "keepalive-interval",
                                (int) ServerConfig.KeepAlive.DEFAULT.interval().toSeconds(), 1)),
                        intOption(line, "keepalive-probes", ServerConfig.KeepAlive.DEFAULT.probes(), 1)))
                .withRecordSourceAddress(line.hasOption("record-source"));
        Level level = Level.INFO;
        if (line.hasOption("log-level")) {
            level = Level.toLevel(line.getOptionValue("log-level"), null);
            if (level == null) {
                throw new UsageException("unknown log level: " + line.getOptionValue("log-level"));
            }
        }
        Optional<Path> logFile = line.hasOption("log-file")
                ? Optional.of(parseWritableFile("log-file", line.getOptionValue("log-file"))) : Optional.empty();
        Optional<Path> portFile = line.hasOption("port-file")
                ? Optional.of(parseWritableFile("port-file", line.getOptionValue("port-file"))) : Optional.empty();
        return new ServerOptions(config, parseWeb(line), level, logFile, portFile, line.hasOption("help"),
                line.hasOption("version"));
    }

    /** Where the dashboard and metrics listen, if anywhere; --http-bind alone is refused. */
    private static Optional<WebSettings> parseWeb(CommandLine line) throws UsageException {
        if (!line.hasOption("http-port")) {
            if (line.hasOption("http-bind")) {
                throw new UsageException("--http-bind applies with --http-port only");
            }
            return Optional.empty();
        }
        int port = parsePort("http-port", line.getOptionValue("http-port"));
        InetAddress bind = line.hasOption("http-bind") ? parseAddress("http-bind", line.getOptionValue("http-bind"))
                : null;
        return Optional.of(new WebSettings(bind, port));
    }

    /** How this instance takes part in a shared store; the options for it are refused without one. */
    private static SharedStoreSettings parseShared(CommandLine line, boolean shared) throws UsageException {
        for (String option : SHARED_OPTIONS) {
            if (line.hasOption(option) && !shared) {
                throw new UsageException("--" + option + " applies to a PostgreSQL --db (jdbc:postgresql://...) only");
            }
        }
        SharedStoreSettings settings = SharedStoreSettings.DEFAULT;
        if (line.hasOption("instance-name")) {
            String name = line.getOptionValue("instance-name").strip();
            if (name.isEmpty() || name.length() > MAX_INSTANCE_NAME_CHARS) {
                throw new UsageException("--instance-name takes 1 to " + MAX_INSTANCE_NAME_CHARS + " characters");
            }
            settings = settings.withInstanceName(name);
        }
        Optional<String> password = Optional.ofNullable(System.getenv(PASSWORD_VARIABLE));
        try {
            return settings
                    .withLease(secondsOption(line, "lease-renewal", settings.leaseRenewal()),
                            secondsOption(line, "lease", settings.lease()))
                    .withDatabaseWait(secondsOption(line, "db-wait", settings.databaseWait()))
                    .withCredentials(Optional.ofNullable(line.getOptionValue("db-user")), password);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--lease-renewal, --lease, --db-wait: " + e.getMessage());
        }
    }

    /** The memory budget: the default share of the heap, or what the options say; per address a quarter unless given. */
    private static IndexBudget parseBudget(CommandLine line) throws UsageException {
        IndexBudget defaults = IndexBudget.forThisHeap();
        long total = line.hasOption("max-index-mib")
                ? (long) intOption(line, "max-index-mib", 0, 1) << 20 : defaults.maxBytes();
        long perAddress = line.hasOption("max-index-mib-per-address")
                ? (long) intOption(line, "max-index-mib-per-address", 0, 1) << 20
                : total / IndexBudget.DEFAULT_ADDRESS_SHARE_DIVISOR;
        return new IndexBudget(total, Math.min(total, perAddress));
    }

    private static int parsePort(String option, String text) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new UsageException("--" + option + " takes a number from 0 to 65535, not: " + text);
    }

    private static int intOption(CommandLine line, String name, int defaultValue, int minimum) throws UsageException {
        if (!line.hasOption(name)) {
            return defaultValue;
        }
        String text = line.getOptionValue(name);
        try {
            int value = Integer.parseInt(text);
            if (value >= minimum) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new UsageException("--" + name + " takes a whole number of at least " + minimum + ", not: " + text);
    }

    /** A duration in seconds, fractions allowed ("0.5"), at least a millisecond. */
    private static Duration secondsOption(CommandLine line, String name, Duration defaultValue) throws UsageException {
        if (!line.hasOption(name)) {
            return defaultValue;
        }
        String text = line.getOptionValue(name);
        try {
            double seconds = Double.parseDouble(text);
            if (seconds >= 0.001 && seconds <= 86_400) {
                return Duration.ofMillis(Math.round(seconds * 1000));
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new UsageException("--" + name + " takes seconds from 0.001 to 86400, not: " + text);
    }

    /**
     * A file that can be created or written in an existing directory: checked here, before the server starts, since
     * the logger would only complain on stderr and a bad port file would show only once the server listens.
     */
    private static Path parseWritableFile(String option, String text) throws UsageException {
        Path file;
        try {
            file = Path.of(text).toAbsolutePath();
        } catch (InvalidPathException e) {
            throw new UsageException("--" + option + ": not a path: " + text);
        }
        if (Files.isDirectory(file)) {
            throw new UsageException("--" + option + ": is a directory: " + text);
        }
        if (!Files.isDirectory(file.getParent())) {
            throw new UsageException("--" + option + ": no such directory: " + file.getParent());
        }
        return file;
    }

    private static InetAddress parseAddress(String option, String text) throws UsageException {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new UsageException("--" + option + ": unknown address: " + text);
        }
    }

    /** Where the server was asked to listen, for error messages. */
    String describeEndpoint() {
        String address = config.bindAddress() == null ? "*" : config.bindAddress().getHostAddress();
        return address + ":" + config.port();
    }

    /** Where the dashboard was asked to listen, for error messages. */
    String describeWebEndpoint() {
        return web.map(settings -> (settings.bindAddress() == null ? "*" : settings.bindAddress().getHostAddress())
                + ":" + settings.port()).orElse("-");
    }

    static void printHelp(PrintWriter out) {
        HelpFormatter formatter = new HelpFormatter();
        formatter.printHelp(out, 100, "ci-server [--port PORT] [--bind ADDRESS] [--http-port PORT] [--http-bind ADDRESS]"
                + " [--db JDBC_URL] [--log-level LEVEL] [--log-file PATH] [--port-file PATH] [shared-store options...]"
                + " [limits...]",
                "\nThe P2P-CI/1.0 central index. Peers keep one connection open while they share RFCs;"
                        + " when a connection ends, however it ends, that peer's records are removed.\n\n",
                OPTIONS, 2, 4, "\nSeveral instances may share one index in PostgreSQL (--db jdbc:postgresql://...): any"
                        + " instance answers for every peer, and a dead instance's peers are removed by another once"
                        + " its lease has expired. With --http-port, each instance's dashboard shows the whole index"
                        + " and which instance each peer is connected to. Stop it with SIGTERM or Ctrl-C; it closes every connection and"
                        + " exits 0.", false);
        out.flush();
    }
}
