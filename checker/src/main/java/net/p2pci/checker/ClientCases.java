package net.p2pci.checker;

import static net.p2pci.checker.IndexAnswers.notFound;
import static net.p2pci.checker.IndexAnswers.ok;
import static net.p2pci.checker.IndexAnswers.record;

import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The cases of {@code p2pci-check client}: the checker plays index server and upload server, makes the peer act,
 * and grades the bytes it sends (docs/PROTOCOL.md 3.1, 4.1) and whether it still does its job when the checker
 * answers in one of the ways other implementations do that a liberal reader copes with (docs/INTEROP.md).
 */
public final class ClientCases {
    static final String TITLE = "p2pci-check test document";
    private static final DateTimeFormatter HTTP_DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private ClientCases() {
    }

    public static List<CheckCase<ClientRun>> all() {
        return List.of(
                new CheckCase<>("3.1-client-add-request", "the peer registers with ADD requests in the exact form",
                        ClientCases::addRequest),
                new CheckCase<>("3.1-client-lookup-request", "LOOKUP is sent in the exact form",
                        ClientCases::lookupRequest),
                new CheckCase<>("3.1-client-list-request", "LIST ALL is sent in the exact form",
                        ClientCases::listRequest),
                new CheckCase<>("4.1-client-get-request", "GET is sent in the exact form to the holder, and the"
                        + " connection closed after the file", ClientCases::getRequest),
                copes("2.1-client-copes-lf-answers", "copes with index answers ending lines with LF (INTEROP row 1)",
                        "LOOKUP", 20, run -> request -> PlayedAnswer.of(standardLookup(run, request)
                                .replace("\r\n", "\n"))),
                copes("3.4-client-copes-no-empty-lines", "copes with index answers without empty lines (INTEROP"
                        + " row 4)", "LOOKUP", 21, run -> request -> PlayedAnswer.of(standardLookup(run, request)
                        .replace("\r\n\r\n", "\r\n").replace("\r\n\r\n", "\r\n"))),
                copes("3.2-client-copes-record-without-rfc", "copes with record lines without the leading RFC (INTEROP"
                        + " row 5)", "LOOKUP", 22, run -> request -> PlayedAnswer.of(standardLookup(run, request)
                        .replace("\r\nRFC ", "\r\n"))),
                copes("5-client-copes-phrase-spelling", "copes with a status phrase spelled NOT FOUND (INTEROP row 9)",
                        "LOOKUP", 23, run -> request -> PlayedAnswer.of("P2P-CI/1.0 404 NOT FOUND\r\n\r\n\r\n")),
                copes("3.6-client-copes-empty-list-404", "copes with LIST of an empty index answered 404 (INTEROP"
                        + " row 12)", "LIST", 24, run -> request -> PlayedAnswer.of(notFound())),
                copes("3.6-client-copes-lookup-miss-200", "copes with a LOOKUP miss answered 200 and no records"
                        + " (INTEROP row 13)", "LOOKUP", 25, run -> request -> PlayedAnswer.of(ok())),
                copes("3.3-client-copes-answer-in-pieces", "copes with an answer written line by line (INTEROP"
                        + " row 26)", "LOOKUP", 26, run -> request -> PlayedAnswer.lineByLine(
                        standardLookup(run, request))),
                copesGet("4.2-client-copes-get-lf-headers", "downloads a file whose answer ends lines with LF"
                        + " (INTEROP rows 1, 2)", 30, true, number -> PlayedAnswer.of(Bytes.utf8(fileAnswer(number,
                        true, "text/plain", HTTP_DATE.format(Instant.now())).replace("\r\n", "\n")))),
                copesGet("4.2-client-copes-get-no-content-length", "downloads a file whose body ends at the close,"
                        + " without Content-Length (PROTOCOL.md 4.3)", 31, true, number -> PlayedAnswer.of(
                        fileAnswer(number, false, "text/plain", HTTP_DATE.format(Instant.now())))),
                copesGet("4.2-client-copes-get-loose-headers", "downloads a file with Content-Type text/text and"
                        + " dates not in RFC 1123 form (INTEROP rows 35, 36)", 32, true, number -> PlayedAnswer.of(
                        fileAnswer(number, true, "text/text", "Sat Nov 21 15:12:05 2026"))),
                copesGet("4.2-client-copes-get-no-empty-line", "downloads a file whose answer has LF line ends and no"
                        + " empty line before the body (INTEROP row 32)", 34, true, number -> PlayedAnswer.of(
                        fileAnswer(number, true, "text/text", HTTP_DATE.format(Instant.now())).replace("\r\n", "\n")
                                .replaceFirst("\n\n", "\n"))),
                copesGet("4.2-client-copes-get-capital-headers", "downloads a file whose header names are in capitals"
                        + " (INTEROP row 14)", 35, true, number -> PlayedAnswer.of(capitalHeaders(fileAnswer(number,
                        true, "text/plain", HTTP_DATE.format(Instant.now()))))),
                copesGet("4.2-client-copes-get-left-open", "downloads a file whose holder leaves the connection open"
                        + " after the body (INTEROP row 38)", 36, true, number -> PlayedAnswer.of(fileAnswer(number,
                        true, "text/plain", HTTP_DATE.format(Instant.now()))).leftOpen()),
                copesGet("4.3-client-copes-error-without-content-length", "takes a 404 without Content-Length as"
                        + " 'not held' and goes on (INTEROP row 37)", 33, false, number -> PlayedAnswer.of(
                        "P2P-CI/1.0 404 Not Found\r\nDate: " + HTTP_DATE.format(Instant.now())
                                + "\r\nOS: p2pci-check\r\n\r\n")));
    }

    /**
     * The standard answers of the played index: ADD echoed, LOOKUP and LIST naming the played upload server at
     * {@code holderHost}:{@code uploadPort} as the holder.
     */
    static Function<SeenRequest, PlayedAnswer> standardIndex(RunNames names, String holderHost, int uploadPort) {
        return request -> switch (request.method()) {
            case "ADD" -> PlayedAnswer.of(ok(record(request.number(), request.title().isEmpty() ? TITLE
                    : request.title(), request.host().isEmpty() ? "-" : request.host(), port(request))));
            case "LOOKUP" -> PlayedAnswer.of(standardLookup(holderHost, uploadPort, request));
            case "LIST" -> PlayedAnswer.of(ok(record(names.rfc(1), TITLE, holderHost, uploadPort)));
            default -> PlayedAnswer.of(IndexAnswers.badRequest());
        };
    }

    private static int port(SeenRequest request) {
        return request.port().matches("[0-9]{1,5}") ? Integer.parseInt(request.port()) : 1;
    }

    /** LOOKUP of any RFC: the played upload server holds it. */
    static String standardLookup(String holderHost, int uploadPort, SeenRequest request) {
        return ok(record(request.number(), TITLE, holderHost, uploadPort));
    }

    static String standardLookup(ClientRun run, SeenRequest request) {
        return standardLookup(run.holderHost(), run.upload().port(), request);
    }

    /** The standard answer of the played upload server: the RFC's test document, or 400 for anything but GET. */
    static PlayedAnswer standardUpload(SeenRequest request) {
        if (!request.method().equals("GET") || request.number() < 0) {
            return PlayedAnswer.of("P2P-CI/1.0 400 Bad Request\r\nDate: " + HTTP_DATE.format(Instant.now())
                    + "\r\nOS: p2pci-check\r\nContent-Length: 0\r\n\r\n");
        }
        return PlayedAnswer.of(fileAnswer(request.number(), true, "text/plain", HTTP_DATE.format(Instant.now())));
    }

    /** The file the played upload server serves for {@code number}: an RFC-like text with a title line. */
    static String document(int number) {
        StringBuilder text = new StringBuilder("Network Working Group                                     p2pci-check\n"
                + "Request for Comments: " + number + "\n\n\n                 " + TITLE + "\n\n");
        for (int i = 0; i < 40; i++) {
            text.append("Line ").append(i).append(" of a document served by the conformance checker.\n");
        }
        return text.toString();
    }

    static String fileAnswer(int number, boolean withLength, String contentType, String date) {
        String body = document(number);
        return "P2P-CI/1.0 200 OK\r\nDate: " + date + "\r\nOS: p2pci-check\r\nLast-Modified: " + date + "\r\n"
                + (withLength ? "Content-Length: " + Bytes.utf8(body).length + "\r\n" : "")
                + "Content-Type: " + contentType + "\r\n\r\n" + body;
    }

    /** The answer with every header name in capitals, as one implementation writes them (values unchanged). */
    private static String capitalHeaders(String answer) {
        int headEnd = answer.indexOf("\r\n\r\n");
        StringBuilder head = new StringBuilder();
        for (String line : answer.substring(0, headEnd).split("\r\n")) {
            int colon = line.indexOf(": ");
            head.append(head.isEmpty() || colon < 0 ? line
                    : line.substring(0, colon).toUpperCase(Locale.ROOT) + line.substring(colon)).append("\r\n");
        }
        return head + answer.substring(headEnd + 2);
    }

    private static Outcome addRequest(ClientRun run) {
        if (run.registration().isEmpty()) {
            return Outcome.fail("the peer sent no request within " + run.peer().startupMillis() / 1000 + " s of its"
                    + " start; give it at least one RFC to share");
        }
        Outcome outcome = Outcome.pass();
        boolean anyAdd = false;
        for (SeenRequest request : run.registration()) {
            if (request.method().equals("ADD")) {
                anyAdd = true;
                outcome = outcome.and(RequestShapes.judge("ADD", RequestShapes.add(), request));
            }
        }
        return anyAdd ? outcome : Outcome.fail("no ADD among the requests sent at start: "
                + run.registration().getFirst());
    }

    private static Outcome lookupRequest(ClientRun run) throws IOException, InterruptedException {
        int number = run.names().rfc(2);
        run.index().clear();
        run.peer().lookup(number);
        SeenRequest request = run.await(run.index(), "LOOKUP", number);
        return request == null ? missing(run, "LOOKUP RFC " + number)
                : RequestShapes.judge("LOOKUP", RequestShapes.lookup(number), request);
    }

    private static Outcome listRequest(ClientRun run) throws IOException, InterruptedException {
        run.index().clear();
        run.peer().list();
        SeenRequest request = run.await(run.index(), "LIST", -1);
        return request == null ? missing(run, "LIST ALL") : RequestShapes.judge("LIST", RequestShapes.list(), request);
    }

    private static Outcome missing(ClientRun run, String what) {
        return Outcome.fail("the peer sent no " + what + " within " + run.waitSeconds() + " s of being asked");
    }

    private static Outcome getRequest(ClientRun run) throws Exception {
        int number = run.names().rfc(3);
        run.index().clear();
        run.upload().clear();
        run.peer().get(number);
        SeenRequest request = run.await(run.upload(), "GET", -1);
        if (request == null) {
            return missing(run, "GET to the holder " + run.holderHost() + ":" + run.upload().port());
        }
        Outcome outcome = RequestShapes.judge("GET", RequestShapes.get(number), request);
        boolean closed = request.closedAfterAnswer().get(run.timing().timeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        if (!closed) {
            outcome = outcome.and(Outcome.fail("the peer did not close the upload connection after the file"
                    + " (or reset it)"));
        }
        return outcome;
    }

    /**
     * A case where the played index answers {@code method} in another implementation's way: the peer copes when it
     * sends its next request (LIST, or LOOKUP after a varied LIST) in time.
     */
    private static CheckCase<ClientRun> copes(String id, String title, String method, int offset,
                                              Function<ClientRun, Function<SeenRequest, PlayedAnswer>> variation) {
        return new CheckCase<>(id, title, run -> {
            int number = run.names().rfc(offset);
            run.index().clear();
            run.index().varyNext(method, variation.apply(run));
            if (method.equals("LIST")) {
                run.peer().list();
            } else {
                run.peer().lookup(number);
            }
            SeenRequest varied = run.await(run.index(), method, method.equals("LIST") ? -1 : number);
            if (varied == null) {
                return missing(run, method);
            }
            return awaitNext(run, method.equals("LIST") ? "LOOKUP" : "LIST", "the varied answer to " + method);
        });
    }

    /** After a variation, the peer's next request shows that it read the answer and went on. */
    private static Outcome awaitNext(ClientRun run, String method, String after) throws Exception {
        int number = run.names().rfc(9);
        if (method.equals("LIST")) {
            run.peer().list();
        } else {
            run.peer().lookup(number);
        }
        SeenRequest next = run.await(run.index(), method, method.equals("LIST") ? -1 : number);
        return next != null ? Outcome.pass() : Outcome.fail("after " + after + ", the peer sent no " + method
                + " within " + run.waitSeconds() + " s of being asked: it did not cope (hung, or left)");
    }

    /**
     * A case where the played upload server answers GET in another implementation's way. A file answer is taken
     * when the peer then registers the RFC with ADD (rfc-peer does; the checker sees only the wire, so a peer that
     * does not register its downloads cannot pass these); an error answer when the peer goes on to its next request.
     */
    private static CheckCase<ClientRun> copesGet(String id, String title, int offset, boolean servesFile,
                                                 Function<Integer, PlayedAnswer> variation) {
        return new CheckCase<>(id, title, run -> {
            int number = run.names().rfc(offset);
            run.index().clear();
            run.upload().clear();
            run.upload().varyNext("GET", request -> variation.apply(request.number()));
            run.peer().get(number);
            SeenRequest get = run.await(run.upload(), "GET", -1);
            if (get == null) {
                return missing(run, "GET to the holder " + run.holderHost() + ":" + run.upload().port());
            }
            if (!servesFile) {
                return awaitNext(run, "LIST", "a 404 without Content-Length");
            }
            SeenRequest added = run.await(run.index(), "ADD", number);
            return added != null ? Outcome.pass() : Outcome.fail("the peer did not register RFC " + number
                    + " within " + run.waitSeconds() + " s of the varied file answer: it did not take the file (the"
                    + " checker reads an ADD after GET as the sign that a peer kept the file)");
        });
    }
}
