package net.p2pci.protocol;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Both ends of a TCP connection on loopback, for tests of readers that must end an answer at a real socket's read
 * timeout: the test sends from the server end, the reader reads the client end.
 */
final class LoopbackConnection implements AutoCloseable {
    final Socket server;
    final Socket client;

    LoopbackConnection() throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
            server = listener.accept();
        }
    }

    /** Sends the text's characters as bytes, one each (ISO-8859-1), so that a test can send any byte. */
    void send(String text) throws IOException {
        OutputStream out = server.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        client.close();
        server.close();
    }
}
