package net.p2pci.checker;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.Objects;

/**
 * What one case found: its verdict, and for anything but a pass the deviation's name or what was expected against
 * what was seen (the bytes seen already quoted by {@link Bytes#quote}).
 */
public record Outcome(Verdict verdict, String detail) {
    public Outcome {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(detail, "detail");
    }

    public static Outcome pass() {
        return new Outcome(Verdict.PASS, "");
    }

    public static Outcome pass(String note) {
        return new Outcome(Verdict.PASS, note);
    }

    /** The case's extension is not offered: why, as seen. */
    public static Outcome skip(String why) {
        return new Outcome(Verdict.SKIP, why);
    }

    /** Works, but deviates: each deviation named as a reader would notice it. */
    public static Outcome nonStrict(List<String> deviations) {
        return new Outcome(Verdict.NON_STRICT, String.join("; ", deviations));
    }

    public static Outcome nonStrict(String deviation) {
        return new Outcome(Verdict.NON_STRICT, deviation);
    }

    public static Outcome fail(String why) {
        return new Outcome(Verdict.FAIL, why);
    }

    /** A failure that shows what the protocol prescribes and what came instead. */
    public static Outcome fail(String what, byte[] expected, byte[] seen) {
        return new Outcome(Verdict.FAIL, what + ": expected " + Bytes.quote(expected) + ", saw " + Bytes.quote(seen));
    }

    /**
     * The worse of two outcomes, so that a case checking several things reports its worst finding; two of the same
     * verdict keep each distinct part of their details once.
     */
    public Outcome and(Outcome other) {
        if (other.verdict.ordinal() > verdict.ordinal()) {
            return other;
        }
        if (other.verdict != verdict || verdict == Verdict.PASS) {
            return this;
        }
        Set<String> parts = new LinkedHashSet<>();
        for (String detail : List.of(detail, other.detail)) {
            for (String part : detail.split("; ")) {
                if (!part.isEmpty()) {
                    parts.add(part);
                }
            }
        }
        return new Outcome(verdict, String.join("; ", parts));
    }
}
