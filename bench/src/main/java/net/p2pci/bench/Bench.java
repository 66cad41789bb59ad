package net.p2pci.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/**
 * The {@code bench} command: runs one scenario against a ci-server (and rfc-peer) it starts on loopback, prints
 * the figures and checks, and exits 0 only when every check passed.
 */
public final class Bench {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILED = 1;
    static final int EXIT_USAGE = 2;

    static final List<String> SCENARIOS =
            List.of("lookup", "add", "list", "mixed", "search", "search-broad", "hold", "churn", "get",
                    "get-large", "load-dir", "multi-source", "redis-get", "redis-set", "http-get");
    /** The scenarios that load another server (Redis, a web server) with this tool's client, for fair ratios. */
    static final List<String> FOREIGN_SCENARIOS = List.of("redis-get", "redis-set", "http-get");

    private static final Options OPTIONS = new Options()
            .addOption(Option.builder("c").longOpt("connections").hasArg().argName("C")
                    .desc("simulated peers sending load, or concurrent downloads (default 64; churn and get 16)")
                    .build())
            .addOption(Option.builder("k").longOpt("records").hasArg().argName("K")
                    .desc("RFCs each simulated peer ADDs, or keys each Redis connection SETs, first (default 10)")
                    .build())
            .addOption(Option.builder("s").longOpt("seconds").hasArg().argName("S")
                    .desc("measured seconds (default 10)").build())
            .addOption(Option.builder("w").longOpt("warmup").hasArg().argName("SECONDS")
                    .desc("unmeasured seconds before them (default 3)").build())
            .addOption(Option.builder("n").longOpt("peers").hasArg().argName("N")
                    .desc("hold: idle peers to register (default 10000)").build())
            .addOption(Option.builder().longOpt("addresses").hasArg().argName("COUNT")
                    .desc("hold, churn: source addresses 127.0.0.2 on to spread connections over (default 16)").build())
            .addOption(Option.builder().longOpt("hold-seconds").hasArg().argName("SECONDS")
                    .desc("hold: seconds the peers stay idle before they are counted (default 5)").build())
            .addOption(Option.builder().longOpt("size").hasArg().argName("BYTES")
                    .desc("get-large, multi-source: file size, with an optional K, M or G suffix (default 1G)")
                    .build())
            .addOption(Option.builder().longOpt("large-file").hasArg().argName("FILE")
                    .desc("get-large: serve this file instead of generating one of --size bytes").build())
            .addOption(Option.builder().longOpt("rfc-file").hasArg().argName("FILE")
                    .desc("get: the file to serve as RFC 2616 (default sample-rfcs/rfc2616.txt)").build())
            .addOption(Option.builder().longOpt("files").hasArg().argName("COUNT")
                    .desc("load-dir: RFC files to generate and register (default 10000)").build())
            .addOption(Option.builder().longOpt("server-jar").hasArg().argName("JAR")
                    .desc("run this ci-server jar with java -jar instead of the server's launcher").build())
            .addOption(Option.builder().longOpt("server-launcher").hasArg().argName("SCRIPT")
                    .desc("the script that runs the server, as users run it (default bin/ci-server, on this JVM's"
                            + " JDK)").build())
            .addOption(Option.builder().longOpt("peer-jar").hasArg().argName("JAR")
                    .desc("run this rfc-peer jar with java -jar instead of the peer's launcher").build())
            .addOption(Option.builder().longOpt("peer-launcher").hasArg().argName("SCRIPT")
                    .desc("the script that runs the peer, as users run it (default bin/rfc-peer, on this JVM's JDK)")
                    .build())
            .addOption(Option.builder().longOpt("server-jvm").hasArg().argName("OPTION")
                    .desc("a JVM option for the server process; repeat for several").build())
            .addOption(Option.builder().longOpt("peer-jvm").hasArg().argName("OPTION")
                    .desc("get, get-large, load-dir, multi-source: a JVM option for the rfc-peer processes; repeat for"
                            + " several")
                    .build())
            .addOption(Option.builder().longOpt("server").hasArg().argName("HOST:PORT")
                    .desc("use an index server already running on a loopback address (no heap figures); for"
                            + " redis-get, redis-set (a Redis server) and http-get (a web server) it is required")
                    .build())
            .addOption(Option.builder().longOpt("server-pid").hasArg().argName("PID")
                    .desc("with --server: its process, whose CPU time and its descendants' (nginx's workers) are read"
                            + " over the measured phase and reported per request").build())
            .addOption(Option.builder().longOpt("path").hasArg().argName("PATH")
                    .desc("http-get: the path to GET, whose body must be the --rfc-file (default /rfc2616.txt)")
                    .build())
            .addOption(Option.builder().longOpt("store").hasArg().argName("STORE")
                    .desc("embedded (default): the index in the server's own H2; shared: in PostgreSQL, shared by"
                            + " --instances servers, with the peers spread evenly over them (lookup, add, list,"
                            + " mixed); the bench starts a throwaway PostgreSQL cluster for the run unless --db is"
                            + " given").build())
            .addOption(Option.builder().longOpt("instances").hasArg().argName("N")
                    .desc("--store shared: ci-server processes sharing the index (default 1, at most "
                            + StoreSetup.MAX_INSTANCES + ")").build())
            .addOption(Option.builder().longOpt("db").hasArg().argName("JDBC_URL")
                    .desc("--store shared: use this PostgreSQL database, empty and used by nothing else, instead"
                            + " of starting a cluster (password from " + StoreSetup.Database.PASSWORD_VARIABLE
                            + ", as ci-server reads it)").build())
            .addOption(Option.builder().longOpt("db-user").hasArg().argName("USER")
                    .desc("--store shared with --db: the PostgreSQL user").build())
            .addOption(Option.builder().longOpt("work-dir").hasArg().argName("DIR")
                    .desc("where generated files and process output go (default: a new temporary directory)")
                    .build())
            .addOption(Option.builder().longOpt("keep").desc("keep the work directory afterwards").build())
            .addOption(Option.builder("h").longOpt("help").desc("show this help and exit").build());

    private Bench() {
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true)));
    }

    /** Parses the arguments, runs the scenario and prints its report; returns the exit status. */
    static int run(String[] args, PrintWriter out) {
        Settings settings;
        boolean keep;
        try {
            CommandLine line = new DefaultParser().parse(OPTIONS, args);
            if (line.hasOption("help")) {
                printHelp(out);
                return EXIT_OK;
            }
            keep = line.hasOption("keep");
            settings = settings(line);
        } catch (ParseException | IllegalArgumentException e) {
            return usage(e.getMessage());
        } catch (IOException e) {
            System.err.println("bench: " + e.getMessage());
            return EXIT_FAILED;
        }
        try {
            Result result = runScenario(settings);
            out.print(result.render());
            out.flush();
            return result.passed() ? EXIT_OK : EXIT_FAILED;
        } catch (IOException | RuntimeException e) {
            System.err.println("bench: " + settings.scenario() + " failed: " + e);
            return EXIT_FAILED;
        } finally {
            if (!keep) {
                deleteTree(settings.workDirectory());
            }
        }
    }

    /** The settings of a command line such as {@code hold -n 200 -s 1}; the work directory is created. */
    static Settings parseSettings(String... args) throws IOException {
        try {
            return settings(new DefaultParser().parse(OPTIONS, args));
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** Runs one scenario against a server started for it (or the external one), and stops what it started. */
    static Result runScenario(Settings settings) throws IOException {
        if (settings.store().shared()) {
            try (SharedStoreServers servers = SharedStoreServers.start(settings)) {
                return LoadScenario.run(settings, servers.addresses(),
                        RequestLoad.Mix.of(settings.scenario()), Optional.empty());
            }
        }
        if (settings.externalServer().isPresent()) {
            return runAgainst(settings, settings.externalServer().get(), Optional.empty());
        }
        try (ServerProcess server = ServerProcess.start(settings.serverLauncher(), settings.serverJar(),
                settings.serverJvmOptions(), settings.workDirectory().resolve("ci-server.out"))) {
            return runAgainst(settings, server.address(), Optional.of(server));
        }
    }

    /**
     * Runs one scenario against a running server; {@code process} is that server's process, when it is ours, else
     * {@code --server-pid} gives it, for the server's CPU per request.
     */
    static Result runAgainst(Settings settings, InetSocketAddress server, Optional<ServerProcess> process)
            throws IOException {
        Optional<ProcessCpu> cpu = settings.serverPid().or(() -> process.map(ServerProcess::pid)).map(ProcessCpu::of);
        return switch (settings.scenario()) {
            case "lookup" -> LoadScenario.run(settings, server, RequestLoad.Mix.LOOKUP, cpu);
            case "add" -> LoadScenario.run(settings, server, RequestLoad.Mix.ADD, cpu);
            case "list" -> LoadScenario.run(settings, server, RequestLoad.Mix.LIST, cpu);
            case "mixed" -> LoadScenario.run(settings, server, RequestLoad.Mix.MIXED, cpu);
            case "search" -> LoadScenario.run(settings, server, RequestLoad.Mix.SEARCH, cpu);
            case "search-broad" -> LoadScenario.run(settings, server, RequestLoad.Mix.SEARCH_BROAD, cpu);
            case "hold" -> HoldScenario.run(settings, server, process);
            case "churn" -> ChurnScenario.run(settings, server);
            case "get" -> GetScenario.runSmall(settings, server, settings.rfcFile());
            case "get-large" -> GetScenario.runLarge(settings, server, settings.largeFile().orElse(null));
            case "load-dir" -> LoadDirScenario.run(settings, server);
            case "multi-source" -> MultiSourceScenario.run(settings, server);
            case "redis-get" -> RedisScenario.run(settings, server, false);
            case "redis-set" -> RedisScenario.run(settings, server, true);
            case "http-get" -> HttpScenario.run(settings, server);
            default -> throw new IllegalArgumentException("unknown scenario " + settings.scenario());
        };
    }

    private static Settings settings(CommandLine line) throws IOException {
        if (line.getArgList().size() != 1 || !SCENARIOS.contains(line.getArgList().getFirst())) {
            throw new IllegalArgumentException("give one scenario: " + String.join(", ", SCENARIOS));
        }
        String scenario = line.getArgList().getFirst();
        for (String program : List.of("server", "peer")) {
            if (line.hasOption(program + "-jar") && line.hasOption(program + "-launcher")) {
                throw new IllegalArgumentException("give --" + program + "-jar or --" + program + "-launcher, not both");
            }
        }
        if (FOREIGN_SCENARIOS.contains(scenario) && !line.hasOption("server")) {
            throw new IllegalArgumentException(scenario + " needs --server HOST:PORT, the server to load");
        }
        if (line.hasOption("server-pid") && !line.hasOption("server")) {
            throw new IllegalArgumentException("--server-pid goes with --server");
        }
        boolean fewConnections = scenario.equals("churn") || scenario.equals("get") || scenario.equals("http-get");
        Path home = Path.of(System.getProperty("p2pci.home", "."));
        Optional<InetSocketAddress> external = Optional.empty();
        if (line.hasOption("server")) {
            external = Optional.of(loopbackEndpoint(line.getOptionValue("server")));
        }
        StoreSetup store = storeSetup(line, scenario);
        Path work = line.hasOption("work-dir") ? Path.of(line.getOptionValue("work-dir"))
                : Files.createTempDirectory("p2pci-bench-");
        Files.createDirectories(work);
        return new Settings(scenario,
                intOption(line, "connections", fewConnections ? 16 : 64),
                intOption(line, "records", 10),
                Duration.ofSeconds(intOption(line, "seconds", 10)),
                Duration.ofSeconds(intOption(line, "warmup", 3)),
                intOption(line, "peers", 10_000),
                intOption(line, "addresses", 16),
                Duration.ofSeconds(intOption(line, "hold-seconds", 5)),
                sizeOption(line.getOptionValue("size", "1G")),
                Optional.ofNullable(line.getOptionValue("large-file")).map(Path::of),
                Path.of(line.getOptionValue("rfc-file", home.resolve("sample-rfcs/rfc2616.txt").toString())),
                intOption(line, "files", 10_000),
                programJar(line, "server", home, "ci-server"),
                programLauncher(line, "server", home, "ci-server"),
                programJar(line, "peer", home, "rfc-peer"),
                programLauncher(line, "peer", home, "rfc-peer"),
                line.hasOption("server-jvm") ? List.of(line.getOptionValues("server-jvm")) : List.of(),
                line.hasOption("peer-jvm") ? List.of(line.getOptionValues("peer-jvm")) : List.of(),
                external,
                line.hasOption("server-pid") ? Optional.of((long) intOption(line, "server-pid", 0))
                        : Optional.empty(),
                line.getOptionValue("path", "/rfc2616.txt"),
                store, work);
    }

    /** The store the command line asks for: embedded unless {@code --store shared}. */
    private static StoreSetup storeSetup(CommandLine line, String scenario) {
        String store = line.getOptionValue("store", "embedded");
        if (!store.equals("embedded") && !store.equals("shared")) {
            throw new IllegalArgumentException("--store takes embedded or shared, not: " + store);
        }
        if (store.equals("shared") && (line.hasOption("server") || !StoreSetup.SCENARIOS.contains(scenario))) {
            throw new IllegalArgumentException("--store shared runs " + String.join(", ", StoreSetup.SCENARIOS)
                    + ", on servers the bench starts (not with --server)");
        }
        if (line.hasOption("db-user") && !line.hasOption("db")) {
            throw new IllegalArgumentException("--db-user goes with --db");
        }
        Optional<StoreSetup.Database> database = Optional.ofNullable(line.getOptionValue("db"))
                .map(url -> new StoreSetup.Database(url, Optional.ofNullable(line.getOptionValue("db-user")),
                        Optional.empty()));
        return new StoreSetup(store.equals("shared"), intOption(line, "instances", 1), database);
    }

    /**
     * The jar of {@code program} ("server" or "peer", whose module and script are {@code name}): the one given with
     * {@code --program-jar}, else the one its launcher runs, in the module's target directory beside the launcher's
     * bin directory.
     */
    private static Path programJar(CommandLine line, String program, Path home, String name) {
        if (line.hasOption(program + "-jar")) {
            return Path.of(line.getOptionValue(program + "-jar"));
        }
        Path root = programLauncher(line, program, home, name).orElseThrow().toAbsolutePath().getParent().getParent();
        return root.resolve(name).resolve("target").resolve(name + ".jar");
    }

    /** The launcher of {@code program}: none when a jar is given, else {@code --program-launcher} or bin/NAME. */
    private static Optional<Path> programLauncher(CommandLine line, String program, Path home, String name) {
        if (line.hasOption(program + "-jar")) {
            return Optional.empty();
        }
        return Optional.of(Path.of(line.getOptionValue(program + "-launcher", home.resolve("bin").resolve(name)
                .toString())));
    }

    /** A HOST:PORT that must be on loopback: this tool sends load to this machine only. */
    static InetSocketAddress loopbackEndpoint(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server takes HOST:PORT, not: " + text);
        }
        String host = text.substring(0, colon).replaceAll("^\\[|]$", "");
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--server: unknown host " + host);
        }
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("--server must be a loopback address (127.0.0.0/8 or ::1), not "
                    + address.getHostAddress());
        }
        return new InetSocketAddress(address, Integer.parseInt(text.substring(colon + 1)));
    }

    private static int intOption(CommandLine line, String name, int fallback) {
        String value = line.getOptionValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes a number, not: " + value);
        }
    }

    static long sizeOption(String text) {
        String upper = text.strip().toUpperCase(Locale.ROOT);
        long unit = switch (upper.isEmpty() ? ' ' : upper.charAt(upper.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            default -> 1;
        };
        String digits = unit == 1 ? upper : upper.substring(0, upper.length() - 1);
        try {
            return Long.parseLong(digits) * unit;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--size takes bytes with an optional K, M or G, not: " + text);
        }
    }

    private static int usage(String message) {
        System.err.println("bench: " + message);
        System.err.println("Try 'bench --help' for more information.");
        return EXIT_USAGE;
    }

    private static void printHelp(PrintWriter out) {
        new HelpFormatter().printHelp(out, 100, "bench SCENARIO [options]",
                "\nLoad generator for P2P-CI/1.0 on loopback. Scenarios: " + String.join(", ", SCENARIOS)
                        + ".\nredis-get and redis-set load a Redis server (GET and SET over RESP), http-get a web"
                        + " server (HTTP/1.1 GET, Connection: close), with the same connections, threads and latency"
                        + " code as lookup, add and get, for ratios taken with one client.\n(search and search-broad"
                        + " use the SEARCH extension; -c 100 -k 1000 makes an index of 100,000 records)\n\n",
                OPTIONS, 2, 4, "\nExit status: 0 when every check passed, 1 when one failed, 2 for bad options.",
                false);
        out.flush();
    }

    static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            System.err.println("bench: could not remove " + root + ": " + e.getMessage());
        }
    }
}
