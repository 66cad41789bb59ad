package net.p2pci.checker;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A small index server that follows docs/PROTOCOL.md except for one deliberate fault, so that a test can show the
 * checker's case for that rule failing. Thread-safe: the records are guarded by the instance's lock, and each
 * connection runs on a virtual thread of its own.
 */
final class FakeIndexServer implements AutoCloseable {
    /** The one thing this server gets wrong. */
    enum Fault {
        NONE,
        PRELOADED_RECORD,
        ADD_WITHOUT_ECHO,
        LATIN1_ANSWERS,
        LOOKUP_FIRST_HOLDER_ONLY,
        MISS_WITHOUT_FINAL_EMPTY_LINE,
        LIST_OWN_RECORDS_ONLY,
        REFUSES_LF,
        WRITES_LINE_BY_LINE,
        DROPS_PIPELINED,
        AT_MOST_10_PEERS,
        KEEPS_RECORDS_ON_CLOSE,
        KEEPS_RECORDS_ON_RESET,
        REFUSES_SECOND_CLAIM,
        UNKNOWN_METHOD_OK,
        BAD_NUMBER_404,
        MISSING_TITLE_ACCEPTED,
        BAD_PORT_ACCEPTED,
        VERSION_IGNORED,
        NUL_STOPS_SERVER,
        CONTROL_BYTES_ACCEPTED,
        NO_LINE_LIMIT,
        HUGE_LINE_STALLS,
        /** Not a fault: offers the extensions of PROTOCOL.md section 8 and answers them right. */
        EXTENSIONS,
        DISCOVERY_WITHOUT_FINAL_EMPTY_LINE,
        SEARCH_ANY_WORD,
        PEERS_WITHOUT_COUNTS,
        WITHDRAW_EVERY_CLAIM;

        /** Whether a fake with this fault offers the extensions; the standard ones answer them 400. */
        boolean offersExtensions() {
            return ordinal() >= EXTENSIONS.ordinal();
        }
    }

    private static final int MAX_LINE_BYTES = 4096;
    private static final int MAX_REQUEST_BYTES = 139_332;

    private final Fault fault;
    private final ServerSocket listener;
    /** Each connection's records, in the order added; a record is {@code RFC n title host port}. */
    private final Map<Socket, List<Rec>> records = new LinkedHashMap<>();
    private final Map<Socket, Boolean> open = new ConcurrentHashMap<>();
    /**
     * Set by NUL_STOPS_SERVER: from then on no connection is served, whatever the kernel still accepted. Closing the
     * listener alone left a window in which a connection made just after was accepted and served, and the case
     * passed against its broken fake (seen once in CI).
     */
    private volatile boolean stopped;

    private record Rec(int number, String title, String line, long order) {
    }

    private long added;

    FakeIndexServer(Fault fault) throws IOException {
        this.fault = fault;
        this.listener = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        if (fault == Fault.PRELOADED_RECORD) {
            Rec stale = new Rec(1, "Stale", "RFC 1 Stale stale.example 1", added++);
            records.put(new Socket(), new ArrayList<>(List.of(stale)));
        }
        Thread.ofVirtual().start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    Target target() {
        return new Target("127.0.0.1", port());
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket socket = listener.accept();
                open.put(socket, true);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        boolean clean = false;
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            while (true) {
                List<byte[]> lines = readRequest(in);
                if (lines == null) {
                    clean = true;
                    return;
                }
                if (stopped) {
                    return;
                }
                if (fault == Fault.NUL_STOPS_SERVER && lines.stream().anyMatch(l -> contains(l, (byte) 0))) {
                    stopped = true;
                    listener.close();
                    return;
                }
                String answer = answer(socket, lines);
                write(out, answer);
                if (fault == Fault.DROPS_PIPELINED) {
                    in.skip(in.available());
                }
            }
        } catch (IOException e) {
            // reset or stalled
        } finally {
            open.remove(socket);
            boolean keep = (clean && fault == Fault.KEEPS_RECORDS_ON_CLOSE)
                    || (!clean && fault == Fault.KEEPS_RECORDS_ON_RESET);
            if (!keep) {
                synchronized (this) {
                    records.remove(socket);
                }
            }
        }
    }

    private void write(OutputStream out, String answer) throws IOException {
        byte[] bytes = answer.getBytes(fault == Fault.LATIN1_ANSWERS ? StandardCharsets.ISO_8859_1
                : StandardCharsets.UTF_8);
        if (fault == Fault.WRITES_LINE_BY_LINE) {
            for (String line : answer.split("(?<=\n)")) {
                out.write(line.getBytes(StandardCharsets.UTF_8));
                out.flush();
                pause(100);
            }
            return;
        }
        out.write(bytes);
        out.flush();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis); // the fault is that the pieces arrive apart
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The request's lines (without line ends), or null at a clean end; "\u0000BAD" as a line marks a bad one. */
    private List<byte[]> readRequest(InputStream in) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        long total = 0;
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        boolean tooLong = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (lines.isEmpty() && line.size() == 0) {
                    return null;
                }
                throw new IOException("ended inside a request");
            }
            total++;
            if (total > MAX_REQUEST_BYTES && fault != Fault.NO_LINE_LIMIT) {
                if (fault == Fault.HUGE_LINE_STALLS) {
                    pause(60_000);
                }
                throw new IOException("too long");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                if (length == bytes.length && fault == Fault.REFUSES_LF) {
                    tooLong = true;
                }
                line.reset();
                if (length == 0) {
                    if (lines.isEmpty()) {
                        continue;
                    }
                    if (tooLong) {
                        lines.add(0, "\u0000BAD".getBytes(StandardCharsets.UTF_8));
                    }
                    return lines;
                }
                if (length > MAX_LINE_BYTES && fault != Fault.NO_LINE_LIMIT) {
                    tooLong = true;
                }
                lines.add(java.util.Arrays.copyOf(bytes, length));
            } else {
                line.write(b);
            }
        }
    }

    private static boolean contains(byte[] bytes, byte wanted) {
        for (byte b : bytes) {
            if (b == wanted) {
                return true;
            }
        }
        return false;
    }

    private static final String BAD = "P2P-CI/1.0 400 Bad Request\r\n\r\n\r\n";

    private String answer(Socket socket, List<byte[]> rawLines) {
        List<String> lines = rawLines.stream().map(l -> new String(l, StandardCharsets.UTF_8)).toList();
        if (lines.getFirst().equals("\u0000BAD")) {
            return BAD;
        }
        if (fault != Fault.CONTROL_BYTES_ACCEPTED && lines.stream().anyMatch(l -> l.chars().anyMatch(c -> c < 0x20))) {
            return BAD;
        }
        String[] fields = lines.getFirst().split(" ");
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header : lines.subList(1, lines.size())) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                return BAD;
            }
            headers.put(header.substring(0, colon).strip(), header.substring(colon + 1).strip());
        }
        String version = fields[fields.length - 1];
        if (!version.equals("P2P-CI/1.0")) {
            if (version.startsWith("P2P-CI/") && fault != Fault.VERSION_IGNORED) {
                return "P2P-CI/1.0 505 P2P-CI Version Not Supported\r\n\r\n\r\n";
            }
            if (fault != Fault.VERSION_IGNORED) {
                return BAD;
            }
        }
        String host = headers.get("Host");
        String port = headers.getOrDefault("Port", "");
        if (host == null || !(port.matches("[0-9]{1,5}") || fault == Fault.BAD_PORT_ACCEPTED)) {
            return BAD;
        }
        if (fields[0].equals("LIST") && fields.length == 3 && fields[1].equals("ALL")) {
            return ok(list(socket));
        }
        if (fault.offersExtensions() && fields.length == 3) {
            switch (fields[0] + " " + fields[1]) {
                case "OPTIONS *" -> {
                    return "P2P-CI/1.0 200 OK\r\nExtensions: SEARCH, PEERS, WITHDRAW\r\n\r\n"
                            + (fault == Fault.DISCOVERY_WITHOUT_FINAL_EMPTY_LINE ? "" : "\r\n");
                }
                case "SEARCH TITLE" -> {
                    return limited(search(headers.getOrDefault("Words", "")));
                }
                case "PEERS ALL" -> {
                    return limited(peers());
                }
                default -> {
                    // not an extension request: answered below
                }
            }
        }
        if (fault.offersExtensions() && fields.length == 4 && fields[0].equals("WITHDRAW")
                && fields[2].matches("[0-9]{1,9}")) {
            return withdraw(socket, Integer.parseInt(fields[2]));
        }
        if (fields.length != 4 || !fields[1].equals("RFC")) {
            return fault == Fault.UNKNOWN_METHOD_OK ? ok(List.of()) : BAD;
        }
        if (!fields[2].matches("[0-9]{1,9}")) {
            return fault == Fault.BAD_NUMBER_404 ? "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n" : BAD;
        }
        int number = Integer.parseInt(fields[2]);
        return switch (fields[0]) {
            case "ADD" -> add(socket, number, headers.get("Title"), host, port);
            case "LOOKUP" -> lookup(number);
            default -> fault == Fault.UNKNOWN_METHOD_OK ? ok(List.of()) : BAD;
        };
    }

    private synchronized String add(Socket socket, int number, String title, String host, String port) {
        if (title == null) {
            if (fault != Fault.MISSING_TITLE_ACCEPTED) {
                return BAD;
            }
            title = "";
        }
        String line = "RFC " + number + " " + title + " " + host + " " + port;
        if (fault == Fault.AT_MOST_10_PEERS && records.size() >= 10 && !records.containsKey(socket)) {
            return ok(List.of(line)); // answered, but never stored
        }
        if (fault == Fault.REFUSES_SECOND_CLAIM) {
            String claim = " " + host + " " + port;
            boolean claimed = records.entrySet().stream().anyMatch(e -> e.getKey() != socket
                    && e.getValue().stream().anyMatch(r -> r.line().endsWith(claim)));
            if (claimed) {
                return BAD;
            }
        }
        records.computeIfAbsent(socket, s -> new ArrayList<>()).add(new Rec(number, title, line, added++));
        return fault == Fault.ADD_WITHOUT_ECHO ? ok(List.of()) : ok(List.of(line));
    }

    private synchronized String lookup(int number) {
        List<String> found = all().stream().filter(r -> r.number() == number).map(Rec::line).toList();
        if (found.isEmpty()) {
            return fault == Fault.MISS_WITHOUT_FINAL_EMPTY_LINE ? "P2P-CI/1.0 404 Not Found\r\n\r\n"
                    : "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n";
        }
        return ok(fault == Fault.LOOKUP_FIRST_HOLDER_ONLY ? found.subList(0, 1) : found);
    }

    private synchronized List<String> list(Socket socket) {
        if (fault == Fault.LIST_OWN_RECORDS_ONLY) {
            return records.getOrDefault(socket, List.of()).stream().map(Rec::line).toList();
        }
        return all().stream().map(Rec::line).toList();
    }

    private List<Rec> all() {
        return records.values().stream().flatMap(List::stream)
                .sorted(java.util.Comparator.comparingLong(Rec::order)).toList();
    }

    private synchronized List<String> search(String words) {
        List<String> wanted = List.of(words.toLowerCase(java.util.Locale.ROOT).split(" "));
        return all().stream().filter(r -> {
            List<String> has = List.of(r.title().toLowerCase(java.util.Locale.ROOT).split(" "));
            return fault == Fault.SEARCH_ANY_WORD ? wanted.stream().anyMatch(has::contains) : has.containsAll(wanted);
        }).sorted(java.util.Comparator.comparingInt(Rec::number)).map(Rec::line).toList();
    }

    private synchronized List<String> peers() {
        List<String> lines = new ArrayList<>();
        for (List<Rec> held : records.values()) {
            if (!held.isEmpty()) {
                String[] fields = held.getFirst().line().split(" ");
                String endpoint = fields[fields.length - 2] + " " + fields[fields.length - 1];
                lines.add("PEER " + endpoint + (fault == Fault.PEERS_WITHOUT_COUNTS ? "" : " " + held.size()));
            }
        }
        return lines;
    }

    private synchronized String withdraw(Socket socket, int number) {
        List<Rec> held = records.getOrDefault(socket, new ArrayList<>());
        Rec own = held.stream().filter(r -> r.number() == number).findFirst().orElse(null);
        if (own == null) {
            return "P2P-CI/1.0 404 Not Found\r\n\r\n\r\n";
        }
        if (fault == Fault.WITHDRAW_EVERY_CLAIM) {
            records.values().forEach(list -> list.removeIf(r -> r.line().equals(own.line())));
        } else {
            held.remove(own);
        }
        return ok(List.of(own.line()));
    }

    /** A SEARCH or PEERS answer: the cap stated after the status line. */
    private static String limited(List<String> lines) {
        return ok(lines).replaceFirst("\r\n", "\r\nLimit: 1000\r\n");
    }

    private static String ok(List<String> lines) {
        StringBuilder answer = new StringBuilder("P2P-CI/1.0 200 OK\r\n\r\n");
        lines.forEach(line -> answer.append(line).append("\r\n"));
        return answer.append("\r\n").toString();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket socket : open.keySet()) {
            socket.close();
        }
    }
}
