package net.p2pci.checker;

/** The P2S and P2P requests of docs/PROTOCOL.md 3.1 and 4.1, written literally, with CRLF line ends. */
public final class Requests {
    private static final String CRLF = "\r\n";

    private Requests() {
    }

    public static String add(int number, String host, int port, String title) {
        return "ADD RFC " + number + " P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF
                + "Title: " + title + CRLF + CRLF;
    }

    public static String lookup(int number, String host, int port, String title) {
        return "LOOKUP RFC " + number + " P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF
                + "Title: " + title + CRLF + CRLF;
    }

    public static String list(String host, int port) {
        return "LIST ALL P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF + CRLF;
    }

    /** A GET whose RFC field is {@code number} as given, so that cases can send malformed ones. */
    public static String get(String number, String host, String version) {
        return "GET RFC " + number + " " + version + CRLF + "Host: " + host + CRLF + "OS: p2pci-check" + CRLF + CRLF;
    }

    /** The same request with one more header line before its empty line. */
    public static String withHeader(String request, String headerLine) {
        return request.substring(0, request.length() - CRLF.length()) + headerLine + CRLF + CRLF;
    }

    /** The same request with LF alone ending its lines. */
    public static String withLf(String request) {
        return request.replace(CRLF, "\n");
    }
}
