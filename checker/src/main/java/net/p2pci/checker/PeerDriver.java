package net.p2pci.checker;

import java.io.IOException;

/**
 * Makes the peer under test do something, so that the checker sees the requests it sends: a person at the peer's
 * prompt ({@link InteractivePeer}), or the peer's own command shell driven through its stdin ({@link ScriptedPeer}).
 */
public interface PeerDriver extends AutoCloseable {
    /** Starts the peer, or asks for it to be started, with the checker's index server at {@code server}. */
    void start(String server) throws IOException;

    void lookup(int number) throws IOException;

    void list() throws IOException;

    /** Download RFC {@code number}; the index's LOOKUP answer names the checker's upload server as its holder. */
    void get(int number) throws IOException;

    /** How long to wait for the peer's first request after {@link #start}, in milliseconds. */
    long startupMillis();

    /** How long to wait for a request after asking for it, in milliseconds (a person types slower). */
    long commandMillis();

    @Override
    void close() throws IOException;
}
