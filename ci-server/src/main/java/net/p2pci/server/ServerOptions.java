package net.p2pci.server;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import net.p2pci.protocol.Limits;
import net.p2pci.protocol.Protocol;
import net.p2pci.server.index.IndexBudget;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.logging.log4j.Level;

/** The command line of {@code ci-server}, parsed and checked into a {@link ServerConfig}. */
record ServerOptions(ServerConfig config, Level logLevel, Optional<Path> logFile, Optional<Path> portFile, boolean help,
                     boolean version) {

    /** A command line that cannot be run; its message is the one line shown to the user. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    private static final Options OPTIONS = new Options()
            .addOption(Option.builder("p").longOpt("port").hasArg().argName("PORT")
                    .desc("TCP port to listen on (default " + Protocol.DEFAULT_SERVER_PORT + "; 0 takes any free port)")
                    .build())
            .addOption(Option.builder("b").longOpt("bind").hasArg().argName("ADDRESS")
                    .desc("local address to listen on (default: every address)").build())
            .addOption(Option.builder().longOpt("db").hasArg().argName("JDBC_URL")
                    .desc("H2 database for the index (default: in memory), e.g. jdbc:h2:file:/var/lib/p2pci/index;"
                            + " the index is emptied at every start, as the protocol requires")
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
            config = config.withPort(parsePort(line.getOptionValue("port")));
        }
        if (line.hasOption("bind")) {
            config = config.withBindAddress(parseAddress(line.getOptionValue("bind")));
        }
        if (line.hasOption("db")) {
            String url = line.getOptionValue("db");
            if (!url.startsWith("jdbc:h2:")) {
                throw new UsageException("--db takes an H2 JDBC URL (jdbc:h2:...), not: " + url);
            }
            config = config.withJdbcUrl(url);
        }
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
        return new ServerOptions(config, level, logFile, portFile, line.hasOption("help"), line.hasOption("version"));
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

    private static int parsePort(String text) throws UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65_535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // falls through to the one message below
        }
        throw new UsageException("--port takes a number from 0 to 65535, not: " + text);
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

    private static InetAddress parseAddress(String text) throws UsageException {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new UsageException("--bind: unknown address: " + text);
        }
    }

    /** Where the server was asked to listen, for error messages. */
    String describeEndpoint() {
        String address = config.bindAddress() == null ? "*" : config.bindAddress().getHostAddress();
        return address + ":" + config.port();
    }

    static void printHelp(PrintWriter out) {
        HelpFormatter formatter = new HelpFormatter();
        formatter.printHelp(out, 100, "ci-server [--port PORT] [--bind ADDRESS] [--db JDBC_URL] [--log-level LEVEL]"
                + " [--log-file PATH] [--port-file PATH] [limits...]",
                "\nThe P2P-CI/1.0 central index. Peers keep one connection open while they share RFCs;"
                        + " when a connection ends, however it ends, that peer's records are removed.\n\n",
                OPTIONS, 2, 4, "\nStop it with SIGTERM or Ctrl-C; it closes every connection and exits 0.", false);
        out.flush();
    }
}
