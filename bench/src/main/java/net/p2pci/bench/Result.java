package net.p2pci.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one scenario run measured, as named figures in the order they were taken, and the checks it failed. A run
 * with a failed check has figures that cannot be trusted. Filled by one thread, then printed.
 */
final class Result {
    /** One figure: its value and unit, e.g. {@code 48210.5 req/s}. */
    record Figure(double value, String unit) {
    }

    private final String scenario;
    private final String setup;
    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Result(String scenario, String setup) {
        this.scenario = scenario;
        this.setup = setup;
    }

    String scenario() {
        return scenario;
    }

    Result figure(String name, double value, String unit) {
        figures.put(name, new Figure(value, unit));
        return this;
    }

    Figure figure(String name) {
        return figures.get(name);
    }

    Map<String, Figure> figures() {
        return figures;
    }

    /** A check that did not hold; the run exits non-zero. */
    void fail(String failure) {
        failures.add(failure);
    }

    /** Extra text for the reader, such as the top of a class histogram. */
    void note(String note) {
        notes.add(note);
    }

    List<String> failures() {
        return failures;
    }

    boolean passed() {
        return failures.isEmpty();
    }

    /**
     * The report: a header, one aligned line per figure, the failed checks, then one {@code RESULT} line with every
     * figure as {@code name=value}, for scripts.
     */
    String render() {
        StringBuilder text = new StringBuilder();
        text.append("== ").append(scenario).append("  ").append(setup).append('\n');
        figures.forEach((name, figure) -> text.append(String.format(Locale.ROOT, "  %-24s %14s %s%n", name,
                format(figure.value()), figure.unit())));
        notes.forEach(note -> text.append("  ").append(note.replace("\n", "\n  ")).append('\n'));
        text.append("  ").append(passed() ? "checks: all passed" : "checks FAILED:").append('\n');
        failures.forEach(failure -> text.append("    - ").append(failure).append('\n'));
        text.append("RESULT ").append(scenario);
        figures.forEach((name, figure) -> text.append(' ').append(name).append('=').append(format(figure.value())));
        text.append(" passed=").append(passed()).append('\n');
        return text.toString();
    }

    /** Whole numbers without decimals, small ones with three significant decimals. */
    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%.3f", value);
    }
}
