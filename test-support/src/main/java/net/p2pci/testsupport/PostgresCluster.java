package net.p2pci.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A throwaway PostgreSQL cluster: made by {@code initdb} in a new temporary directory of its own, listening on
 * 127.0.0.1 only, on a free port, and gone with everything in it once {@link #close() closed}. Tests use it as
 * they use a real server; {@link #stop(Shutdown)} and {@link #startAgain()} take the database away and bring it
 * back, on the same port with the same data.
 *
 * <p>Anyone may connect as {@value #USER} without a password (trust authentication, on loopback only); the role
 * has the password {@value #PASSWORD} too, for code that always sends one. That means any user of this machine
 * can be the cluster's superuser while it runs, and so run commands as the user the server runs as: fine on a CI
 * machine or a developer's own, not on a machine shared with people one does not trust. As root, the server runs
 * as the {@code postgres} user, which owns the directory: PostgreSQL refuses to run as root.
 *
 * <p>Its methods are synchronized, so that the shutdown hook can close a cluster that a test left open.
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    /** The superuser initdb makes, which tests connect as. */
    public static final String USER = "p2pci";
    public static final String PASSWORD = "p2pci";
    /** The database {@link #start()} makes; {@link #createDatabase} makes more. */
    public static final String DATABASE = "p2pci";
    /** System property: {@code true} makes a missing PostgreSQL fail the tests instead of skipping them. */
    public static final String REQUIRE_PROPERTY = "p2pci.requirePostgres";

    /** initdb, or the server's start: a second or less each on an idle 2-core machine; the rest is room for load. */
    public static final Duration START_DEADLINE = Duration.ofSeconds(60);
    /** A fast stop writes a checkpoint of what the tests wrote, a few MB at most. */
    public static final Duration STOP_DEADLINE = Duration.ofSeconds(30);
    /** createdb: a copy of the template, a few MB. */
    public static final Duration COMMAND_DEADLINE = Duration.ofSeconds(60);
    /** How long a killed leftover process is waited for; SIGKILL ends it at once unless the machine is wedged. */
    private static final Duration KILL_DEADLINE = Duration.ofSeconds(10);
    /** A server process exits within milliseconds of its pid file's removal; a short poll keeps stops quick. */
    private static final Duration EXIT_POLL_INTERVAL = Duration.ofMillis(10);
    /** Starts on fresh ports after another process took the one chosen before the server could bind it. */
    public static final int PORT_ATTEMPTS = 5;
    /** Of the server's log and a command's output, the lines a failure shows. */
    public static final int SHOWN_LINES = 30;
    /** What an identifier may be without quoting, and the 63 bytes PostgreSQL keeps of one. */
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** A Unix socket's path is cut at 107 bytes on Linux (103 on macOS); the server refuses longer ones. */
    private static final int MAX_SOCKET_PATH_BYTES = 100;
    private static final String DIRECTORY_PREFIX = "p2pci-pg-";
    /** In each cluster's directory: the JVM that made it, so that a later start can sweep it when that JVM died. */
    private static final String OWNER_FILE = "owner";

    /** Open clusters, for the shutdown hook; concurrent because any thread may start or close one. */
    private static final Set<PostgresCluster> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(
                () -> List.copyOf(OPEN).forEach(PostgresCluster::closeQuietly), "postgres-cluster-cleanup"));
    }

    /** Whether PostgreSQL can be run here, and if not why; looked up once per JVM. */
    public sealed interface Availability {
        /** It can: the installation found. */
        record Available(PostgresInstallation installation) implements Availability {
        }

        /** It cannot, for {@code reason}: a sentence fragment saying what is missing and where it was looked for. */
        record Unavailable(String reason) implements Availability {
        }
    }

    /** How {@link #stop(Shutdown)} stops the server. */
    public enum Shutdown {
        /** Disconnects the clients, rolls back what they had open, writes a checkpoint: an orderly outage. */
        FAST("fast"),
        /** Every server process quits at once, as in a crash; the next start recovers from the WAL. */
        IMMEDIATE("immediate");

        private final String pgCtlMode;

        Shutdown(String pgCtlMode) {
            this.pgCtlMode = pgCtlMode;
        }
    }

    private final PostgresInstallation installation;
    private final Path directory;
    private final Path dataDirectory;
    private final Path socketDirectory;
    private final Path logFile;
    private final Path commandLog;
    private int port;
    private boolean running;
    private boolean closed;

    private PostgresCluster(PostgresInstallation installation, Path directory) {
        this.installation = installation;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.socketDirectory = directory.resolve("socket");
        this.logFile = directory.resolve("postgres.log");
        this.commandLog = directory.resolve("commands.log");
    }

    /** Whether PostgreSQL can be run on this machine; the first call looks (a few processes), later ones remember. */
    public static Availability availability() {
        return LookedUp.AVAILABILITY;
    }

    /** The first look's answer, made when first asked for. */
    private static final class LookedUp {
        static final Availability AVAILABILITY =
                PostgresInstallation.find(System.getenv(), PostgresInstallation.DEBIAN_LIBRARY);
    }

    /**
     * Whether a missing PostgreSQL must fail the tests rather than skip them: in CI ({@code CI=true}, as CI
     * services set it) or when the {@value #REQUIRE_PROPERTY} system property is {@code true}.
     */
    public static boolean required() {
        return required(System.getenv(), System.getProperties());
    }

    static boolean required(Map<String, String> environment, Properties properties) {
        return "true".equalsIgnoreCase(environment.getOrDefault("CI", "").strip())
                || "true".equalsIgnoreCase(properties.getProperty(REQUIRE_PROPERTY, "").strip());
    }

    /** Makes a cluster with the installation found here and starts it; fails when there is none. */
    public static PostgresCluster start() throws IOException {
        return switch (availability()) {
            case Availability.Available available -> start(available.installation());
            case Availability.Unavailable unavailable ->
                    throw new IOException("cannot start PostgreSQL: " + unavailable.reason());
        };
    }

    /**
     * Makes a cluster with {@code installation} in a new temporary directory, starts it on a free port, and
     * creates the database {@value #DATABASE}. On failure everything made so far is removed again.
     */
    public static PostgresCluster start(PostgresInstallation installation) throws IOException {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        sweepAbandoned(base, installation);
        PostgresCluster cluster = new PostgresCluster(installation, createDirectory(base, installation));
        OPEN.add(cluster);
        try {
            cluster.initialize();
            cluster.startOnFreePort();
            cluster.createDatabase(DATABASE);
            return cluster;
        } catch (IOException | RuntimeException | Error e) {
            try {
                cluster.close();
            } catch (RuntimeException closeFailure) {
                e.addSuppressed(closeFailure);
            }
            throw e;
        }
    }

    /**
     * A new directory under {@code base}, marked as this JVM's. As root it is given to the server's user, which
     * must also be able to reach it through {@code base}.
     */
    private static Path createDirectory(Path base, PostgresInstallation installation) throws IOException {
        Path directory = Files.createTempDirectory(base, DIRECTORY_PREFIX);
        ProcessHandle self = ProcessHandle.current();
        Files.writeString(directory.resolve(OWNER_FILE), self.pid() + " "
                + self.info().startInstant().map(Instant::toString).orElse("?") + "\n");
        String socket = directory.resolve("socket").resolve(".s.PGSQL.65535").toString();
        if (socket.getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            deleteRecursively(directory);
            throw new IOException("the server's socket path " + socket + " would be longer than "
                    + MAX_SOCKET_PATH_BYTES + " bytes; point java.io.tmpdir at a shorter directory, e.g. /tmp");
        }
        if (installation.serverUser().isPresent()) {
            String user = installation.serverUser().get();
            Optional<Path> closedAncestor = ancestorClosedTo(directory.getParent(), user);
            if (closedAncestor.isPresent()) {
                deleteRecursively(directory);
                throw new IOException("the server runs as " + user + ", which cannot reach " + base + ": "
                        + closedAncestor.get() + " is closed to it; point java.io.tmpdir at a directory it can "
                        + "reach, e.g. /tmp");
            }
            giveTo(user, directory);
        }
        return directory;
    }

    /** The first of {@code directory} and its ancestors that {@code user} cannot pass through, as far as is told. */
    private static Optional<Path> ancestorClosedTo(Path directory, String user) throws IOException {
        for (Path step = directory.toAbsolutePath(); step != null; step = step.getParent()) {
            PosixFileAttributes attributes = Files.readAttributes(step, PosixFileAttributes.class);
            Set<PosixFilePermission> permissions = attributes.permissions();
            boolean ownedByUser = attributes.owner().getName().equals(user);
            boolean open = permissions.contains(PosixFilePermission.OTHERS_EXECUTE)
                    // The group may be one of the user's; telling is more than it is worth, so it counts as open.
                    || permissions.contains(PosixFilePermission.GROUP_EXECUTE)
                    || ownedByUser && permissions.contains(PosixFilePermission.OWNER_EXECUTE);
            if (!open) {
                return Optional.of(step);
            }
        }
        return Optional.empty();
    }

    /** Makes {@code user} (and its group of the same name, if there is one) the owner of {@code path}. */
    private static void giveTo(String user, Path path) throws IOException {
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(user);
        PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        view.setOwner(owner);
        try {
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
            view.setGroup(group);
        } catch (IOException e) {
            // No group of that name: the owner alone is enough for a directory of mode 700.
        }
    }

    /** initdb, then this harness's settings added to the cluster's postgresql.conf. */
    private void initialize() throws IOException {
        Path passwordFile = directory.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (installation.serverUser().isPresent()) {
            giveTo(installation.serverUser().get(), passwordFile);
        }
        run("initdb", List.of("-D", dataDirectory.toString(), "-U", USER, "--pwfile=" + passwordFile,
                // Trust on the socket and on 127.0.0.1: no secret to hand around; see the class's comment.
                "--auth=trust", "--encoding=UTF8",
                // Locale C: the same collation and English messages wherever the tests run.
                "--no-locale",
                // Skips only initdb's final flush of what it wrote; the server's own fsync stays on.
                "--no-sync"), START_DEADLINE);
        Files.delete(passwordFile);
        Files.createDirectory(socketDirectory);
        if (installation.serverUser().isPresent()) {
            giveTo(installation.serverUser().get(), socketDirectory);
        }
        Files.writeString(dataDirectory.resolve("postgresql.conf"), String.join("\n", settings()) + "\n",
                StandardOpenOption.APPEND);
    }

    /**
     * The settings added to initdb's: for tests on a small machine, and the same everywhere. Durability is left
     * as it is by default ({@code fsync} and {@code synchronous_commit} on), so that a test of an outage, and a
     * benchmark, see what a production server does.
     */
    private List<String> settings() {
        return List.of(
                "",
                "# Added by P2P-CI's test harness (net.p2pci.testsupport.PostgresCluster)",
                // Loopback only: with trust authentication, nothing from outside the machine may reach it.
                "listen_addresses = '" + HOST + "'",
                // The cluster's own, not /var/run/postgresql, which belongs to the system's clusters.
                "unix_socket_directories = '" + socketDirectory.toString().replace("'", "''") + "'",
                // Several index servers sharing the database, each with its pool, and the tests' own connections.
                "max_connections = 200",
                // Test data is small; 128MB (the default) in each of several clusters at once is memory for nothing.
                "shared_buffers = 32MB",
                // Compiling a query costs more than it saves on the small queries of tests, and the cores are few.
                "jit = off",
                // Everything to the one file pg_ctl's -l names, which a failure shows.
                "logging_collector = off",
                "log_line_prefix = '%m [%p] %q%u@%d '");
    }

    /** Starts the server on a free port, and on another when that one was taken before the server bound it. */
    private void startOnFreePort() throws IOException {
        List<Integer> taken = new ArrayList<>();
        for (int attempt = 0; attempt < PORT_ATTEMPTS; attempt++) {
            int candidate = freePort();
            if (tryStart(candidate)) {
                port = candidate;
                return;
            }
            taken.add(candidate);
        }
        throw new IOException("the server found ports " + taken + " taken each time it started" + logTail());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /**
     * {@code pg_ctl start}, waiting until the server accepts connections. False when another process holds
     * {@code port}; an exception for any other failure.
     */
    private boolean tryStart(int port) throws IOException {
        long logStart = Files.exists(logFile) ? Files.size(logFile) : 0;
        // -o goes through a shell; a number needs no quoting.
        CommandResult result = runUnchecked("pg_ctl", List.of("start", "-D", dataDirectory.toString(),
                "-l", logFile.toString(), "-w", "-t", Long.toString(START_DEADLINE.toSeconds()),
                "-o", "-p " + port), START_DEADLINE.plus(STOP_DEADLINE));
        if (result.status() == 0) {
            running = true;
            return true;
        }
        String log = readFrom(logFile, logStart);
        if (log.contains("could not create any TCP/IP sockets")) {
            return false;
        }
        throw failure(result);
    }

    /**
     * Stops the server with a fast shutdown: clients are disconnected, open transactions rolled back. Nothing
     * happens when it is not running.
     */
    public synchronized void stop() throws IOException {
        stop(Shutdown.FAST);
    }

    /** Stops the server as {@code mode} says and waits until it has; nothing happens when it is not running. */
    public synchronized void stop(Shutdown mode) throws IOException {
        requireOpen();
        if (!running) {
            return;
        }
        stopServer(mode);
        running = false;
    }

    /**
     * {@code pg_ctl stop}, and then waits for the postmaster itself to exit: pg_ctl is done once the pid file is
     * gone, which the postmaster removes just before it exits.
     */
    private void stopServer(Shutdown mode) throws IOException {
        Optional<ProcessHandle> postmaster = postmaster(dataDirectory);
        CommandResult result = runUnchecked("pg_ctl", List.of("stop", "-D", dataDirectory.toString(),
                "-m", mode.pgCtlMode, "-w", "-t", Long.toString(STOP_DEADLINE.toSeconds())),
                STOP_DEADLINE.plus(STOP_DEADLINE));
        if (result.status() != 0) {
            throw failure(result);
        }
        if (postmaster.isPresent() && !awaitExit(postmaster.get(), KILL_DEADLINE)) {
            throw new IOException("the postmaster (pid " + postmaster.get().pid() + ") was still running "
                    + KILL_DEADLINE.toSeconds() + " s after pg_ctl stop" + logTail());
        }
    }

    /**
     * Whether {@code process} exited within {@code deadline}. Polled: the JDK's {@code onExit} of a process that is
     * not its child looks about once a second, which made each stop take two.
     */
    private static boolean awaitExit(ProcessHandle process, Duration deadline) throws InterruptedIOException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!hasExited(process)) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            try {
                Thread.sleep(EXIT_POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for pid " + process.pid() + " to exit");
            }
        }
        return true;
    }

    /** Starts the stopped server again, on the same port, with the same data; fails if the port was taken. */
    public synchronized void startAgain() throws IOException {
        requireOpen();
        if (running) {
            throw new IllegalStateException("the server in " + directory + " is running already");
        }
        if (!tryStart(port)) {
            throw new IOException("cannot start the server again: another process took port " + port
                    + " while it was stopped" + logTail());
        }
    }

    /** {@link #stop()}, then {@link #startAgain()}. */
    public synchronized void restart() throws IOException {
        stop();
        startAgain();
    }

    /** Creates the database {@code name}, owned by {@value #USER}, for a test that wants one of its own. */
    public synchronized void createDatabase(String name) throws IOException {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a database name here is lower-case letters, digits and _, at most"
                    + " 63, not starting with a digit: " + name);
        }
        requireOpen();
        if (!running) {
            throw new IllegalStateException("the server in " + directory + " is stopped");
        }
        run("createdb", List.of("-h", HOST, "-p", Integer.toString(port), "-U", USER, "-w", name),
                COMMAND_DEADLINE);
    }

    /**
     * Stops the server (an immediate shutdown: its data is thrown away anyway), kills whatever of it is left, and
     * deletes the directory with everything in it, whatever state the cluster is in. Only a directory that cannot
     * be deleted makes it fail.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Exception> problems = new ArrayList<>();
        // Also when a start was given up on, or a stop failed, but the server runs: an orderly stop frees its shared
        // memory, which a SIGKILL would leave behind.
        if (running || postmaster(dataDirectory).isPresent()) {
            try {
                stopServer(Shutdown.IMMEDIATE);
            } catch (IOException e) {
                problems.add(e);
            }
            running = false;
        }
        killLeftovers(dataDirectory);
        try {
            deleteRecursively(directory);
        } catch (IOException e) {
            problems.forEach(e::addSuppressed);
            throw new UncheckedIOException("cannot delete the PostgreSQL cluster's directory " + directory, e);
        } finally {
            OPEN.remove(this);
        }
    }

    /**
     * Leaves closing this cluster at exit to its owner, instead of to the shutdown hook that closes every cluster
     * left open: for an owner whose own hook stops the cluster's clients first, as the demo's does. Shutdown hooks
     * run at the same time, so the database would otherwise go while its clients leave, and an index server that
     * leaves waits for the database (up to its --db-wait) to delete its own rows. The owner must then close the
     * cluster on every exit; one whose JVM died without doing so is swept by a later {@link #start()}.
     */
    public void leaveExitToOwner() {
        OPEN.remove(this);
    }

    private static void closeQuietly(PostgresCluster cluster) {
        try {
            cluster.close();
        } catch (RuntimeException e) {
            System.err.println("PostgresCluster: " + e.getMessage());
        }
    }

    /**
     * Kills the postmaster named in {@code dataDirectory}'s {@code postmaster.pid}, if it still runs, with its
     * children: one that a failed stop, or a start given up on, left behind.
     */
    private static void killLeftovers(Path dataDirectory) {
        Optional<ProcessHandle> postmaster = postmaster(dataDirectory);
        if (postmaster.isEmpty()) {
            return;
        }
        List<ProcessHandle> processes = new ArrayList<>(postmaster.get().descendants().toList());
        processes.add(postmaster.get());
        processes.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : processes) {
            try {
                awaitExit(process, KILL_DEADLINE); // if it did not, nothing more can be done; deleting goes ahead
            } catch (InterruptedIOException e) {
                return;
            }
        }
    }

    /**
     * Whether {@code process} has exited, including when it waits only to be reaped. The postmaster is no child of
     * this JVM but of whatever adopts orphans, which may take a second or two to reap it; the JDK counts it alive
     * until then. (Seen only on Linux; elsewhere the JDK's word is taken.)
     */
    static boolean hasExited(ProcessHandle process) {
        if (!process.isAlive()) {
            return true;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"),
                    StandardCharsets.US_ASCII);
            // "PID (COMMAND) STATE ...": the command may hold spaces and parentheses; the state follows the last ')'.
            int end = stat.lastIndexOf(')');
            return end >= 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** The running postmaster of {@code dataDirectory}, if its pid file names a live {@code postgres} process. */
    private static Optional<ProcessHandle> postmaster(Path dataDirectory) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty() || !lines.get(0).strip().matches("\\d{1,10}")) {
            return Optional.empty();
        }
        // The command is checked so that a pid the system has since given to another process is left alone.
        return ProcessHandle.of(Long.parseLong(lines.get(0).strip()))
                .filter(process -> !hasExited(process))
                .filter(process -> process.info().command()
                        .map(command -> Path.of(command).getFileName().toString())
                        .filter(name -> name.equals("postgres") || name.equals("postmaster")).isPresent());
    }

    /**
     * Closes the clusters under {@code base} whose JVM is gone without closing them (killed, or stopped at a
     * timeout): their servers would otherwise run on until the machine restarts.
     */
    private static void sweepAbandoned(Path base, PostgresInstallation installation) {
        try (DirectoryStream<Path> directories = Files.newDirectoryStream(base, DIRECTORY_PREFIX + "*")) {
            for (Path directory : directories) {
                if (isAbandoned(directory)) {
                    try {
                        new PostgresCluster(installation, directory).close();
                    } catch (RuntimeException e) {
                        // Another user's, or going away under us: not this start's business.
                    }
                }
            }
        } catch (IOException e) {
            // An unreadable base fails createTempDirectory next, with its own message.
        }
    }

    /** Whether the JVM named in the directory's owner file is gone: no such process, or a later one with its pid. */
    private static boolean isAbandoned(Path directory) {
        String[] owner;
        try {
            owner = Files.readString(directory.resolve(OWNER_FILE), StandardCharsets.UTF_8).strip().split(" ");
        } catch (IOException e) {
            return false; // not one of ours, or one being made
        }
        if (owner.length != 2 || !owner[0].matches("\\d{1,10}")) {
            return false;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(owner[0]));
        if (process.isEmpty()) {
            return true;
        }
        Optional<Instant> started = process.get().info().startInstant();
        try {
            // Apart by more than the clock's rounding: the pid was given to another process since.
            return started.isPresent() && Duration.between(Instant.parse(owner[1]), started.get()).abs()
                    .compareTo(Duration.ofSeconds(2)) > 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** What a program printed and how it exited; its output is the part of the command log written while it ran. */
    private record CommandResult(List<String> command, int status, String output) {
    }

    /** Runs a program of the installation and fails, with its output and the server log's tail, unless it exits 0. */
    private void run(String program, List<String> arguments, Duration deadline) throws IOException {
        CommandResult result = runUnchecked(program, arguments, deadline);
        if (result.status() != 0) {
            throw failure(result);
        }
    }

    /**
     * Runs a program of the installation (as the server's user, if that is not this process's) with its output
     * appended to the command log, and waits for it to exit; killed with its children at {@code deadline}.
     */
    private CommandResult runUnchecked(String program, List<String> arguments, Duration deadline)
            throws IOException {
        List<String> command = installation.command(program, arguments);
        long outputStart = Files.exists(commandLog) ? Files.size(commandLog) : 0;
        Files.writeString(commandLog, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(commandLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // PGHOST, PGPORT, PGDATA and the like of whoever runs the tests would point the programs elsewhere.
        builder.environment().keySet().removeIf(name -> name.startsWith("PG"));
        // English messages whatever the machine's language, since a taken port is told by its message.
        builder.environment().put("LC_ALL", "C");
        Process process = builder.start();
        try {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(KILL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
                throw new IOException(String.join(" ", command) + " did not finish within " + deadline.toSeconds()
                        + " s" + commandOutput(readFrom(commandLog, outputStart)) + logTail());
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted waiting for " + program + " in " + directory);
        }
        return new CommandResult(command, process.exitValue(), readFrom(commandLog, outputStart));
    }

    private IOException failure(CommandResult result) {
        return new IOException(String.join(" ", result.command()) + " exited with status " + result.status()
                + commandOutput(result.output()) + logTail());
    }

    private static String commandOutput(String output) {
        return "\n--- its output:\n" + lastLines(output);
    }

    /** The last lines of the server's log, for a failure's message. */
    private String logTail() {
        String log;
        try {
            log = readFrom(logFile, 0);
        } catch (IOException e) {
            return "\n--- the server's log " + logFile + " cannot be read: " + e.getMessage();
        }
        return log.isEmpty() ? "\n--- the server's log " + logFile + " is empty"
                : "\n--- the last lines of the server's log " + logFile + ":\n" + lastLines(log);
    }

    private static String lastLines(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - SHOWN_LINES), lines.size()));
    }

    /** What {@code file} holds from byte {@code offset} on; empty when there is no file. */
    private static String readFrom(Path file, long offset) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            channel.position(offset);
            byte[] bytes = Channels.newInputStream(channel).readAllBytes();
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return "";
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // a server process removed it as it went
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(directory);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the PostgreSQL cluster in " + directory + " is closed");
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/p2pci}. */
    public String jdbcUrl() {
        return jdbcUrl(DATABASE);
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/DATABASE}. */
    public synchronized String jdbcUrl(String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database;
    }

    public String host() {
        return HOST;
    }

    public synchronized int port() {
        return port;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public String database() {
        return DATABASE;
    }

    /** Whether the server was started and not stopped since (it is not asked). */
    public synchronized boolean isRunning() {
        return running;
    }

    public PostgresInstallation installation() {
        return installation;
    }

    /**
     * The cluster's temporary directory: {@code data/}, {@code socket/}, {@code postgres.log}, and
     * {@code commands.log}, what the programs run for it printed.
     */
    public Path directory() {
        return directory;
    }

    /** The server's log: everything it wrote, across its starts. */
    public Path logFile() {
        return logFile;
    }

    @Override
    public String toString() {
        return "PostgreSQL cluster on " + HOST + ":" + port + " in " + directory;
    }
}
