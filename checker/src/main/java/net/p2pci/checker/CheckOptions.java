package net.p2pci.checker;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** The command line of p2pci-check, parsed and checked: which role, which target, and how to report. */
public record CheckOptions(Role role, Optional<Target> target, int rfc, boolean strict, Report.Format format,
                           Optional<Path> output, String casePattern, Duration timeout, int port, int uploadPort,
                           Optional<String> script, String holderHost, boolean listCases) {
    /** What is checked: an index server, a peer's upload server, or a peer's client side. */
    public enum Role {
        SERVER, UPLOAD, CLIENT;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Long enough for a busy server on another continent, short enough that a hung case does not stall a run. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Option RFC = Option.builder().longOpt("rfc").hasArg().argName("N")
            .desc("upload: an RFC number the peer holds (its file is fetched and checked)").build();
    private static final Option STRICT = Option.builder().longOpt("strict")
            .desc("count NON-STRICT (works, but deviates) as failure").build();
    private static final Option FORMAT = Option.builder().longOpt("format").hasArg().argName("text|json|junit")
            .desc("report format (default text)").build();
    private static final Option OUTPUT = Option.builder("o").longOpt("output").hasArg().argName("FILE")
            .desc("write the report to FILE; the cases' progress and the summary still go to stdout").build();
    private static final Option CASE = Option.builder("c").longOpt("case").hasArg().argName("PATTERN")
            .desc("run only the cases whose id matches PATTERN: an id, a glob with * (e.g. '5-*'), or part of an id")
            .build();
    private static final Option TIMEOUT = Option.builder("t").longOpt("timeout").hasArg().argName("SECONDS")
            .desc("the longest wait for any answer or event (default " + DEFAULT_TIMEOUT.toSeconds() + ")").build();
    private static final Option PORT = Option.builder("p").longOpt("port").hasArg().argName("P")
            .desc("client: the port the checker's index server listens on (default 7734; 0: any free port)").build();
    private static final Option UPLOAD_PORT = Option.builder().longOpt("upload-port").hasArg().argName("U")
            .desc("client: the port of the checker's upload server, named in its records (default 0: any)").build();
    private static final Option SCRIPT = Option.builder().longOpt("script").hasArg().argName("COMMAND")
            .desc("client: start COMMAND (split at spaces; {server} becomes 127.0.0.1:P) and drive it through its"
                    + " stdin with rfc-peer's commands (LOOKUP n, LIST, GET n; one a line), instead of asking you to")
            .build();
    private static final Option HOLDER_HOST = Option.builder().longOpt("holder-host").hasArg().argName("NAME")
            .desc("client: the host the checker's records name for its upload server (default 127.0.0.1; give this"
                    + " machine's address when the peer runs on another)").build();
    private static final Option LIST = Option.builder("l").longOpt("list")
            .desc("list the role's cases and exit").build();
    private static final Option HELP = Option.builder("h").longOpt("help").desc("show this help and exit").build();
    private static final Options OPTIONS = new Options().addOption(RFC).addOption(STRICT).addOption(FORMAT)
            .addOption(OUTPUT).addOption(CASE).addOption(TIMEOUT).addOption(PORT).addOption(UPLOAD_PORT)
            .addOption(SCRIPT).addOption(HOLDER_HOST).addOption(LIST).addOption(HELP);

    /** A command line that cannot be run; the message is the one-line error. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message);
        }
    }

    /** @return the options, or empty when --help was asked for */
    public static Optional<CheckOptions> parse(String... args) throws UsageException {
        CommandLine line;
        try {
            line = new DefaultParser().parse(OPTIONS, args);
        } catch (ParseException e) {
            throw new UsageException(e.getMessage());
        }
        if (line.hasOption(HELP)) {
            return Optional.empty();
        }
        List<String> words = line.getArgList();
        if (words.isEmpty()) {
            throw new UsageException("say which role to check: server HOST:PORT, upload HOST:PORT --rfc N, or client");
        }
        Role role = switch (words.getFirst()) {
            case "server" -> Role.SERVER;
            case "upload" -> Role.UPLOAD;
            case "client" -> Role.CLIENT;
            default -> throw new UsageException("unknown role " + net.p2pci.protocol.WireText.forLog(words.getFirst())
                    + " (server, upload or client)");
        };
        boolean listCases = line.hasOption(LIST);
        Optional<Target> target = Optional.empty();
        if (role != Role.CLIENT && !listCases) {
            if (words.size() != 2) {
                throw new UsageException(role.word() + " needs the target as HOST:PORT");
            }
            Target parsed = Target.parse(words.get(1));
            if (parsed == null) {
                throw new UsageException("not HOST:PORT: " + net.p2pci.protocol.WireText.forLog(words.get(1)));
            }
            target = Optional.of(parsed);
        } else if (words.size() > (listCases && role != Role.CLIENT ? 2 : 1)) {
            throw new UsageException("unexpected argument: " + net.p2pci.protocol.WireText.forLog(words.get(1)));
        }
        int rfc = 0;
        if (role == Role.UPLOAD && !listCases) {
            if (!line.hasOption(RFC)) {
                throw new UsageException("upload needs --rfc N, an RFC the peer holds");
            }
            rfc = number(line.getOptionValue(RFC), "--rfc", 1, 999_999_999);
        }
        String format = line.getOptionValue(FORMAT, "text").toUpperCase(Locale.ROOT);
        Report.Format reportFormat;
        try {
            reportFormat = Report.Format.valueOf(format);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--format: text, json or junit, not "
                    + net.p2pci.protocol.WireText.forLog(line.getOptionValue(FORMAT)));
        }
        Duration timeout = DEFAULT_TIMEOUT;
        if (line.hasOption(TIMEOUT)) {
            try {
                double seconds = Double.parseDouble(line.getOptionValue(TIMEOUT));
                if (!(seconds >= 0.1 && seconds <= 600)) {
                    throw new NumberFormatException();
                }
                timeout = Duration.ofMillis(Math.round(seconds * 1000));
            } catch (NumberFormatException e) {
                throw new UsageException("--timeout: seconds from 0.1 to 600, not "
                        + net.p2pci.protocol.WireText.forLog(line.getOptionValue(TIMEOUT)));
            }
        }
        return Optional.of(new CheckOptions(role, target, rfc, line.hasOption(STRICT), reportFormat,
                Optional.ofNullable(line.getOptionValue(OUTPUT)).map(Path::of), line.getOptionValue(CASE, ""),
                timeout, number(line.getOptionValue(PORT, "7734"), "--port", 0, 65_535),
                number(line.getOptionValue(UPLOAD_PORT, "0"), "--upload-port", 0, 65_535),
                Optional.ofNullable(line.getOptionValue(SCRIPT)), holderHost(line.getOptionValue(HOLDER_HOST,
                "127.0.0.1")), listCases));
    }

    /** One word without spaces, as a record's host field must be. */
    private static String holderHost(String text) throws UsageException {
        if (text.isEmpty() || !text.matches("[\\x21-\\x7e]{1,255}")) {
            throw new UsageException("--holder-host: one word of printable ASCII, not "
                    + net.p2pci.protocol.WireText.forLog(text));
        }
        return text;
    }

    private static int number(String text, String option, int min, int max) throws UsageException {
        try {
            int value = Integer.parseInt(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // the message below says what is wanted
        }
        throw new UsageException(option + ": a whole number from " + min + " to " + max + ", not "
                + net.p2pci.protocol.WireText.forLog(text));
    }

    public static String help() {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        new HelpFormatter().printHelp(out, 110, "p2pci-check server HOST:PORT | upload HOST:PORT --rfc N | client"
                        + " [options]",
                "\nChecks an implementation of P2P-CI/1.0 against docs/PROTOCOL.md, case by case; each case ends"
                        + " PASS, NON-STRICT (works, but deviates in a way liberal readers cope with) or FAIL.\n"
                        + "  server HOST:PORT   an index server (start it fresh: the first case expects an empty"
                        + " index)\n"
                        + "  upload HOST:PORT   a peer's upload server, holding RFC --rfc N\n"
                        + "  client             a peer: the checker plays index server on --port and upload server,"
                        + " and grades what the peer sends\n\n",
                OPTIONS, 2, 2, "\nExit status: 0 every case passed, 1 some failed, 2 usage error or target"
                        + " unreachable.", false);
        out.flush();
        return text.toString();
    }
}
