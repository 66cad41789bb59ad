package net.p2pci.peer.download;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.MessageReader;

/**
 * Another peer's upload server played by a test: on a real loopback socket it reads one GET and answers with the
 * bytes the test scripted, so that a downloader can meet answers our own upload server never gives.
 */
final class ScriptedHolder implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread script;

    /**
     * What the holder does after its scripted answer: hang up, keep the connection open until closed, or go on
     * sending a byte at a time, each well within any read timeout, until the downloader hangs up.
     */
    enum AfterAnswer { CLOSE, STAY_OPEN, TRICKLE }

    /** How often a trickling holder sends its next byte. */
    private static final Duration TRICKLE_INTERVAL = Duration.ofMillis(50);

    private ScriptedHolder(byte[] answer, AfterAnswer after) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        script = Thread.ofVirtual().name("scripted-holder").start(() -> serve(answer, after));
    }

    private ScriptedHolder(byte[] head, byte[] body, int pieceBytes, Duration interval) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        script = Thread.ofVirtual().name("scripted-holder").start(() -> servePaced(head, body, pieceBytes, interval));
    }

    /** Answers with {@code head}, then sends {@code body} a piece of {@code pieceBytes} every {@code interval}. */
    static ScriptedHolder pacing(byte[] head, byte[] body, int pieceBytes, Duration interval) throws IOException {
        return new ScriptedHolder(head, body, pieceBytes, interval);
    }

    private void servePaced(byte[] head, byte[] body, int pieceBytes, Duration interval) {
        try (Socket connection = listener.accept()) {
            new MessageReader(connection.getInputStream()).readRequest();
            connection.getOutputStream().write(head);
            for (int sent = 0; sent < body.length; sent += pieceBytes) {
                connection.getOutputStream().write(body, sent, Math.min(pieceBytes, body.length - sent));
                connection.getOutputStream().flush();
                Thread.sleep(interval); // the holder's pace, which the test is about
            }
        } catch (Exception e) {
            // The test closed the listener, or the downloader hung up: either ends the script.
        }
    }

    /** Answers with {@code answer} and closes. */
    static ScriptedHolder answering(byte[] answer) throws IOException {
        return new ScriptedHolder(answer, AfterAnswer.CLOSE);
    }

    static ScriptedHolder answering(byte[] answer, AfterAnswer after) throws IOException {
        return new ScriptedHolder(answer, after);
    }

    /** Reads the request and never answers. */
    static ScriptedHolder silent() throws IOException {
        return new ScriptedHolder(null, AfterAnswer.STAY_OPEN);
    }

    HostAndPort address() {
        return new HostAndPort("127.0.0.1", listener.getLocalPort());
    }

    private void serve(byte[] answer, AfterAnswer after) {
        try (Socket connection = listener.accept()) {
            new MessageReader(connection.getInputStream()).readRequest();
            if (answer != null) {
                connection.getOutputStream().write(answer);
                connection.getOutputStream().flush();
            }
            while (after == AfterAnswer.TRICKLE) {
                connection.getOutputStream().write('x'); // fails once the downloader has hung up
                connection.getOutputStream().flush();
                Thread.sleep(TRICKLE_INTERVAL);
            }
            if (after == AfterAnswer.STAY_OPEN) {
                // Hold the connection until the downloader hangs up (read returns -1) or the test closes us.
                connection.getInputStream().read();
            }
        } catch (Exception e) {
            // The test closed the listener, or the downloader hung up: either ends the script.
        }
    }

    @Override
    public void close() throws Exception {
        listener.close();
        if (!script.join(Duration.ofSeconds(10))) {
            throw new IllegalStateException("the scripted holder did not finish");
        }
    }
}
