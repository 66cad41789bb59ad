package net.p2pci.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A persistent benchmark connection to the server under test, whatever its protocol (P2P-CI, RESP): a request
 * goes out in one write, and its answer is read through a reader of type {@code R} over the socket and checked
 * before the next one is sent (no pipelining). What differs between protocols is only the bytes written and the
 * reader that recognises the answer's end; the socket, its options and the timeout are this one class.
 * Confined to the thread that drives it.
 *
 * <p>An answer that takes longer than its timeout ({@link #READ_TIMEOUT} unless the connection was opened with
 * another) is cut off by one watchdog thread for all
 * connections, not by a socket read timeout: a virtual thread's timed read arms and cancels a timer on every
 * read, and the profile of the load generator at 64 connections had 8 % of its samples in that timer queue.
 */
final class WireConnection<R> implements AutoCloseable {
    /** No answer on loopback takes this long; past it the request counts as a timeout instead of stalling a run. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(250);
    private static final Set<WireConnection<?>> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("wire-connection-watchdog").start(WireConnection::watch);
    }

    private final Socket socket;
    private final OutputStream out;
    private final R reader;
    private final Duration answerTimeout;
    /** When the exchange under way began (System.nanoTime()), or 0 between exchanges. */
    private volatile long exchangeStarted;
    private volatile boolean timedOut;

    private WireConnection(Socket socket, Duration answerTimeout, Function<InputStream, R> readerOver)
            throws IOException {
        this.socket = socket;
        this.answerTimeout = answerTimeout;
        this.out = socket.getOutputStream();
        this.reader = readerOver.apply(socket.getInputStream());
    }

    /**
     * Reads one answer from the connection's reader, and may check it ({@code X}, such as {@link WrongAnswer}); the
     * protocol's part of an exchange.
     */
    @FunctionalInterface
    interface AnswerReader<R, T, X extends Exception> {
        T read(R reader) throws IOException, X;
    }

    /**
     * Connects to the server, from {@code localAddress} when it is not null (a 127.0.0.x address, so that many
     * connections do not share one address's ephemeral ports), reading answers through {@code readerOver} applied
     * to the socket's input, and cutting off any answer that takes longer than {@code answerTimeout}.
     */
    static <R> WireConnection<R> open(InetSocketAddress server, InetAddress localAddress, Duration answerTimeout,
            Function<InputStream, R> readerOver) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(server, (int) READ_TIMEOUT.toMillis());
            WireConnection<R> connection = new WireConnection<>(socket, answerTimeout, readerOver);
            OPEN.add(connection);
            return connection;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends a request encoded beforehand and reads its answer with {@code answer}, before anything else is sent. */
    <T, X extends Exception> T exchange(byte[] encodedRequest, AnswerReader<R, T, X> answer) throws IOException, X {
        exchangeStarted = System.nanoTime();
        try {
            out.write(encodedRequest);
            return answer.read(reader);
        } catch (IOException e) {
            throw timedOutOr(e);
        } finally {
            exchangeStarted = 0;
        }
    }

    /**
     * Sends {@code requests}, encoded beforehand, back to back and at most {@code window} ahead of their answers,
     * as a peer registering a directory does, and reads every answer in order with {@code answer}. Each answer has
     * the connection's timeout, counted from when the one before it was read.
     */
    <T, X extends Exception> List<T> pipeline(List<byte[]> requests, int window, AnswerReader<R, T, X> answer)
            throws IOException, X {
        List<T> answers = new ArrayList<>(requests.size());
        int sent = 0;
        try {
            while (answers.size() < requests.size()) {
                exchangeStarted = System.nanoTime();
                if (sent < requests.size() && sent - answers.size() < window) {
                    out.write(requests.get(sent++));
                } else {
                    answers.add(answer.read(reader));
                }
            }
            return answers;
        } catch (IOException e) {
            throw timedOutOr(e);
        } finally {
            exchangeStarted = 0;
        }
    }

    /** The failure to report for {@code e}: a timeout when the watchdog cut the answer off, else {@code e}. */
    private IOException timedOutOr(IOException e) {
        return timedOut ? new SocketTimeoutException("no answer within " + answerTimeout.toSeconds() + " s") : e;
    }

    @Override
    public void close() throws IOException {
        OPEN.remove(this);
        socket.close();
    }

    /** The watchdog: closes the socket of every exchange that has waited longer than its connection's timeout. */
    private static void watch() {
        while (true) {
            long now = System.nanoTime();
            for (WireConnection<?> connection : OPEN) {
                long started = connection.exchangeStarted;
                if (started != 0 && now - started > connection.answerTimeout.toNanos()) {
                    connection.timedOut = true;
                    try {
                        connection.close();
                    } catch (IOException e) {
                        // Closing is all the watchdog can do; the exchange fails either way.
                    }
                }
            }
            try {
                Thread.sleep(WATCHDOG_PERIOD);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
