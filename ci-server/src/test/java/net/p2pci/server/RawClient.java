package net.p2pci.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.IntFunction;

/**
 * A peer's side of an index connection at the byte level, for tests: it writes exactly the bytes it is given and
 * returns each response exactly as received, so that tests can compare bytes with PROTOCOL.md.
 */
final class RawClient implements AutoCloseable {
    /** No test response takes this long on loopback; a hang fails the test instead of stalling the suite. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final Socket socket;
    private final InputStream in;

    RawClient(int port) throws IOException {
        this(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /** Wraps a socket the caller has connected, e.g. from a chosen local address. */
    RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        in = new BufferedInputStream(socket.getInputStream());
    }

    Socket socket() {
        return socket;
    }

    void send(String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * ADDs RFCs {@code firstRfc} to {@code firstRfc + count - 1} for {@code host} (upload port 1), each titled
     * {@code titleOf} its number, pipelined: another thread sends them all while this one reads the answers, each
     * of which must be 200.
     */
    void addAll(String host, int firstRfc, int count, IntFunction<String> titleOf) throws IOException {
        StringBuilder adds = new StringBuilder();
        for (int rfc = firstRfc; rfc < firstRfc + count; rfc++) {
            adds.append(Requests.add(rfc, host, 1, titleOf.apply(rfc)));
        }
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                send(adds.toString());
            } catch (IOException e) {
                // the reads below fail too
            }
        });
        for (int i = 0; i < count; i++) {
            String answer = readResponse();
            if (!answer.startsWith("P2P-CI/1.0 200 OK\r\n")) {
                throw new AssertionError("ADD " + (firstRfc + i) + " answered " + answer);
            }
        }
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends one request and returns its response's exact text. */
    String exchange(String request) throws IOException {
        send(request);
        return readResponse();
    }

    /** Reads one index response exactly: status line, empty line, record lines, final empty line. */
    String readResponse() throws IOException {
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        readLine(response); // status line
        readLine(response); // empty line after it
        while (readLine(response) > 0) {
            // record lines until the final empty line
        }
        return response.toString(StandardCharsets.UTF_8);
    }

    /** Copies one line with its CRLF and returns its length without it. */
    private int readLine(ByteArrayOutputStream into) throws IOException {
        int length = 0;
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after: " + into.toString(StandardCharsets.UTF_8));
            }
            into.write(b);
            if (b == '\n' && previous == '\r') {
                return length - 1;
            }
            length++;
            previous = b;
        }
    }

    /** True when the server has closed the connection (the next read sees end of stream). */
    boolean isClosedByServer() throws IOException {
        return in.read() < 0;
    }

    /** Closes with an RST instead of a FIN, as a crashed peer's kernel would. */
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
