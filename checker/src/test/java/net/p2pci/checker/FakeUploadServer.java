package net.p2pci.checker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * A small upload server holding one RFC that follows docs/PROTOCOL.md 4, and offers the extensions of 9, except for
 * one deliberate fault, so that a test can show the checker's case for that rule failing. Each connection runs on a virtual thread of its own.
 */
final class FakeUploadServer implements AutoCloseable {
    /** The one thing this server gets wrong. */
    enum Fault {
        NONE,
        NO_EMPTY_LINE_BEFORE_BODY,
        ASCTIME_DATES,
        LENGTH_OFF_BY_ONE,
        TEXT_TEXT,
        STAYS_OPEN,
        REFUSES_LF,
        NOT_HELD_SILENT_CLOSE,
        BAD_NUMBER_404,
        VERSION_IGNORED,
        PATHS_SERVED,
        HUGE_NUMBER_404,
        NEGATIVE_404,
        LEADING_ZEROS_404,
        /** Offers neither extension of docs/PROTOCOL.md 9, as a standard upload server does. */
        STANDARD_ONLY,
        WRONG_DIGEST,
        RANGE_OFF_BY_ONE
    }

    static final int HELD = 2616;
    static final String BODY = "The file of RFC 2616, as this fake holds it.\n".repeat(50);
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private final Fault fault;
    private final ServerSocket listener;

    FakeUploadServer(Fault fault) throws IOException {
        this.fault = fault;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    Target target() {
        return new Target("127.0.0.1", listener.getLocalPort());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            socket.setSoTimeout(5000);
            String request = readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(answer(request));
            out.flush();
            if (fault == Fault.STAYS_OPEN) {
                socket.getInputStream().read(); // until the requester gives up
            }
        } catch (IOException e) {
            // the requester went away
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            bytes.write(b);
            String text = bytes.toString(StandardCharsets.UTF_8);
            if (text.endsWith("\n\n") || text.endsWith("\r\n\r\n")) {
                break;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private byte[] answer(String request) {
        if (fault == Fault.REFUSES_LF && !request.contains("\r\n")) {
            return error(400, "Bad Request");
        }
        String[] fields = request.split("\r?\n")[0].split(" ");
        if (fields.length != 4 || !fields[0].equals("GET") || !fields[1].equals("RFC")) {
            return error(400, "Bad Request");
        }
        if (!fields[3].equals("P2P-CI/1.0") && fault != Fault.VERSION_IGNORED) {
            return error(505, "P2P-CI Version Not Supported");
        }
        String number = fields[2];
        if (fault == Fault.PATHS_SERVED && number.contains("/")) {
            return ok(request);
        }
        if (fault == Fault.HUGE_NUMBER_404 && number.matches("[0-9]{19,}")) {
            return error(404, "Not Found");
        }
        if (fault == Fault.NEGATIVE_404 && number.matches("-[0-9]+")) {
            return error(404, "Not Found");
        }
        if (!number.matches("[0-9]{1,18}")) {
            return fault == Fault.BAD_NUMBER_404 ? error(404, "Not Found") : error(400, "Bad Request");
        }
        boolean held = fault == Fault.LEADING_ZEROS_404 ? number.equals(Integer.toString(HELD))
                : Long.parseLong(number) == HELD;
        if (!held) {
            return fault == Fault.NOT_HELD_SILENT_CLOSE ? new byte[0] : error(404, "Not Found");
        }
        return ok(request);
    }

    /** The value of the request's header {@code name}, or null. */
    private static String header(String request, String name) {
        for (String line : request.split("\r?\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return line.substring(colon + 1).strip();
            }
        }
        return null;
    }

    private byte[] ok(String request) {
        byte[] file = BODY.getBytes(StandardCharsets.UTF_8);
        String range = fault == Fault.STANDARD_ONLY ? null : header(request, "Range");
        String want = fault == Fault.STANDARD_ONLY ? null : header(request, "Want-Repr-Digest");
        if (range == null && want == null) {
            return ok();
        }
        String date = DATE.format(Instant.now());
        String digest = want == null ? "" : "Repr-Digest: " + net.p2pci.protocol.ReprDigest.of(fault
                == Fault.WRONG_DIGEST ? BODY.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8) : file)
                .headerValue() + "\r\n";
        if (range == null) {
            return concat(("P2P-CI/1.0 200 OK\r\nDate: " + date + "\r\nOS: Fake 1.0\r\nLast-Modified: " + date
                    + "\r\nContent-Length: " + file.length + "\r\nContent-Type: text/plain\r\n" + digest + "\r\n")
                    .getBytes(StandardCharsets.UTF_8), file);
        }
        String[] span = range.substring("bytes=".length()).split("-");
        int first = Integer.parseInt(span[0]);
        int last = Integer.parseInt(span[1]);
        int shift = fault == Fault.RANGE_OFF_BY_ONE ? 1 : 0;
        byte[] part = java.util.Arrays.copyOfRange(file, first + shift, last + 1 + shift);
        return concat(("P2P-CI/1.0 206 Partial Content\r\nDate: " + date + "\r\nOS: Fake 1.0\r\nLast-Modified: "
                + date + "\r\nContent-Length: " + part.length + "\r\nContent-Range: bytes " + first + "-" + last
                + "/" + file.length + "\r\nContent-Type: text/plain\r\n" + digest + "\r\n")
                .getBytes(StandardCharsets.UTF_8), part);
    }

    private static byte[] concat(byte[] head, byte[] body) {
        byte[] all = java.util.Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    private byte[] ok() {
        String date = fault == Fault.ASCTIME_DATES ? "Sat Nov 21 15:12:05 2026" : DATE.format(Instant.now());
        int length = BODY.getBytes(StandardCharsets.UTF_8).length + (fault == Fault.LENGTH_OFF_BY_ONE ? 1 : 0);
        String head = "P2P-CI/1.0 200 OK\r\nDate: " + date + "\r\nOS: Fake 1.0\r\nLast-Modified: " + date
                + "\r\nContent-Length: " + length + "\r\nContent-Type: "
                + (fault == Fault.TEXT_TEXT ? "text/text" : "text/plain") + "\r\n"
                + (fault == Fault.NO_EMPTY_LINE_BEFORE_BODY ? "" : "\r\n");
        return (head + BODY).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] error(int code, String phrase) {
        return ("P2P-CI/1.0 " + code + " " + phrase + "\r\nDate: " + DATE.format(Instant.now())
                + "\r\nOS: Fake 1.0\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
