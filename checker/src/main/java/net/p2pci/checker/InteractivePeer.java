package net.p2pci.checker;

import java.io.PrintStream;

/** Tells a person at the peer's prompt what to make it do, and gives them time to do it. */
final class InteractivePeer implements PeerDriver {
    /** Enough to read the line and type a command. */
    static final long PERSON_MILLIS = 120_000;

    private final PrintStream out;

    InteractivePeer(PrintStream out) {
        this.out = out;
    }

    private void ask(String what) {
        out.println(">>> " + what);
        out.flush();
    }

    @Override
    public void start(String server) {
        ask("start your peer now, with " + server + " as its index server and at least one RFC to share"
                + " (ours: bin/rfc-peer --server " + server + " --dir DIR)");
    }

    @Override
    public void lookup(int number) {
        ask("make your peer LOOKUP RFC " + number);
    }

    @Override
    public void list() {
        ask("make your peer LIST ALL");
    }

    @Override
    public void get(int number) {
        ask("make your peer download RFC " + number + " (LOOKUP it first if your peer needs the holder)");
    }

    @Override
    public long startupMillis() {
        return PERSON_MILLIS;
    }

    @Override
    public long commandMillis() {
        return PERSON_MILLIS;
    }

    @Override
    public void close() {
        ask("done: you may stop your peer");
    }
}
