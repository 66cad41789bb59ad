package net.p2pci.checker;

import static net.p2pci.checker.IndexAnswers.badRequest;
import static net.p2pci.checker.IndexAnswers.notFound;
import static net.p2pci.checker.IndexAnswers.ok;
import static net.p2pci.checker.IndexAnswers.record;

import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cases of {@code p2pci-check server} for the index extensions (docs/PROTOCOL.md section 8). A standard server
 * answers the discovery 400, which passes, and each extension case is a SKIP saying it was not offered (neither
 * pass nor fail, as for the upload extensions); a server that offers an extension is held to its exact bytes.
 */
final class ExtensionCases {
    private static final String CRLF = "\r\n";
    /** Section 8.1: status line, the one header, the empty line after the headers, no lines, the final empty line. */
    private static final Pattern DISCOVERY = Pattern.compile(
            "P2P-CI/1\\.0 200 OK\r\nExtensions: ([A-Z]+(?:, [A-Z]+)*)\r\n\r\n\r\n");
    /** Section 8.2: the cap every SEARCH and PEERS answer states. */
    private static final String LIMIT = "Limit: 1000" + CRLF;

    private ExtensionCases() {
    }

    static List<CheckCase<ServerRun>> all() {
        return List.of(
                new CheckCase<>("8.1-discovery", "OPTIONS * is answered 400 (standard) or 200 naming the extensions"
                        + " offered", ExtensionCases::discovery),
                new CheckCase<>("8.2-search", "SEARCH finds the titles with every word, in any case, and states its"
                        + " limit (where offered)", ExtensionCases::search),
                new CheckCase<>("8.3-peers", "PEERS lists a peer with its upload port and record count (where"
                        + " offered)", ExtensionCases::peers),
                new CheckCase<>("8.4-withdraw", "WITHDRAW removes the connection's own record and echoes it (where"
                        + " offered)", ExtensionCases::withdraw));
    }

    static String options(String host, int port) {
        return "OPTIONS * P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF + CRLF;
    }

    private static Outcome discovery(ServerRun run) throws IOException {
        try (WireConnection peer = run.connect()) {
            peer.send(options(run.names().host("options"), 5200));
            byte[] seen = peer.readAnswer(Bytes.utf8(offeredAnswer()));
            if (IndexAnswers.statusCode(seen) == 400) {
                Outcome judged = IndexAnswers.judge("answer to OPTIONS", badRequest(), seen);
                return judged.verdict() == Verdict.PASS
                        ? Outcome.pass("no extensions offered: answered 400, as a standard server does") : judged;
            }
            if (DISCOVERY.matcher(Bytes.text(seen)).matches()) {
                return Outcome.pass();
            }
            return Outcome.fail("answer to OPTIONS (400, or 200 with an Extensions header: PROTOCOL.md 8.1)",
                    Bytes.utf8(offeredAnswer()), seen);
        }
    }

    private static String offeredAnswer() {
        return "P2P-CI/1.0 200 OK" + CRLF + "Extensions: SEARCH, PEERS, WITHDRAW" + CRLF + CRLF + CRLF;
    }

    /** Asks on {@code peer} what the server offers (section 8.1); true when its answer names {@code extension}. */
    private static boolean offers(WireConnection peer, String host, int port, String extension) throws IOException {
        peer.send(options(host, port));
        Matcher answer = DISCOVERY.matcher(Bytes.text(peer.readAnswer(Bytes.utf8(offeredAnswer()))));
        return answer.matches() && List.of(answer.group(1).split(", ")).contains(extension);
    }

    private static Outcome notOffered(String extension) {
        return Outcome.skip(extension + " not offered");
    }

    private static Outcome search(ServerRun run) throws IOException {
        String host = run.names().host("search");
        int port = 5210;
        try (WireConnection peer = run.connect()) {
            if (!offers(peer, host, port, "SEARCH")) {
                return notOffered("SEARCH");
            }
            // The run's id is a word no other run's titles have, so only this case's records can match.
            String word = run.names().runId();
            int match = run.names().rfc(210);
            int other = run.names().rfc(211);
            String matchTitle = "Checker Search " + word.toUpperCase(java.util.Locale.ROOT) + " Zebra";
            String otherTitle = "Checker search " + word + " without the other word";
            Outcome outcome = ServerCases.exchange(peer, "ADD", Requests.add(match, host, port, matchTitle),
                    ok(record(match, matchTitle, host, port)));
            outcome = outcome.and(ServerCases.exchange(peer, "ADD", Requests.add(other, host, port, otherTitle),
                    ok(record(other, otherTitle, host, port))));
            String request = "SEARCH TITLE P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF
                    + "Words: zebra " + word + CRLF + CRLF;
            String expected = "P2P-CI/1.0 200 OK" + CRLF + LIMIT + CRLF + record(match, matchTitle, host, port)
                    + CRLF + CRLF;
            return outcome.and(exact(peer, "SEARCH", request, expected));
        }
    }

    private static Outcome peers(ServerRun run) throws IOException {
        String host = run.names().host("peers");
        int port = 5220;
        try (WireConnection peer = run.connect()) {
            if (!offers(peer, host, port, "PEERS")) {
                return notOffered("PEERS");
            }
            for (int offset = 220; offset < 222; offset++) {
                int number = run.names().rfc(offset);
                peer.send(Requests.add(number, host, port, ServerCases.TITLE));
                peer.readAnswer(Bytes.utf8(ok(record(number, ServerCases.TITLE, host, port))));
            }
            peer.send("PEERS ALL P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port + CRLF + CRLF);
            byte[] seen = peer.readAnswer(Bytes.utf8("P2P-CI/1.0 200 OK" + CRLF + LIMIT + CRLF));
            String text = Bytes.text(seen);
            String line = "PEER " + host + " " + port + " 2" + CRLF;
            boolean listed = text.startsWith("P2P-CI/1.0 200 OK" + CRLF + LIMIT) && text.contains(CRLF + line)
                    && text.endsWith(CRLF + CRLF);
            if (!listed) {
                return Outcome.fail("answer to PEERS (200, Limit: 1000, a line " + Bytes.quote(Bytes.utf8(line))
                        + " among the others, the final empty line)", Bytes.utf8("P2P-CI/1.0 200 OK" + CRLF + LIMIT
                        + CRLF + "..." + line + "..." + CRLF), seen);
            }
            return Outcome.pass();
        }
    }

    private static Outcome withdraw(ServerRun run) throws IOException {
        String host = run.names().host("withdraw");
        int port = 5230;
        int number = run.names().rfc(230);
        String withdraw = "WITHDRAW RFC " + number + " P2P-CI/1.0" + CRLF + "Host: " + host + CRLF + "Port: " + port
                + CRLF + CRLF;
        try (WireConnection peer = run.connect(); WireConnection other = run.connect()) {
            if (!offers(peer, host, port, "WITHDRAW")) {
                return notOffered("WITHDRAW");
            }
            String held = record(number, ServerCases.TITLE, host, port);
            Outcome outcome = ServerCases.exchange(peer, "ADD", Requests.add(number, host, port,
                    ServerCases.TITLE), ok(held));
            outcome = outcome.and(ServerCases.exchange(other, "ADD on a second connection", Requests.add(number,
                    host, port, ServerCases.TITLE), ok(held)));
            outcome = outcome.and(exact(peer, "WITHDRAW", withdraw, ok(held)));
            outcome = outcome.and(exact(peer, "WITHDRAW again", withdraw, notFound()));
            outcome = outcome.and(ServerCases.exchange(peer, "LOOKUP after WITHDRAW (the other connection's record"
                    + " stays)", Requests.lookup(number, host, port, ServerCases.TITLE), ok(held)));
            return outcome;
        }
    }

    /** An extension's answer is ours to define: judged by its exact bytes, without a liberal reading. */
    private static Outcome exact(WireConnection peer, String what, String request, String expected)
            throws IOException {
        peer.send(request);
        byte[] seen = peer.readAnswer(Bytes.utf8(expected));
        return java.util.Arrays.equals(seen, Bytes.utf8(expected)) ? Outcome.pass()
                : Outcome.fail("answer to " + what, Bytes.utf8(expected), seen);
    }
}
