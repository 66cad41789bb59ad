package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * One accepted upload connection, with the time by which it must next make progress: its whole request at first,
 * then some bytes taken by the requester. The upload server's watchdog closes it when that time has passed, which
 * ends the handler's blocked read or write; a virtual thread needs no socket timeout for that.
 *
 * <p>Thread-safe: the handler moves the deadline forward and the watchdog reads it, through volatile fields.
 */
final class UploadConnection {
    private final SocketChannel channel;
    private final InetAddress source;
    private final String requester;
    private volatile long deadlineNanos;
    /** Why the connection is cut off if its deadline passes, for the log line. */
    private volatile String awaited;
    private volatile boolean cutOff;

    /**
     * @param source the address the upload server counts this connection against: the requester's, or for IPv6 its
     *               /64 network
     */
    UploadConnection(SocketChannel channel, InetAddress source) {
        this.channel = channel;
        this.source = source;
        this.requester = describe(channel);
    }

    SocketChannel channel() {
        return channel;
    }

    InetAddress source() {
        return source;
    }

    /** The requester's address and port, for log lines. */
    String requester() {
        return requester;
    }

    /** Gives the connection until {@code timeout} from now to make progress; {@code awaited} names the progress. */
    void expectProgressWithin(Duration timeout, String awaited) {
        this.awaited = awaited;
        this.deadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    boolean isOverdue(long nowNanos) {
        return nowNanos - deadlineNanos > 0;
    }

    /** Why it was cut off, once it was. */
    String awaited() {
        return awaited;
    }

    /** Closes the connection because its deadline passed; the handler then fails with a closed channel. */
    void cutOff() {
        cutOff = true;
        close();
    }

    boolean wasCutOff() {
        return cutOff;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // Closing is all that is left to do with it.
        }
    }

    /** The requester's address and port, for log lines. */
    static String describe(SocketChannel channel) {
        try {
            if (channel.getRemoteAddress() instanceof InetSocketAddress remote) {
                return remote.getAddress().getHostAddress() + ":" + remote.getPort();
            }
            return "an unknown peer";
        } catch (IOException e) {
            return "an unknown peer";
        }
    }
}
