package net.p2pci.demo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * One request written byte for byte to a peer's upload port, and everything that came back until the peer closed
 * the connection: how the demo shows requests that no well-behaved peer would send.
 *
 * @param request  the bytes sent, as text (CRLF line ends included)
 * @param response the bytes received, as text
 */
record RawExchange(String request, String response) {

    /** Sends {@code request} to 127.0.0.1:{@code port} and reads until the peer closes; each wait is bounded. */
    static RawExchange send(int port, String request, Duration timeout) throws IOException {
        int timeoutMillis = Math.toIntExact(timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            return new RawExchange(request, new String(socket.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    /** The response's lines as the peer printed them: split at CRLF, the final empty line included. */
    List<String> responseLines() {
        return lines(response);
    }

    List<String> requestLines() {
        return lines(request);
    }

    private static List<String> lines(String text) {
        String body = text.endsWith("\r\n") ? text.substring(0, text.length() - 2) : text;
        return List.of(body.split("\r\n", -1));
    }

    /** The first line, e.g. {@code P2P-CI/1.0 404 Not Found}. */
    String statusLine() {
        return responseLines().getFirst();
    }

    /**
     * Whether the response is an error response as the protocol has it: the status line, Date, OS and
     * {@code Content-Length: 0} headers, the empty line, and nothing after it.
     */
    boolean isBodylessErrorResponse(String expectedStatusLine) {
        List<String> lines = responseLines();
        return response.endsWith("\r\n\r\n") && lines.getFirst().equals(expectedStatusLine)
                && lines.stream().anyMatch(line -> line.startsWith("Date: "))
                && lines.stream().anyMatch(line -> line.startsWith("OS: "))
                && lines.contains("Content-Length: 0");
    }
}
