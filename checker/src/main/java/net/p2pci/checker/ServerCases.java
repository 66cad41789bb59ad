package net.p2pci.checker;

import static net.p2pci.checker.IndexAnswers.badRequest;
import static net.p2pci.checker.IndexAnswers.notFound;
import static net.p2pci.checker.IndexAnswers.ok;
import static net.p2pci.checker.IndexAnswers.record;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The cases of {@code p2pci-check server}: an index server judged over raw sockets against docs/PROTOCOL.md, each
 * expected answer written out here from the document's text.
 */
public final class ServerCases {
    static final String TITLE = "Hypertext Transfer Protocol -- HTTP/1.1";
    /** Non-ASCII in two- and three-byte UTF-8, as PROTOCOL.md 2.3 allows in titles. */
    static final String UTF8_TITLE = "Caf\u00e9 \u2014 \u00dcbertragung";
    /** PROTOCOL.md 3.7: peers that register at once. */
    static final int CONCURRENT_PEERS = 20;
    /** PROTOCOL.md 6.11: the longest line. */
    static final int MAX_LINE_BYTES = 4096;
    /** A line far past any limit, sent without an end. */
    static final int HUGE_LINE_BYTES = 1024 * 1024;

    private ServerCases() {
    }

    /** The standard cases, then those of the index extensions (skipped where a server does not offer them). */
    public static List<CheckCase<ServerRun>> all() {
        List<CheckCase<ServerRun>> all = new ArrayList<>(standard());
        all.addAll(ExtensionCases.all());
        return List.copyOf(all);
    }

    private static List<CheckCase<ServerRun>> standard() {
        return List.of(
                new CheckCase<>("3.6-list-empty", "LIST ALL on a fresh index: 200 and no records",
                        ServerCases::listEmpty),
                new CheckCase<>("3.5-add-echo", "ADD is answered 200 with the record added",
                        ServerCases::addEcho),
                new CheckCase<>("2.3-utf8-title", "a title in UTF-8 comes back byte for byte",
                        ServerCases::utf8Title),
                new CheckCase<>("3.6-lookup-hit", "LOOKUP lists every holder, in the order added",
                        ServerCases::lookupHit),
                new CheckCase<>("3.6-lookup-miss-404", "LOOKUP of an RFC nobody holds: 404 and the final empty line",
                        run -> exchangeOne(run, "lookup-miss", Requests.lookup(run.names().rfc(40),
                                run.names().host("lookup-miss"), 5040, TITLE), notFound())),
                new CheckCase<>("3.6-list-populated", "LIST ALL shows the records of every connection",
                        ServerCases::listPopulated),
                new CheckCase<>("2.1-lf-request", "a request with LF line ends is served (answered with CRLF)",
                        run -> exchangeOne(run, "lf", Requests.withLf(Requests.add(run.names().rfc(60),
                                run.names().host("lf"), 5060, TITLE)), ok(record(run.names().rfc(60), TITLE,
                                run.names().host("lf"), 5060)))),
                new CheckCase<>("3.3-one-write", "an answer arrives whole in the first read",
                        ServerCases::oneWrite),
                new CheckCase<>("3.8-pipelining", "requests sent back to back in one write are answered in order",
                        ServerCases::pipelining),
                new CheckCase<>("3.7-concurrent-peers", CONCURRENT_PEERS + " peers adding at once all get listed",
                        ServerCases::concurrentPeers),
                new CheckCase<>("1.2-purge-on-close", "a peer's records go when it closes its connection",
                        run -> purge(run, "close", 100, false)),
                new CheckCase<>("1.2-purge-on-reset", "a peer's records go when its connection is reset",
                        run -> purge(run, "reset", 110, true)),
                new CheckCase<>("6.2-claim-coexists", "a second connection claiming the same host:port neither"
                        + " displaces nor is refused", ServerCases::claimCoexists),
                new CheckCase<>("5-bad-method-400", "an unknown method is answered 400",
                        run -> exchangeOne(run, "bad-method", "FETCH RFC " + run.names().rfc(130) + " P2P-CI/1.0\r\n"
                                + "Host: " + run.names().host("bad-method") + "\r\nPort: 5130\r\n\r\n", badRequest())),
                new CheckCase<>("5-bad-number-400", "a non-numeric RFC number is answered 400",
                        run -> exchangeOne(run, "bad-number", Requests.lookup(0, run.names().host("bad-number"), 5140,
                                TITLE).replace("RFC 0 ", "RFC abc "), badRequest())),
                new CheckCase<>("5-missing-title-400", "ADD without Title is answered 400",
                        run -> exchangeOne(run, "no-title", Requests.add(run.names().rfc(150),
                                run.names().host("no-title"), 5150, TITLE).replace("Title: " + TITLE + "\r\n", ""),
                                badRequest())),
                new CheckCase<>("5-bad-port-400", "a non-numeric Port is answered 400",
                        run -> exchangeOne(run, "bad-port", Requests.add(run.names().rfc(160),
                                run.names().host("bad-port"), 5160, TITLE).replace("Port: 5160", "Port: x"),
                                badRequest())),
                new CheckCase<>("5-version-505", "P2P-CI/2.0 is answered 505",
                        run -> exchangeOne(run, "v2", Requests.lookup(run.names().rfc(170), run.names().host("v2"),
                                5170, TITLE).replace("P2P-CI/1.0", "P2P-CI/2.0"), IndexAnswers.versionNotSupported())),
                new CheckCase<>("5-garbage-nul", "NUL bytes are answered 400 or closed; others are still served",
                        run -> garbage(run, "nul", 180, new byte[1000])),
                new CheckCase<>("5-garbage-control", "control bytes in a request are answered 400 or closed; others"
                        + " are still served", run -> garbage(run, "control", 190, Bytes.utf8("ADD RFC "
                        + run.names().rfc(191) + " P2P-CI/1.0\r\nHost: a\u0001b\r\nPort: 5190\r\nTitle: \u0007\u001b"))),
                new CheckCase<>("6.11-line-too-long-400", "a line over " + MAX_LINE_BYTES + " bytes is answered 400",
                        ServerCases::lineTooLong),
                new CheckCase<>("6.11-huge-line", "a 1 MiB line without an end is answered 400 or closed; others are"
                        + " still served", ServerCases::hugeLine));
    }

    /** Sends one request on a fresh connection and judges its answer. */
    static Outcome exchangeOne(ServerRun run, String what, String request, String expected) throws IOException {
        try (WireConnection peer = run.connect()) {
            return exchange(peer, what, request, expected);
        }
    }

    static Outcome exchange(WireConnection peer, String what, String request, String expected) throws IOException {
        peer.send(request);
        return IndexAnswers.judge("answer to " + what, expected, peer.readAnswer(Bytes.utf8(expected)));
    }

    private static Outcome listEmpty(ServerRun run) throws IOException {
        try (WireConnection peer = run.connect()) {
            peer.send(Requests.list(run.names().host("list-empty"), 5000));
            byte[] seen = peer.readAnswer(Bytes.utf8(ok()));
            List<String> records = IndexAnswers.records(seen);
            if (IndexAnswers.statusCode(seen) == 200 && !records.isEmpty()) {
                return Outcome.fail("the index already holds " + records.size() + " record(s) ("
                        + Bytes.quote(records.getFirst()) + " ...); PROTOCOL.md 1.2: a started server's index is empty,"
                        + " so run this case against a freshly started server");
            }
            return IndexAnswers.judge("answer to LIST ALL", ok(), seen);
        }
    }

    private static Outcome addEcho(ServerRun run) throws IOException {
        String host = run.names().host("a");
        int number = run.names().rfc(10);
        return exchangeOne(run, "ADD", Requests.add(number, host, 5010, TITLE), ok(record(number, TITLE, host, 5010)));
    }

    private static Outcome utf8Title(ServerRun run) throws IOException {
        String host = run.names().host("utf8");
        int number = run.names().rfc(20);
        try (WireConnection holder = run.connect(); WireConnection asker = run.connect()) {
            Outcome added = exchange(holder, "ADD", Requests.add(number, host, 5020, UTF8_TITLE),
                    ok(record(number, UTF8_TITLE, host, 5020)));
            return added.and(exchange(asker, "LOOKUP", Requests.lookup(number, run.names().host("utf8-b"), 5021,
                    UTF8_TITLE), ok(record(number, UTF8_TITLE, host, 5020))));
        }
    }

    private static Outcome lookupHit(ServerRun run) throws IOException {
        int number = run.names().rfc(30);
        String hostA = run.names().host("hit-a");
        String hostC = run.names().host("hit-c");
        try (WireConnection a = run.connect(); WireConnection c = run.connect(); WireConnection b = run.connect()) {
            Outcome outcome = requireAdded(a, number, hostA, 5030).and(requireAdded(c, number, hostC, 5032));
            return outcome.and(exchange(b, "LOOKUP", Requests.lookup(number, run.names().host("hit-b"), 5031, TITLE),
                    ok(record(number, TITLE, hostA, 5030), record(number, TITLE, hostC, 5032))));
        }
    }

    /**
     * An ADD another check builds on: it must be understood (a FAIL stands), but how its bytes deviate is for
     * 3.5-add-echo to report, so that each case reports on its own rule.
     */
    private static Outcome requireAdded(WireConnection peer, int number, String host, int port) throws IOException {
        return understood(exchange(peer, "ADD", Requests.add(number, host, port, TITLE),
                ok(record(number, TITLE, host, port))));
    }

    /** A FAIL as it is; anything a liberal reader understands as a pass, its deviations left to other cases. */
    static Outcome understood(Outcome outcome) {
        return outcome.verdict() == Verdict.FAIL ? outcome : Outcome.pass();
    }

    private static Outcome listPopulated(ServerRun run) throws IOException {
        String hostA = run.names().host("list-a");
        String hostB = run.names().host("list-b");
        try (WireConnection a = run.connect(); WireConnection b = run.connect();
                WireConnection observer = run.connect()) {
            // What was there before (another run's or real peers' records) stays in the expected answer, in place.
            observer.send(Requests.list(run.names().host("list-observer"), 5052));
            List<String> before = IndexAnswers.records(observer.readAnswer(Bytes.utf8(ok())));
            Outcome outcome = requireAdded(a, run.names().rfc(50), hostA, 5050)
                    .and(requireAdded(b, run.names().rfc(51), hostB, 5051));
            List<String> expected = new ArrayList<>(before);
            expected.add(record(run.names().rfc(50), TITLE, hostA, 5050));
            expected.add(record(run.names().rfc(51), TITLE, hostB, 5051));
            return outcome.and(exchange(observer, "LIST ALL", Requests.list(run.names().host("list-observer"), 5052),
                    IndexAnswers.answer("200 OK", expected)));
        }
    }

    private static Outcome oneWrite(ServerRun run) throws IOException {
        int number = run.names().rfc(70);
        String host = run.names().host("one-write");
        String expected = ok(record(number, TITLE, host, 5070));
        try (WireConnection peer = run.connect()) {
            Outcome outcome = requireAdded(peer, number, host, 5070);
            peer.send(Requests.lookup(number, host, 5070, TITLE));
            byte[] first = peer.readOnce();
            if (first.length == 0) {
                return Outcome.fail("no answer to LOOKUP within " + run.timing().timeout().toMillis() + " ms");
            }
            if (Arrays.equals(first, Bytes.utf8(expected))) {
                return outcome;
            }
            ByteArrayOutputStream whole = new ByteArrayOutputStream();
            whole.writeBytes(first);
            whole.writeBytes(peer.readUntilQuiet());
            Outcome judged = IndexAnswers.judge("answer to LOOKUP", expected, whole.toByteArray());
            if (judged.verdict() == Verdict.FAIL) {
                return judged;
            }
            if (whole.size() > first.length) {
                return Outcome.fail("the answer came in more than one piece (PROTOCOL.md 3.3): the first read held "
                        + first.length + " of " + whole.size() + " bytes, " + Bytes.quote(first));
            }
            return outcome; // whole in the first read; how its bytes deviate is for the 3.6 cases to report
        }
    }

    private static Outcome pipelining(ServerRun run) throws IOException {
        int number = run.names().rfc(80);
        String host = run.names().host("pipeline");
        String requests = Requests.add(number, host, 5080, TITLE) + Requests.lookup(number, host, 5080, TITLE)
                + Requests.lookup(run.names().rfc(81), host, 5080, TITLE);
        String expected = ok(record(number, TITLE, host, 5080)) + ok(record(number, TITLE, host, 5080)) + notFound();
        try (WireConnection peer = run.connect()) {
            peer.send(requests);
            byte[] seen = peer.readAnswer(Bytes.utf8(expected));
            if (Arrays.equals(seen, Bytes.utf8(expected))) {
                return Outcome.pass();
            }
            return IndexAnswers.judgeSequence("answers to ADD, LOOKUP (hit), LOOKUP (miss) sent in one write",
                    List.of(ok(record(number, TITLE, host, 5080)), ok(record(number, TITLE, host, 5080)), notFound()),
                    seen);
        }
    }

    private static Outcome concurrentPeers(ServerRun run) throws Exception {
        int number = run.names().rfc(90);
        List<WireConnection> peers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < CONCURRENT_PEERS; i++) {
                peers.add(run.connect());
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Outcome>> added = new ArrayList<>();
            for (int i = 0; i < CONCURRENT_PEERS; i++) {
                WireConnection peer = peers.get(i);
                String host = run.names().host("many-" + i);
                int port = 6000 + i;
                added.add(threads.submit(() -> {
                    start.await();
                    return requireAdded(peer, number, host, port);
                }));
            }
            start.countDown();
            Outcome outcome = Outcome.pass();
            for (Future<Outcome> answer : added) {
                outcome = outcome.and(answer.get(run.timing().timeout().toMillis() * 2, TimeUnit.MILLISECONDS));
            }
            try (WireConnection observer = run.connect()) {
                observer.send(Requests.lookup(number, run.names().host("many-observer"), 5999, TITLE));
                List<String> expectedRecords = new ArrayList<>();
                for (int i = 0; i < CONCURRENT_PEERS; i++) {
                    expectedRecords.add(record(number, TITLE, run.names().host("many-" + i), 6000 + i));
                }
                byte[] seen = observer.readAnswer(Bytes.utf8(ok(expectedRecords.toArray(String[]::new))));
                List<String> records = IndexAnswers.records(seen);
                List<String> missing = expectedRecords.stream().filter(line -> !records.contains(line)).toList();
                if (!missing.isEmpty() || records.size() != CONCURRENT_PEERS) {
                    return Outcome.fail("LOOKUP after " + CONCURRENT_PEERS + " concurrent ADDs shows "
                            + records.size() + " records, " + missing.size() + " missing; saw " + Bytes.quote(seen));
                }
            }
            return outcome;
        } finally {
            for (WireConnection peer : peers) {
                peer.close();
            }
        }
    }

    /** A holder adds a record and leaves (FIN or RST); a second connection polls LOOKUP until it is gone. */
    private static Outcome purge(ServerRun run, String name, int offset, boolean reset) throws IOException {
        int number = run.names().rfc(offset);
        String host = run.names().host("purge-" + name);
        try (WireConnection observer = run.connect()) {
            try (WireConnection holder = run.connect()) {
                Outcome added = requireAdded(holder, number, host, 5000 + offset);
                if (added.verdict() == Verdict.FAIL) {
                    return added;
                }
                String lookup = Requests.lookup(number, run.names().host("purge-observer"), 5001, TITLE);
                observer.send(lookup);
                Outcome present = understood(IndexAnswers.judge("LOOKUP while the holder is connected",
                        ok(record(number, TITLE, host, 5000 + offset)),
                        observer.readAnswer(Bytes.utf8(ok(record(number, TITLE, host, 5000 + offset))))));
                if (present.verdict() == Verdict.FAIL) {
                    return present;
                }
                if (reset) {
                    holder.reset();
                }
            }
            return awaitGone(run, observer, number, "after the holder's connection was " + (reset ? "reset" : "closed"));
        }
    }

    /** Polls LOOKUP on {@code observer} until it answers 404, within the timeout. */
    private static Outcome awaitGone(ServerRun run, WireConnection observer, int number, String when)
            throws IOException {
        long deadline = System.nanoTime() + run.timing().timeout().toNanos();
        byte[] seen;
        do {
            observer.send(Requests.lookup(number, run.names().host("purge-observer"), 5001, TITLE));
            seen = observer.readAnswer(Bytes.utf8(notFound()));
            if (IndexAnswers.statusCode(seen) == 404) {
                return Outcome.pass();
            }
            if (seen.length == 0) {
                break;
            }
            pause();
        } while (System.nanoTime() < deadline);
        return Outcome.fail("the record is still listed " + run.timing().timeout().toMillis() + " ms " + when
                + " (PROTOCOL.md 1.2); last answer " + Bytes.quote(seen));
    }

    /** Between polls: a short pause, so that polling does not flood the target. */
    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Outcome claimCoexists(ServerRun run) throws IOException {
        String host = run.names().host("claim");
        int first = run.names().rfc(120);
        int second = run.names().rfc(121);
        try (WireConnection observer = run.connect()) {
            Outcome outcome;
            try (WireConnection older = run.connect(); WireConnection newer = run.connect()) {
                outcome = requireAdded(older, first, host, 5120);
                newer.send(Requests.add(second, host, 5120, TITLE));
                byte[] answer = newer.readAnswer(Bytes.utf8(ok(record(second, TITLE, host, 5120))));
                if (IndexAnswers.statusCode(answer) != 200) {
                    return Outcome.fail("a second connection claiming " + host + ":5120 was refused (PROTOCOL.md 6.2:"
                            + " a claim never blocks another); saw " + Bytes.quote(answer));
                }
                outcome = outcome.and(understood(IndexAnswers.judge("ADD of the second claim", ok(record(second,
                        TITLE, host, 5120)), answer)));
                observer.send(Requests.lookup(first, run.names().host("claim-observer"), 5121, TITLE));
                byte[] older1 = observer.readAnswer(Bytes.utf8(ok(record(first, TITLE, host, 5120))));
                if (IndexAnswers.statusCode(older1) == 404) {
                    return Outcome.nonStrict("a new claim of a host:port removes the older live connection's records"
                            + " (PROTOCOL.md 6.2: both are kept)");
                }
                outcome = outcome.and(understood(IndexAnswers.judge("LOOKUP of the older claim's RFC",
                        ok(record(first, TITLE, host, 5120)), older1)));
            }
            return outcome.and(bothGone(run, observer, first, second));
        }
    }

    /** After both claimants left: both records gone, each with its own connection. */
    private static Outcome bothGone(ServerRun run, WireConnection observer, int first, int second)
            throws IOException {
        return awaitGone(run, observer, first, "after the older claimant closed")
                .and(awaitGone(run, observer, second, "after the newer claimant closed"));
    }

    /** Sends bytes no request can be; the answer must be 400 or a close, and another peer must still be served. */
    private static Outcome garbage(ServerRun run, String name, int offset, byte[] garbage) throws IOException {
        Outcome outcome;
        try (WireConnection attacker = run.connect()) {
            Sending.Result sent = Sending.within(attacker, concat(garbage, Bytes.utf8("\r\n\r\n")), run.timing());
            outcome = refusedOrClosed(run, attacker, sent, name);
        }
        int number = run.names().rfc(offset);
        String host = run.names().host(name + "-bystander");
        return outcome.and(understood(exchangeOne(run, "an ADD from another connection after the " + name
                + " bytes", Requests.add(number, host, 5000 + offset, TITLE), ok(record(number, TITLE, host,
                5000 + offset)))));
    }

    private static Outcome refusedOrClosed(ServerRun run, WireConnection attacker, Sending.Result sent, String name)
            throws IOException {
        if (sent == Sending.Result.STALLED) {
            return Outcome.fail("took no more of the " + name + " bytes for " + run.timing().timeout().toMillis()
                    + " ms, and neither answered 400 nor closed");
        }
        byte[] answer = attacker.readAnswer(Bytes.utf8(badRequest()));
        if (answer.length == 0) {
            return attacker.ended() || sent == Sending.Result.CUT_OFF ? Outcome.pass("closed the connection")
                    : Outcome.fail("neither answered 400 nor closed within " + run.timing().timeout().toMillis()
                    + " ms of the " + name + " bytes");
        }
        if (IndexAnswers.statusCode(answer) != 400) {
            return Outcome.fail("answer to the " + name + " bytes", Bytes.utf8(badRequest()), answer);
        }
        return Outcome.pass();
    }

    private static Outcome lineTooLong(ServerRun run) throws IOException {
        String host = run.names().host("long-line");
        String title = "x".repeat(MAX_LINE_BYTES + 1 - "Title: ".length());
        return exchangeOne(run, "a request with a " + (MAX_LINE_BYTES + 1) + "-byte line",
                Requests.lookup(run.names().rfc(200), host, 5200, title), badRequest());
    }

    private static Outcome hugeLine(ServerRun run) throws IOException {
        Outcome outcome;
        try (WireConnection attacker = run.connect()) {
            byte[] line = Bytes.utf8("LOOKUP RFC 1 P2P-CI/1.0\r\nTitle: ");
            byte[] huge = Arrays.copyOf(line, line.length + HUGE_LINE_BYTES);
            Arrays.fill(huge, line.length, huge.length, (byte) 'x');
            Sending.Result sent = Sending.within(attacker, huge, run.timing());
            outcome = refusedOrClosed(run, attacker, sent, "1 MiB line");
        }
        int number = run.names().rfc(210);
        String host = run.names().host("huge-bystander");
        return outcome.and(understood(exchangeOne(run, "an ADD from another connection after the 1 MiB line",
                Requests.add(number, host, 5210, TITLE), ok(record(number, TITLE, host, 5210)))));
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
