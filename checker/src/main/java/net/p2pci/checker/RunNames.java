package net.p2pci.checker;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Host names and RFC numbers no one else uses, fresh for every run, so that a server shared with real peers (or
 * with an earlier run whose records linger) does not confuse the checks.
 */
public record RunNames(String runId, int rfcBase) {
    /** RFC numbers of a run are rfcBase + 0 .. rfcBase + 9999, all within PROTOCOL.md 6.1's range. */
    static final int RFC_SPAN = 10_000;

    public static RunNames fresh() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new RunNames(Integer.toHexString(random.nextInt(0x100000, 0x1000000)),
                random.nextInt(100_000_000, 999_999_999 - RFC_SPAN));
    }

    /** A peer host name of this run, e.g. {@code chk-4f2a1c-a.example}. */
    public String host(String peer) {
        return "chk-" + runId + "-" + peer + ".example";
    }

    /** An RFC number of this run; cases use distinct offsets so that none sees another's records. */
    public int rfc(int offset) {
        return rfcBase + offset;
    }
}
