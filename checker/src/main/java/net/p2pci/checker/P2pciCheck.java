package net.p2pci.checker;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import net.p2pci.protocol.WireText;

/** The p2pci-check command: parses the options, runs the role's cases against the target, reports, and exits. */
public final class P2pciCheck {
    public static final int EXIT_PASSED = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    private P2pciCheck() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CheckOptions options;
        try {
            Optional<CheckOptions> parsed = CheckOptions.parse(args);
            if (parsed.isEmpty()) {
                out.print(CheckOptions.help());
                return EXIT_PASSED;
            }
            options = parsed.get();
        } catch (CheckOptions.UsageException e) {
            err.println("p2pci-check: " + e.getMessage() + " (see --help)");
            return EXIT_USAGE;
        }
        if (options.listCases()) {
            caseTitles(options.role()).forEach(out::println);
            return EXIT_PASSED;
        }
        Timing timing = Timing.of(options.timeout());
        boolean liveToOut = options.format() == Report.Format.TEXT && options.output().isEmpty();
        // Progress goes to stdout unless stdout carries a JSON or XML report, which must stay parseable.
        boolean reportToOut = options.format() != Report.Format.TEXT && options.output().isEmpty();
        PrintStream progressStream = reportToOut ? err : out;
        Consumer<CaseResult> progress = result -> {
            progressStream.println(Report.line(result));
            progressStream.flush();
        };
        Report report;
        try {
            report = switch (options.role()) {
                case SERVER -> runAgainstTarget(options, timing, progress, ServerCases.all(),
                        target -> new ServerRun(target, timing, RunNames.fresh()));
                case UPLOAD -> runAgainstTarget(options, timing, progress, UploadCases.all(),
                        target -> new UploadRun(target, timing, options.rfc()));
                // The client role's prompts go with the progress, so that a JSON or XML report on stdout stays clean.
                case CLIENT -> ClientRole.run(options, timing, progress, progressStream);
            };
        } catch (UnreachableException e) {
            err.println("p2pci-check: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (report.results().isEmpty()) {
            err.println("p2pci-check: no case matches " + WireText.forLog(options.casePattern()) + " (see --list)");
            return EXIT_USAGE;
        }
        if (liveToOut) {
            out.println(report.summary());
        } else {
            String rendered = report.render(options.format());
            if (options.output().isPresent()) {
                try {
                    Files.writeString(options.output().get(), rendered, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    err.println("p2pci-check: cannot write " + WireText.forLog(options.output().get().toString())
                            + ": " + WireText.forLog(String.valueOf(e.getMessage())));
                    return EXIT_USAGE;
                }
                progressStream.println(report.summary());
            } else {
                out.print(rendered);
                err.println(report.summary());
            }
        }
        return report.passed() ? EXIT_PASSED : EXIT_FAILED;
    }

    private static List<String> caseTitles(CheckOptions.Role role) {
        List<? extends CheckCase<?>> cases = switch (role) {
            case SERVER -> ServerCases.all();
            case UPLOAD -> UploadCases.all();
            case CLIENT -> ClientCases.all();
        };
        return cases.stream().map(c -> c.id() + "  " + c.title()).toList();
    }

    /** Runs a role whose target the checker connects to: reachable first, then the selected cases. */
    private static <C> Report runAgainstTarget(CheckOptions options, Timing timing, Consumer<CaseResult> progress,
                                               List<CheckCase<C>> cases, Function<Target, C> context)
            throws UnreachableException {
        Target target = options.target().orElseThrow();
        requireReachable(target, timing);
        List<CaseResult> results = CaseRunner.run(CaseRunner.select(cases, options.casePattern()),
                context.apply(target), progress);
        return new Report(options.role().word(), target.toString(), options.strict(), results);
    }

    /** Connects once and closes at once, so that an unreachable target is a usage error, not a run of failures. */
    private static void requireReachable(Target target, Timing timing) throws UnreachableException {
        try (WireConnection probe = WireConnection.open(target, timing)) {
            probe.socket();
        } catch (IOException e) {
            throw new UnreachableException("cannot reach " + WireText.forLog(target.toString()) + ": "
                    + WireText.forLog(String.valueOf(e.getMessage())));
        }
    }

    /** The target or the checker's own ports cannot be reached or bound: exit status 2. */
    static final class UnreachableException extends Exception {
        UnreachableException(String message) {
            super(message);
        }
    }
}
