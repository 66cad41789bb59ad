package net.p2pci.checker;

/** How a case ended. */
public enum Verdict {
    /**
     * The case checks an extension (docs/PROTOCOL.md 9) that the implementation does not offer, as a standard one
     * does not: neither a pass nor a failure. First, so that any other finding outranks it.
     */
    SKIP,
    /** The implementation did exactly what docs/PROTOCOL.md says. */
    PASS,
    /** It works, but deviates in a way that liberal readers cope with; {@code --strict} counts it as a failure. */
    NON_STRICT,
    /** It does not work as the protocol says; the detail shows what was expected and what was seen. */
    FAIL;

    /** The word the reports print: PASS, NON-STRICT or FAIL. */
    public String label() {
        return this == NON_STRICT ? "NON-STRICT" : name();
    }

    /** Whether this verdict counts as a failure of the run. */
    public boolean fails(boolean strict) {
        return this == FAIL || (strict && this == NON_STRICT);
    }
}
