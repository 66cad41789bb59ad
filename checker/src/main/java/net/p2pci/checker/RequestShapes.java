package net.p2pci.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The requests a peer must send (docs/PROTOCOL.md 3.1 and 4.1) as exact patterns, and the judge of what a peer
 * sent: exact passes; a request that is right once LF is read as CRLF, header names are read without case and
 * the final empty line is supplied (what our liberal server copes with) is NON-STRICT; anything else fails.
 */
final class RequestShapes {
    private static final String HEADER_VALUE = "[^\\s][^\\r\\n]*";

    private RequestShapes() {
    }

    static Pattern add() {
        return Pattern.compile("ADD RFC [0-9]{1,9} P2P-CI/1\\.0\r\nHost: [^\\s]+\r\nPort: [0-9]{1,5}\r\nTitle: "
                + HEADER_VALUE + "\r\n\r\n");
    }

    static Pattern lookup(int number) {
        return Pattern.compile("LOOKUP RFC " + number + " P2P-CI/1\\.0\r\nHost: [^\\s]+\r\nPort: [0-9]{1,5}\r\n"
                + "(Title: " + HEADER_VALUE + "\r\n)?\r\n");
    }

    static Pattern list() {
        return Pattern.compile("LIST ALL P2P-CI/1\\.0\r\nHost: [^\\s]+\r\nPort: [0-9]{1,5}\r\n\r\n");
    }

    /** GET, with the extension headers of docs/PROTOCOL.md 9 in their exact form where the peer sends them. */
    static Pattern get(int number) {
        return Pattern.compile("GET RFC " + number + " P2P-CI/1\\.0\r\nHost: [^\\s]+\r\nOS: " + HEADER_VALUE
                + "\r\n(Want-Repr-Digest: sha-256=1\r\n)?(Range: bytes=[0-9]{1,18}-([0-9]{1,18})?\r\n)?\r\n");
    }

    /** The form a request must have, for messages: the pattern as a person writes it. */
    static String form(String method) {
        return switch (method) {
            case "ADD" -> "ADD RFC <n> P2P-CI/1.0\\r\\nHost: <host>\\r\\nPort: <port>\\r\\nTitle: <title>\\r\\n\\r\\n";
            case "LOOKUP" -> "LOOKUP RFC <n> P2P-CI/1.0\\r\\nHost: <host>\\r\\nPort: <port>\\r\\n[Title: <title>\\r\\n]"
                    + "\\r\\n";
            case "LIST" -> "LIST ALL P2P-CI/1.0\\r\\nHost: <host>\\r\\nPort: <port>\\r\\n\\r\\n";
            default -> "GET RFC <n> P2P-CI/1.0\\r\\nHost: <host>\\r\\nOS: <os>\\r\\n[Want-Repr-Digest: sha-256=1\\r\\n]"
                    + "[Range: bytes=<a>-<b>\\r\\n]\\r\\n";
        };
    }

    static Outcome judge(String method, Pattern exact, SeenRequest request) {
        String text = Bytes.text(request.raw());
        if (exact.matcher(text).matches()) {
            return Outcome.pass();
        }
        List<String> deviations = new ArrayList<>();
        String normal = text;
        if (normal.replace("\r\n", "").contains("\n")) {
            deviations.add("ends lines with LF alone, not CRLF");
            normal = normal.replace("\r\n", "\n").replace("\n", "\r\n");
        }
        if (!normal.endsWith("\r\n\r\n")) {
            deviations.add("ends the request without the empty line");
            normal = normal.endsWith("\r\n") ? normal + "\r\n" : normal + "\r\n\r\n";
        }
        for (String name : List.of("Host", "Port", "Title", "OS")) {
            String recased = Pattern.compile("\r\n" + name + ":", Pattern.CASE_INSENSITIVE).matcher(normal)
                    .replaceAll("\r\n" + name + ":");
            if (!recased.equals(normal)) {
                deviations.add("writes header names in another case");
                normal = recased;
            }
        }
        if (!deviations.isEmpty() && exact.matcher(normal).matches()) {
            return Outcome.nonStrict(deviations.stream().distinct().toList());
        }
        return Outcome.fail(method + ": expected the form " + form(method) + ", saw " + request);
    }
}
