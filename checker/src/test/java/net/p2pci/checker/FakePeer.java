package net.p2pci.checker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small peer, driven in this JVM as {@link ScriptedPeer} drives a process, that follows docs/PROTOCOL.md and reads
 * answers liberally except for one deliberate fault, so that a test can show the checker's client case for that
 * rule failing. A peer that cannot read an answer gets stuck, as a real one would, and sends nothing more. Commands
 * run in order on one thread of their own, as a shell reading stdin runs them.
 */
final class FakePeer implements PeerDriver {
    /** The one thing this peer gets wrong. */
    enum Fault {
        NONE,
        ADD_WITHOUT_RFC_TOKEN,
        LOOKUP_WITHOUT_PORT,
        LIST_WITHOUT_ALL,
        GET_WITHOUT_OS,
        NEEDS_CRLF,
        NEEDS_EMPTY_LINES,
        NEEDS_RFC_TOKEN,
        NEEDS_EXACT_PHRASE,
        LIST_404_FATAL,
        LOOKUP_200_NEEDS_RECORD,
        SINGLE_RECV,
        GET_NEEDS_CRLF,
        GET_NEEDS_CONTENT_LENGTH,
        GET_NEEDS_TEXT_PLAIN,
        GET_NEEDS_EMPTY_LINE,
        GET_NAMES_CASE_SENSITIVE,
        GET_WAITS_FOR_CLOSE,
        ERROR_NEEDS_CONTENT_LENGTH
    }

    /** How long this peer waits for more of an answer once bytes stopped coming. */
    private static final int QUIET_MILLIS = 200;

    private final Fault fault;
    private final ExecutorService shell = Executors.newSingleThreadExecutor();
    private Socket index;
    private volatile boolean stuck;

    FakePeer(Fault fault) {
        this.fault = fault;
    }

    @Override
    public void start(String server) {
        run(() -> {
            String[] hostPort = server.split(":");
            index = new Socket(hostPort[0], Integer.parseInt(hostPort[1]));
            String add = fault == Fault.ADD_WITHOUT_RFC_TOKEN ? "ADD 1 P2P-CI/1.0\r\n" : "ADD RFC 1 P2P-CI/1.0\r\n";
            send(add + "Host: fake.example\r\nPort: 7000\r\nTitle: Host Software\r\n\r\n");
            readIndexAnswer("ADD");
        });
    }

    @Override
    public void lookup(int number) {
        run(() -> lookupNow(number));
    }

    private String lookupNow(int number) throws IOException {
        send("LOOKUP RFC " + number + " P2P-CI/1.0\r\nHost: fake.example\r\n"
                + (fault == Fault.LOOKUP_WITHOUT_PORT ? "" : "Port: 7000\r\n") + "\r\n");
        return readIndexAnswer("LOOKUP");
    }

    @Override
    public void list() {
        run(() -> {
            send((fault == Fault.LIST_WITHOUT_ALL ? "LIST P2P-CI/1.0" : "LIST ALL P2P-CI/1.0")
                    + "\r\nHost: fake.example\r\nPort: 7000\r\n\r\n");
            readIndexAnswer("LIST");
        });
    }

    @Override
    public void get(int number) {
        run(() -> {
            String answer = lookupNow(number);
            String record = answer.lines().filter(line -> line.contains(" ")).skip(1).findFirst().orElse("");
            String[] fields = record.strip().split(" ");
            if (fields.length < 3) {
                stuck = true;
                return;
            }
            try (Socket holder = new Socket(fields[fields.length - 2], Integer.parseInt(fields[fields.length - 1]))) {
                holder.getOutputStream().write(("GET RFC " + number + " P2P-CI/1.0\r\nHost: "
                        + fields[fields.length - 2] + "\r\n" + (fault == Fault.GET_WITHOUT_OS ? "" : "OS: Fake 1.0\r\n")
                        + "\r\n").getBytes(StandardCharsets.UTF_8));
                holder.setSoTimeout(5000);
                String file = fault == Fault.GET_WAITS_FOR_CLOSE
                        ? new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                        : readFileAnswer(holder.getInputStream());
                if (keepsFile(file)) {
                    send("ADD RFC " + number + " P2P-CI/1.0\r\nHost: fake.example\r\nPort: 7000\r\nTitle: Got\r\n\r\n");
                    readIndexAnswer("ADD");
                }
            }
        });
    }

    /** Reads a GET answer up to its Content-Length, or to the close when it has none. */
    private static String readFileAnswer(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return answer.toString(StandardCharsets.UTF_8);
            }
            answer.write(b);
            String text = answer.toString(StandardCharsets.UTF_8);
            int headEnd = text.indexOf("\r\n\r\n") >= 0 ? text.indexOf("\r\n\r\n") + 4
                    : text.indexOf("\n\n") >= 0 ? text.indexOf("\n\n") + 2 : -1;
            if (headEnd >= 0) {
                java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *([0-9]+)")
                        .matcher(text.substring(0, headEnd));
                if (length.find()) {
                    answer.write(in.readNBytes(Integer.parseInt(length.group(1))));
                    return answer.toString(StandardCharsets.UTF_8);
                }
                answer.write(in.readAllBytes());
                return answer.toString(StandardCharsets.UTF_8);
            }
        }
    }

    /** Whether this peer takes the GET answer as a file; its faults are the strict readings of the head. */
    private boolean keepsFile(String answer) {
        String head = answer.contains("\r\n\r\n") ? answer.substring(0, answer.indexOf("\r\n\r\n"))
                : answer.contains("\n\n") ? answer.substring(0, answer.indexOf("\n\n")) : answer;
        if (!head.startsWith("P2P-CI/1.0 200")) {
            if (fault == Fault.ERROR_NEEDS_CONTENT_LENGTH && !head.contains("Content-Length:")) {
                stuck = true;
            }
            return false;
        }
        return switch (fault) {
            case GET_NEEDS_CRLF -> head.contains("\r\n");
            case GET_NEEDS_CONTENT_LENGTH -> head.contains("Content-Length:");
            case GET_NEEDS_TEXT_PLAIN -> head.contains("Content-Type: text/plain");
            // Its head must end in a header line: without the empty line it cuts at one inside the file.
            case GET_NEEDS_EMPTY_LINE -> head.lines().reduce((first, second) -> second).orElse("")
                    .matches("[A-Za-z-]+: .*");
            case GET_NAMES_CASE_SENSITIVE -> head.contains("\nDate: ");
            default -> true;
        };
    }

    /** Reads one index answer liberally, or gets stuck where this peer's fault makes it. */
    private String readIndexAnswer(String method) throws IOException {
        InputStream in = index.getInputStream();
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        index.setSoTimeout(5000);
        int read = in.read(buffer);
        if (read < 0) {
            stuck = true;
            return "";
        }
        answer.write(buffer, 0, read);
        if (fault != Fault.SINGLE_RECV) {
            index.setSoTimeout(QUIET_MILLIS);
            while (!complete(answer.toString(StandardCharsets.UTF_8))) {
                try {
                    read = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (read < 0) {
                    break;
                }
                answer.write(buffer, 0, read);
            }
        }
        String text = answer.toString(StandardCharsets.UTF_8);
        stuck = stuck || !acceptable(method, text);
        return text;
    }

    /** The standard end: the status line, an empty line, records, the final empty line. */
    private static boolean complete(String text) {
        return text.endsWith("\r\n\r\n") && (text.indexOf("\r\n\r\n") != text.lastIndexOf("\r\n\r\n")
                || text.endsWith("\r\n\r\n\r\n"));
    }

    private boolean acceptable(String method, String text) {
        return switch (fault) {
            case NEEDS_CRLF -> !text.replace("\r\n", "").contains("\n");
            case NEEDS_EMPTY_LINES -> text.contains("\r\n\r\n") || text.contains("\n\n");
            case NEEDS_RFC_TOKEN -> text.lines().skip(1).filter(line -> !line.isBlank())
                    .allMatch(line -> line.startsWith("RFC "));
            case NEEDS_EXACT_PHRASE -> !text.startsWith("P2P-CI/1.0 404") || text.startsWith("P2P-CI/1.0 404 Not Found");
            case LIST_404_FATAL -> !(method.equals("LIST") && text.startsWith("P2P-CI/1.0 404"));
            case LOOKUP_200_NEEDS_RECORD -> !(method.equals("LOOKUP") && text.startsWith("P2P-CI/1.0 200")
                    && text.lines().skip(1).allMatch(String::isBlank));
            case SINGLE_RECV -> complete(text);
            default -> true;
        };
    }

    private void send(String request) throws IOException {
        index.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
    }

    /** An action of the shell; once stuck, the peer does nothing more, as one hung on an answer would. */
    private interface Action {
        void run() throws IOException;
    }

    private void run(Action action) {
        shell.submit(() -> {
            if (stuck) {
                return null;
            }
            action.run();
            return null;
        });
    }

    @Override
    public long startupMillis() {
        return 5000;
    }

    @Override
    public long commandMillis() {
        return 3000;
    }

    @Override
    public void close() throws IOException {
        shell.shutdownNow();
        if (index != null) {
            index.close();
        }
    }
}
