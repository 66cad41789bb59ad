package net.p2pci.bench;

/**
 * An answer that came back whole but is not the one the server must give (a wrong status, value or length); the
 * connection stays usable. It carries only a kind for {@link Errors}, never the answer's bytes.
 */
final class WrongAnswer extends Exception {
    private final String kind;

    WrongAnswer(String kind) {
        // No stack trace: a run with a broken server may throw one per request, and only the kind is reported.
        super(kind, null, false, false);
        this.kind = kind;
    }

    String kind() {
        return kind;
    }
}
