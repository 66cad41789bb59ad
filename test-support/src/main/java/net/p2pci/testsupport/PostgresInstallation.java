package net.p2pci.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A PostgreSQL server installation found on this machine: the directory holding {@code initdb}, {@code pg_ctl},
 * {@code postgres} and {@code createdb}, its version, and, when this process runs as root, the system user the
 * server runs as instead (PostgreSQL refuses to run as root). Immutable.
 */
public final class PostgresInstallation {
    /** The oldest major version the harness is tried with; older ones lack settings it writes. */
    public static final int MINIMUM_MAJOR_VERSION = 13;
    /** Environment variable naming the bin directory to use; when set, nothing else is looked at. */
    public static final String BIN_DIRECTORY_VARIABLE = "P2PCI_PG_BIN";
    /** Debian's and Ubuntu's home of the server binaries, one directory per major version. */
    public static final Path DEBIAN_LIBRARY = Path.of("/usr/lib/postgresql");
    /** The system user the server runs as when this process is root; the one every distribution's package makes. */
    public static final String SERVER_USER_AS_ROOT = "postgres";

    /** The programs the harness runs, all from one directory. */
    static final List<String> PROGRAMS = List.of("initdb", "pg_ctl", "postgres", "createdb");
    /** For {@code --version} and {@code id}, which answer at once unless the machine is wedged. */
    private static final Duration QUICK_COMMAND_DEADLINE = Duration.ofSeconds(20);
    private static final Pattern VERSION = Pattern.compile("\\(PostgreSQL\\) (\\d+)(?:\\.(\\d+))?");

    private final Path binDirectory;
    private final int majorVersion;
    private final String version;
    private final List<String> switchUser;

    private PostgresInstallation(Path binDirectory, int majorVersion, String version, List<String> switchUser) {
        this.binDirectory = binDirectory;
        this.majorVersion = majorVersion;
        this.version = version;
        this.switchUser = List.copyOf(switchUser);
    }

    /**
     * Looks for an installation: in {@value #BIN_DIRECTORY_VARIABLE} if it is set (and only there), else by
     * {@code initdb} on the {@code PATH}, else in {@code /usr/lib/postgresql/VERSION/bin}, newest first. The first
     * of version {@value #MINIMUM_MAJOR_VERSION} or newer is taken.
     */
    static PostgresCluster.Availability find(Map<String, String> environment, Path debianLibrary) {
        String named = environment.getOrDefault(BIN_DIRECTORY_VARIABLE, "").trim();
        List<Path> candidates = named.isEmpty() ? candidates(environment.getOrDefault("PATH", ""), debianLibrary)
                : List.of(Path.of(named));
        List<String> rejected = new ArrayList<>();
        for (Path candidate : candidates) {
            Optional<String> missing = PROGRAMS.stream()
                    .filter(program -> !Files.isExecutable(candidate.resolve(program))).findFirst();
            if (missing.isPresent()) {
                rejected.add(candidate + " has no " + missing.get());
                continue;
            }
            String versionLine;
            try {
                versionLine = output(List.of(candidate.resolve("postgres").toString(), "--version")).strip();
            } catch (IOException e) {
                rejected.add(candidate.resolve("postgres") + " --version failed: " + e.getMessage());
                continue;
            }
            Matcher matcher = VERSION.matcher(versionLine);
            if (!matcher.find()) {
                rejected.add(candidate.resolve("postgres") + " --version said \"" + versionLine + "\"");
                continue;
            }
            int major = Integer.parseInt(matcher.group(1));
            String version = matcher.group(0).substring("(PostgreSQL) ".length());
            if (major < MINIMUM_MAJOR_VERSION) {
                rejected.add(candidate + " is PostgreSQL " + version + ", older than " + MINIMUM_MAJOR_VERSION);
                continue;
            }
            return switchUser().<PostgresCluster.Availability>map(
                            command -> new PostgresCluster.Availability.Available(
                                    new PostgresInstallation(candidate, major, version, command)))
                    .orElseGet(() -> new PostgresCluster.Availability.Unavailable(
                            "this process runs as root, which PostgreSQL refuses, and there is no '"
                                    + SERVER_USER_AS_ROOT + "' user with runuser or setpriv to run it as"));
        }
        String looked = named.isEmpty()
                ? "looked for initdb on the PATH and in " + debianLibrary + "/*/bin"
                : "looked only in " + BIN_DIRECTORY_VARIABLE + "=" + named;
        return new PostgresCluster.Availability.Unavailable("no PostgreSQL server " + MINIMUM_MAJOR_VERSION
                + " or newer found (" + looked + (rejected.isEmpty() ? "" : "; " + String.join("; ", rejected))
                + ")");
    }

    /** The bin directories of the {@code initdb}s on the PATH, then Debian's, newest first; each once. */
    private static List<Path> candidates(String path, Path debianLibrary) {
        Set<Path> candidates = new LinkedHashSet<>();
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            Path initdb = Path.of(entry, "initdb");
            if (Files.isExecutable(initdb)) {
                // Debian links the programs into a PATH directory one by one; their siblings are where the link leads.
                try {
                    candidates.add(initdb.toRealPath().getParent());
                } catch (IOException e) {
                    candidates.add(initdb.getParent());
                }
            }
        }
        try (Stream<Path> versions = Files.list(debianLibrary)) {
            versions.filter(directory -> majorOf(directory).isPresent())
                    .sorted(Comparator.comparingInt((Path directory) -> majorOf(directory).getAsInt()).reversed())
                    .map(directory -> directory.resolve("bin"))
                    .forEach(bin -> candidates.add(realPathOrSelf(bin)));
        } catch (IOException e) {
            // No such directory: not a Debian-style installation.
        }
        return List.copyOf(candidates);
    }

    private static OptionalInt majorOf(Path versionDirectory) {
        String name = versionDirectory.getFileName().toString();
        return name.matches("\\d{1,4}") ? OptionalInt.of(Integer.parseInt(name)) : OptionalInt.empty();
    }

    private static Path realPathOrSelf(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path;
        }
    }

    /**
     * What goes before a server program's command to run it as {@value #SERVER_USER_AS_ROOT}: nothing when this
     * process is not root; empty when it is root and no user can be switched to.
     */
    private static Optional<List<String>> switchUser() {
        try {
            if (!output(List.of("id", "-u")).strip().equals("0")) {
                return Optional.of(List.of());
            }
            output(List.of("id", "-u", SERVER_USER_AS_ROOT)); // fails when there is no such user
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String directory : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            if (Files.isExecutable(Path.of(directory, "runuser"))) {
                return Optional.of(List.of(directory + "/runuser", "-u", SERVER_USER_AS_ROOT, "--"));
            }
            if (Files.isExecutable(Path.of(directory, "setpriv"))) {
                return Optional.of(List.of(directory + "/setpriv", "--reuid=" + SERVER_USER_AS_ROOT,
                        "--regid=" + SERVER_USER_AS_ROOT, "--init-groups"));
            }
        }
        return Optional.empty();
    }

    /** The output of a short command that must exit 0, kept in a file so that the deadline holds while it runs. */
    private static String output(List<String> command) throws IOException {
        Path output = Files.createTempFile("p2pci-pg-", ".out");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            try {
                if (!process.waitFor(QUICK_COMMAND_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    throw new IOException(String.join(" ", command) + " did not exit within "
                            + QUICK_COMMAND_DEADLINE.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted running " + String.join(" ", command));
            }
            String text = new String(Files.readAllBytes(output), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with status " + process.exitValue()
                        + ": " + text.strip());
            }
            return text;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** {@code program} of this installation with {@code arguments}, run as the server's user when that is needed. */
    List<String> command(String program, List<String> arguments) {
        List<String> command = new ArrayList<>(switchUser);
        command.add(binDirectory.resolve(program).toString());
        command.addAll(arguments);
        return command;
    }

    public Path binDirectory() {
        return binDirectory;
    }

    public int majorVersion() {
        return majorVersion;
    }

    /** The version as {@code postgres --version} gives it, e.g. {@code 15.18}. */
    public String version() {
        return version;
    }

    /** The system user the server runs as when it is not this process's own: {@code postgres} when root. */
    public Optional<String> serverUser() {
        return switchUser.isEmpty() ? Optional.empty() : Optional.of(SERVER_USER_AS_ROOT);
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " in " + binDirectory
                + serverUser().map(user -> ", run as " + user).orElse("");
    }
}
