package net.p2pci.demo;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * One run of a demo: the repository it runs from, the transcript it prints and the {@link Cleanup} that undoes
 * whatever it started, with what every step needs: start a program through its launcher, type a command into a
 * peer and wait for its summary line, wait for a line that must come, check the records of an index response, and
 * sum the checks up. {@link #main} is what each demo's own {@code main} hands its steps to.
 *
 * <p>Used by the demo's main thread; what the shutdown hook touches ({@link Transcript}, {@link Cleanup}) is
 * thread-safe itself.
 */
final class DemoRun {
    /** A JVM starts in about a second; this is room for a busy machine, not an expected duration. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    /** Every answer on loopback comes in milliseconds; past this something is wrong. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    /** Log lines that only illustrate (an upload served or refused) are waited for this long, then left out. */
    static final Duration LOG_LINE_TIMEOUT = Duration.ofSeconds(3);

    /** The longest pause between steps: a class watching needs seconds, not minutes. */
    static final Duration MAX_PACE = Duration.ofSeconds(60);
    /** The pause between steps with --web unless --pace says otherwise: time to look at the pages. */
    static final Duration WEB_PACE = Duration.ofSeconds(2);

    /** A demo's steps, run once the transcript and the cleanup are in place; answers the exit status. */
    interface Script {
        int run(DemoRun run) throws IOException;
    }

    /**
     * What the command line asked for.
     *
     * @param root the repository
     * @param web  whether the programs serve their web pages ({@code --web})
     * @param pace the pause before each step after the first ({@code --pace})
     */
    record Options(Path root, boolean web, Duration pace) {
    }

    private final Path root;
    private final boolean web;
    private final Duration pace;
    private final Transcript transcript;
    private final Cleanup cleanup;
    private final Instant started;

    private DemoRun(Options options, Transcript transcript, Cleanup cleanup, Instant started) {
        this.root = options.root();
        this.web = options.web();
        this.pace = options.pace();
        this.transcript = transcript;
        this.cleanup = cleanup;
        this.started = started;
    }

    /**
     * Runs {@code script} and exits with its status: 0 only if every check held. {@code name} prefixes the demo's
     * own error lines, and {@code usage} says how to start it. Ctrl-C or SIGTERM stops every program the demo
     * started and deletes its temporary directory.
     *
     * @param watchable whether the demo takes {@code --web} and {@code --pace}
     */
    static void main(String name, String usage, String[] args, boolean watchable, Script script) {
        Instant started = Instant.now();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Options options;
        try {
            options = parseOptions(args, watchable);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage());
            System.err.println("usage: " + usage);
            System.exit(2);
            return;
        }
        Transcript transcript = new Transcript(out);
        int status;
        try (Cleanup cleanup = Cleanup.withTemporaryDirectory()) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                long running = cleanup.running();
                if (running > 0) {
                    StringBuilder closing = new StringBuilder();
                    cleanup.resources().forEach(resource -> closing.append(", closing the ").append(resource));
                    transcript.end("\nInterrupted: stopping the " + running + " program(s) the demo started" + closing
                            + ", and deleting " + cleanup.directory());
                }
                cleanup.close();
            }, "demo-cleanup"));
            status = script.run(new DemoRun(options, transcript, cleanup, started));
        } catch (IOException e) {
            System.err.println(name + ": " + e.getMessage());
            status = 1;
        }
        out.flush();
        System.exit(status);
    }

    static Options parseOptions(String[] args, boolean watchable) {
        Path root = Path.of("");
        boolean web = false;
        Duration pace = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--root") && i + 1 < args.length) {
                root = Path.of(args[++i]);
            } else if (watchable && args[i].equals("--web")) {
                web = true;
            } else if (watchable && args[i].equals("--pace") && i + 1 < args.length) {
                pace = parsePace(args[++i]);
            } else {
                throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        root = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(root.resolve("sample-rfcs")) || !Files.isExecutable(root.resolve("bin/rfc-peer"))) {
            throw new IllegalArgumentException(root + " is not the P2P-CI repository (no sample-rfcs/ or bin/)");
        }
        return new Options(root, web, pace != null ? pace : web ? WEB_PACE : Duration.ZERO);
    }

    /** {@code 2s}, {@code 500ms} or {@code 0}: from nothing up to {@link #MAX_PACE}. */
    static Duration parsePace(String text) {
        Matcher matcher = Pattern.compile("(\\d{1,6})(ms|s)?").matcher(text);
        if (!matcher.matches() || matcher.group(2) == null && !matcher.group(1).equals("0")) {
            throw new IllegalArgumentException("--pace takes a duration such as 2s or 500ms: "
                    + text.replaceAll("\\P{Print}", "?"));
        }
        long amount = Long.parseLong(matcher.group(1));
        Duration pace = "ms".equals(matcher.group(2)) ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        if (pace.compareTo(MAX_PACE) > 0) {
            throw new IllegalArgumentException("--pace takes at most " + MAX_PACE.toSeconds() + "s: " + text);
        }
        return pace;
    }

    /** Whether the programs serve their web pages. */
    boolean web() {
        return web;
    }

    /**
     * The pause before a step, so that a class can read the transcript and watch the pages follow; nothing without
     * {@code --pace} or {@code --web}. It waits for no condition: it is the presentation's rhythm.
     */
    void pause() throws InterruptedException {
        if (!pace.isZero()) {
            Thread.sleep(pace);
        }
    }

    Transcript transcript() {
        return transcript;
    }

    Cleanup cleanup() {
        return cleanup;
    }

    /**
     * The environment for peers that register under {@code hostNames}: the names must resolve, since each peer
     * downloads from the host the index gives; a hosts file of the demo's own makes them 127.0.0.1 for the peers'
     * JVMs only, without touching the machine's /etc/hosts. The info level shows each upload served or refused.
     */
    Map<String, String> peerEnvironment(List<String> hostNames) throws IOException {
        Path hosts = Files.writeString(cleanup.directory().resolve("hosts"),
                "127.0.0.1 " + String.join(" ", hostNames) + "\n");
        return Map.of(
                "JAVA_HOME", System.getProperty("java.home"),
                "JAVA_OPTS", "-Djdk.net.hosts.file=" + hosts + " -Dp2pci.log.level=info");
    }

    /**
     * Starts {@code launcher} (a path under the repository, e.g. {@code bin/ci-server}) with {@code args} and a
     * port file of its own, shows the command line, and hands the program to the cleanup.
     */
    DemoProcess start(String label, String launcher, List<String> args, Map<String, String> environment)
            throws IOException {
        // Where the program tells the demo its port: its log lines are for the people watching.
        Path portFile = cleanup.directory().resolve(label.replace(' ', '-') + ".port");
        List<String> arguments = new ArrayList<>(args);
        arguments.addAll(List.of("--port-file", portFile.toString()));
        List<String> command = new ArrayList<>();
        command.add(root.resolve(launcher).toString());
        command.addAll(arguments);
        transcript.command(launcher + " " + String.join(" ", arguments) + "    # " + label);
        return cleanup.register(DemoProcess.start(label, command, root, environment, portFile));
    }

    /** Types {@code command} into {@code peer}, and shows that it did. */
    void send(DemoProcess peer, String command) throws IOException {
        transcript.note("→ " + peer.label() + ": " + command);
        peer.send(command);
    }

    /**
     * Types {@code command} into a peer and waits for its summary line ({@code [Peer] <summary>}); returns what the
     * peer printed for the command. A {@code [Peer] Error:} line instead fails the step.
     */
    List<String> runCommand(DemoProcess peer, String command, String summary)
            throws IOException, InterruptedException, StepFailure {
        int mark = peer.mark();
        send(peer, command);
        Matcher outcome = require(peer, Pattern.compile("^\\[Peer\\] (?:(" + summary + ")|Error: (.*))$"), mark,
                ANSWER_TIMEOUT);
        if (outcome.group(2) != null) {
            throw new StepFailure(peer.label() + " answered " + command + " with an error: " + outcome.group(2));
        }
        List<String> output = peer.linesFrom(mark);
        return output.subList(0, output.indexOf(outcome.group()) + 1);
    }

    /** Waits for a program's port file, which must come: the step cannot go on without it. */
    static int requirePort(DemoProcess process) throws StepFailure {
        try {
            return process.awaitPort(START_TIMEOUT);
        } catch (IOException e) {
            throw new StepFailure(e.getMessage());
        }
    }

    /** Waits for a line that must come: the step cannot go on without it. */
    static Matcher require(DemoProcess process, Pattern pattern, int mark, Duration timeout)
            throws InterruptedException, StepFailure {
        Optional<Matcher> line = process.awaitLine(pattern, mark, timeout);
        if (line.isPresent()) {
            return line.get();
        }
        OptionalInt status = process.exitStatus();
        throw new StepFailure(process.label() + (status.isPresent()
                ? " exited with status " + status.getAsInt() + " before printing a line like: " + pattern
                : " did not print a line like " + pattern + " within " + timeout.toSeconds() + " s"));
    }

    /**
     * Checks that {@code output}, a peer's LIST or LOOKUP, is 200 OK with exactly the records {@code expected}
     * ({@link RecordLine#holding()} each), none twice.
     */
    void checkRecords(List<String> output, Set<String> expected, String request) {
        Set<String> actual = RecordLine.parseAll(output).stream().map(RecordLine::holding)
                .collect(Collectors.toCollection(TreeSet::new));
        boolean ok = output.contains("P2P-CI/1.0 200 OK") && actual.equals(expected)
                && RecordLine.parseAll(output).size() == expected.size();
        String description = request + ": 200 OK with " + expected.size() + " record" + (expected.size() == 1
                ? "" : "s") + ", each RFC at the peer holding it";
        if (!ok) {
            description += "; expected " + expected + " but got " + actual;
        }
        transcript.check(ok, description);
    }

    /** A demo's steps, in order; a step that fails its check throws {@link StepFailure}. */
    interface Steps {
        void run() throws StepFailure, IOException, InterruptedException;
    }

    /**
     * Runs {@code steps}; on a failure shows {@code everything} (what each process printed), and records why the
     * demo stopped. Returns the exit status: 0 if every check held.
     */
    int runSteps(Steps steps, Runnable showEverything) {
        try {
            steps.run();
        } catch (StepFailure e) {
            showEverything.run();
            transcript.check(false, e.getMessage());
            transcript.note("The demo stops here: the next steps depend on this one.");
        } catch (IOException e) {
            showEverything.run();
            transcript.check(false, "the demo could not go on: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            transcript.check(false, "interrupted");
        }
        return summarize();
    }

    /** Prints the result and answers the exit status: 0 if every check held. */
    int summarize() {
        String time = String.format("%.1f s", Duration.between(started, Instant.now()).toMillis() / 1000.0);
        transcript.heading("result");
        if (transcript.failed() == 0) {
            transcript.note("All " + transcript.passed() + " checks passed in " + time + ".");
            return 0;
        }
        transcript.note(transcript.failed() + " check(s) failed, " + transcript.passed() + " passed, in " + time
                + ".");
        return 1;
    }

    /** A new directory {@code name} in the demo's scratch directory, with copies of these sample RFCs. */
    Path peerDirectory(String name, List<Integer> numbers) throws IOException {
        Path directory = Files.createDirectory(cleanup.directory().resolve(name));
        for (int number : numbers) {
            Files.copy(sampleRfc(number), directory.resolve(sampleRfc(number).getFileName()),
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        return directory;
    }

    /**
     * Checks a peer's GET of sample RFC {@code number} from {@code from}: the answer in its {@code output}, and the
     * copy in its {@code directory}, byte for byte.
     *
     * @return whether the copy is there
     */
    boolean checkDownload(List<String> output, int number, Path directory, String from, String peer)
            throws IOException {
        Path sample = sampleRfc(number);
        Path copy = directory.resolve(sample.getFileName());
        long size = Files.size(sample);
        transcript.check(output.contains("P2P-CI/1.0 200 OK") && output.contains("Content-Length: " + size)
                        && output.getLast().matches("\\[Peer\\] GET RFC " + number + ": " + size
                        + " bytes .*, saved as " + sample.getFileName()),
                "GET from " + from + ": 200 OK with Content-Length " + size + ", all of it received");
        if (!Files.exists(copy)) {
            transcript.check(false, "peer " + peer + "'s directory has no " + copy.getFileName());
            return false;
        }
        String expected = sha256(sample);
        String actual = sha256(copy);
        transcript.check(expected.equals(actual), "peer " + peer + "'s " + copy.getFileName() + " is byte for byte"
                + " sample-rfcs/" + sample.getFileName() + " (sha256 " + abbreviate(actual)
                + (expected.equals(actual) ? "" : ", expected " + abbreviate(expected)) + ")");
        return true;
    }

    /** {@code sample-rfcs/rfcN.txt}. */
    Path sampleRfc(int number) {
        return root.resolve("sample-rfcs").resolve("rfc" + number + ".txt");
    }

    /** A pattern matching exactly {@code line}. */
    static Pattern literalLine(String line) {
        return Pattern.compile("^" + Pattern.quote(line) + "$");
    }

    static String join(List<Integer> numbers) {
        return numbers.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                digest.update(buffer, 0, read);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The first 16 hex digits of a digest, for a transcript line. */
    static String abbreviate(String hex) {
        return hex.substring(0, 16) + "…";
    }
}
