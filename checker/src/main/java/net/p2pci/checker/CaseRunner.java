package net.p2pci.checker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import net.p2pci.protocol.WireText;

/**
 * Runs the selected cases of a role one after another, each to a verdict: a case that throws (the target reset
 * the connection, say) fails with what happened, so one case's trouble never stops the run.
 */
public final class CaseRunner {
    private CaseRunner() {
    }

    /** The cases whose id matches {@code pattern} (a glob with {@code *}, or a plain substring), in order. */
    public static <C> List<CheckCase<C>> select(List<CheckCase<C>> cases, String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return cases;
        }
        Pattern glob = Pattern.compile(("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q"));
        List<CheckCase<C>> exact = cases.stream().filter(c -> glob.matcher(c.id()).matches()).toList();
        return pattern.contains("*") || !exact.isEmpty() ? exact
                : cases.stream().filter(c -> c.id().contains(pattern)).toList();
    }

    /** Runs each case; {@code progress} sees each result as it comes (for a live text report). */
    public static <C> List<CaseResult> run(List<CheckCase<C>> cases, C context, Consumer<CaseResult> progress) {
        List<CaseResult> results = new ArrayList<>();
        for (CheckCase<C> check : cases) {
            long start = System.nanoTime();
            Outcome outcome;
            try {
                outcome = check.body().run(context);
            } catch (IOException e) {
                outcome = Outcome.fail("connection failed: " + WireText.forLog(String.valueOf(e.getMessage())) + " ("
                        + e.getClass().getSimpleName() + ")");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                outcome = Outcome.fail("interrupted");
            } catch (Exception e) {
                outcome = Outcome.fail("the check could not finish: " + WireText.forLog(String.valueOf(e)));
            }
            CaseResult result = new CaseResult(check.id(), check.title(), outcome,
                    Duration.ofNanos(System.nanoTime() - start));
            results.add(result);
            progress.accept(result);
        }
        return results;
    }
}
