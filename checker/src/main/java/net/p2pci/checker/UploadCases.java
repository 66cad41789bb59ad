package net.p2pci.checker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import net.p2pci.protocol.ByteRange;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.ReprDigest;

/**
 * The cases of {@code p2pci-check upload}: a peer's upload server asked for an RFC it holds (and for others, and
 * in malformed ways), its answers judged against docs/PROTOCOL.md 4 and 6.1, and the extensions of 9 where it offers
 * them.
 */
public final class UploadCases {
    static final String HOST = "p2pci-check.example";
    /** An RFC number in range that no test collection holds. */
    static final int NOT_HELD = 999_999_937;

    private UploadCases() {
    }

    public static List<CheckCase<UploadRun>> all() {
        return List.of(
                new CheckCase<>("4.2-get-status-and-headers", "GET of a held RFC: status line, then Date, OS,"
                        + " Last-Modified, Content-Length, Content-Type, the empty line", UploadCases::statusAndHeaders),
                new CheckCase<>("4.2-get-date-format", "Date and Last-Modified are RFC 1123 dates in GMT",
                        run -> checkHeld(run, UploadCases::dateFormat)),
                new CheckCase<>("4.2-get-content-length", "Content-Length equals the length of the body",
                        run -> checkHeld(run, UploadCases::contentLength)),
                new CheckCase<>("4.2-get-content-type", "Content-Type is text/plain",
                        run -> checkHeld(run, UploadCases::contentType)),
                new CheckCase<>("4.2-get-close-after-body", "the connection is closed after the body",
                        run -> checkHeld(run, UploadCases::closeAfterBody)),
                new CheckCase<>("2.1-get-lf-request", "a GET with LF line ends is served the same file",
                        run -> sameFile(run, Requests.withLf(held(run)), "GET with LF line ends")),
                new CheckCase<>("4.3-get-not-held-404", "GET of an RFC not held: 404 with Date, OS, Content-Length: 0,"
                        + " then close", run -> error(run, Requests.get(Integer.toString(notHeld(run)), HOST,
                        "P2P-CI/1.0"), 404, "Not Found")),
                new CheckCase<>("4.3-get-bad-request-400", "a GET with a non-numeric RFC number: 400, then close",
                        run -> error(run, Requests.get("abc", HOST, "P2P-CI/1.0"), 400, "Bad Request")),
                new CheckCase<>("4.3-get-version-505", "GET with P2P-CI/2.0: 505, then close",
                        run -> error(run, Requests.get(Integer.toString(run.rfc()), HOST, "P2P-CI/2.0"), 505,
                                "P2P-CI Version Not Supported")),
                new CheckCase<>("6.1-get-path-traversal-400", "GET RFC ../etc/passwd is answered 400, never a file",
                        run -> error(run, Requests.get("../etc/passwd", HOST, "P2P-CI/1.0"), 400, "Bad Request")),
                new CheckCase<>("6.1-get-huge-number-400", "a 20-digit RFC number is answered 400",
                        run -> error(run, Requests.get("99999999999999999999", HOST, "P2P-CI/1.0"), 400,
                                "Bad Request")),
                new CheckCase<>("6.1-get-negative-400", "a negative RFC number is answered 400",
                        run -> error(run, Requests.get("-" + run.rfc(), HOST, "P2P-CI/1.0"), 400, "Bad Request")),
                new CheckCase<>("6.1-get-leading-zeros", "GET RFC 000N is the same file as GET RFC N",
                        run -> sameFile(run, Requests.get("000" + run.rfc(), HOST, "P2P-CI/1.0"),
                                "GET RFC 000" + run.rfc())),
                new CheckCase<>("9.2-get-digest", "extension: a GET with Want-Repr-Digest: sha-256=1 gets the file"
                        + " and its SHA-256 as Repr-Digest (skipped where not offered)", UploadCases::digest),
                new CheckCase<>("9.3-get-range", "extension: a GET with Range: bytes=10-29 gets 206 with those 20"
                        + " bytes and their Content-Range (skipped where not offered)", UploadCases::range));
    }

    /** The bytes of the range case: small enough for any RFC file. */
    private static final long RANGE_FIRST = 10;
    private static final long RANGE_LAST = 29;

    /** The standard GET's body, to compare an extension's answer with; empty when the standard GET already fails. */
    private static Optional<byte[]> standardBody(UploadRun run) throws IOException {
        FileAnswer standard = getHeld(run);
        return standard.judgeHead(200, "OK", FileAnswer.OK_HEADERS).verdict() == Verdict.FAIL ? Optional.empty()
                : Optional.of(standard.body());
    }

    private static Outcome digest(UploadRun run) throws IOException {
        Optional<byte[]> file = standardBody(run);
        if (file.isEmpty()) {
            return Outcome.fail("the standard GET already fails (see 4.2-get-status-and-headers)");
        }
        FileAnswer answer = run.get(Requests.withHeader(held(run), ReprDigest.WANT_HEADER + ": "
                + ReprDigest.WANT_SHA_256));
        Optional<String> digest = answer.header(ReprDigest.HEADER);
        if (digest.isEmpty()) {
            return answer.statusCode() == 200 || answer.statusCode() == 400
                    ? Outcome.skip("answered " + answer.statusCode() + " without Repr-Digest: no digest extension")
                    : Outcome.fail("answered a GET with Want-Repr-Digest with " + Bytes.quote(answer.raw()));
        }
        if (answer.statusCode() != 200 || !Arrays.equals(answer.body(), file.get())) {
            return Outcome.fail("with Repr-Digest, expected 200 and the file's " + file.get().length + " bytes, saw "
                    + answer.statusCode() + " and " + answer.body().length + " bytes");
        }
        String expected = ReprDigest.of(file.get()).headerValue();
        Optional<ReprDigest> sent = ReprDigest.parse(digest.get());
        if (sent.isEmpty() || !sent.get().headerValue().equals(expected)) {
            return Outcome.fail("Repr-Digest " + Bytes.quote(digest.get()) + ", but the file's SHA-256 is "
                    + expected);
        }
        return Outcome.pass();
    }

    private static Outcome range(UploadRun run) throws IOException {
        Optional<byte[]> file = standardBody(run);
        if (file.isEmpty()) {
            return Outcome.fail("the standard GET already fails (see 4.2-get-status-and-headers)");
        }
        if (file.get().length <= RANGE_LAST) {
            return Outcome.fail("the file of RFC " + run.rfc() + " has " + file.get().length + " bytes; give --rfc"
                    + " one of more than " + RANGE_LAST);
        }
        ByteRange asked = new ByteRange(RANGE_FIRST, RANGE_LAST);
        FileAnswer answer = run.get(Requests.withHeader(held(run), FileResponse.RANGE + ": " + asked.headerValue()));
        if (answer.statusCode() == 200 || answer.statusCode() == 400) {
            return answer.header(FileResponse.CONTENT_RANGE).isPresent()
                    ? Outcome.fail("Content-Range on a " + answer.statusCode() + " answer: " + Bytes.quote(answer.raw()))
                    : Outcome.skip("answered " + answer.statusCode() + " to a Range: no range extension");
        }
        if (answer.statusCode() != 206 || !answer.statusLine().equals("P2P-CI/1.0 206 Partial Content")) {
            return Outcome.fail("expected 'P2P-CI/1.0 206 Partial Content', saw " + Bytes.quote(answer.raw()));
        }
        String contentRange = ByteRange.contentRange(RANGE_FIRST, RANGE_LAST, file.get().length);
        List<String> wrong = new ArrayList<>();
        if (!answer.header(FileResponse.CONTENT_RANGE).orElse("").equals(contentRange)) {
            wrong.add("Content-Range " + Bytes.quote(answer.header(FileResponse.CONTENT_RANGE).orElse("(none)"))
                    + ", not " + contentRange);
        }
        long length = RANGE_LAST - RANGE_FIRST + 1;
        if (!answer.header(FileResponse.CONTENT_LENGTH).orElse("").equals(Long.toString(length))) {
            wrong.add("Content-Length " + Bytes.quote(answer.header(FileResponse.CONTENT_LENGTH).orElse("(none)"))
                    + ", not " + length);
        }
        if (!Arrays.equals(answer.body(), Arrays.copyOfRange(file.get(), (int) RANGE_FIRST, (int) RANGE_LAST + 1))) {
            wrong.add("a body of " + answer.body().length + " bytes that is not bytes " + RANGE_FIRST + "-"
                    + RANGE_LAST + " of the file: " + Bytes.quote(answer.body()));
        }
        return wrong.isEmpty() ? Outcome.pass() : Outcome.fail(String.join("; ", wrong));
    }

    /** An RFC the peer does not hold: {@link #NOT_HELD}, unless that is the one it was said to hold. */
    static int notHeld(UploadRun run) {
        return run.rfc() == NOT_HELD ? NOT_HELD - 1 : NOT_HELD;
    }

    /** The GET of the RFC the run names, exactly as PROTOCOL.md 4.1 writes it. */
    static String held(UploadRun run) {
        return Requests.get(Integer.toString(run.rfc()), HOST, "P2P-CI/1.0");
    }

    private static FileAnswer getHeld(UploadRun run) throws IOException {
        return run.get(held(run));
    }

    private static Outcome statusAndHeaders(UploadRun run) throws IOException {
        return getHeld(run).judgeHead(200, "OK", FileAnswer.OK_HEADERS);
    }

    /** One check of the answer to the standard GET. */
    @FunctionalInterface
    private interface FileCheck {
        Outcome judge(UploadRun run, FileAnswer answer);
    }

    /**
     * Runs {@code check} on the answer to the standard GET; only when its head reads as a 200 answer, since the
     * checks of a file answer mean nothing otherwise (the head's own failure is the verdict then).
     */
    private static Outcome checkHeld(UploadRun run, FileCheck check) throws IOException {
        FileAnswer answer = getHeld(run);
        Outcome head = answer.judgeHead(200, "OK", FileAnswer.OK_HEADERS);
        return head.verdict() == Verdict.FAIL ? head : check.judge(run, answer);
    }

    private static Outcome dateFormat(UploadRun run, FileAnswer answer) {
        List<String> deviations = new ArrayList<>();
        for (String name : List.of("Date", "Last-Modified")) {
            Optional<String> value = answer.header(name);
            if (value.isEmpty()) {
                deviations.add("sends no " + name);
            } else if (!FileAnswer.isRfc1123(value.get())) {
                deviations.add(name + " " + Bytes.quote(value.get()) + " is not an RFC 1123 date in GMT (e.g. "
                        + "'Thu, 01 Jun 1999 00:00:00 GMT')");
            }
        }
        return deviations.isEmpty() ? Outcome.pass() : Outcome.nonStrict(deviations);
    }

    private static Outcome contentLength(UploadRun run, FileAnswer answer) {
        Optional<String> length = answer.header("Content-Length");
        int body = answer.body().length;
        if (length.isEmpty()) {
            return answer.closed() ? Outcome.nonStrict("sends no Content-Length; the body (" + body + " bytes) ends"
                    + " at the close") : Outcome.fail("sends no Content-Length and does not close: the body has no end");
        }
        if (!length.get().matches("[0-9]{1,18}") || Long.parseLong(length.get()) != body) {
            return Outcome.fail("Content-Length " + Bytes.quote(length.get()) + ", but " + body + " bytes came before"
                    + (answer.closed() ? " the close" : " the timeout"));
        }
        if (body == 0) {
            return Outcome.fail("the file of RFC " + run.rfc() + " came empty; give --rfc an RFC the peer holds");
        }
        return Outcome.pass();
    }

    private static Outcome contentType(UploadRun run, FileAnswer answer) {
        Optional<String> type = answer.header("Content-Type");
        if (type.isEmpty()) {
            return Outcome.nonStrict("sends no Content-Type");
        }
        return type.get().equals("text/plain") ? Outcome.pass()
                : Outcome.nonStrict("Content-Type " + Bytes.quote(type.get()) + ", not text/plain");
    }

    private static Outcome closeAfterBody(UploadRun run, FileAnswer answer) {
        if (answer.closed()) {
            return Outcome.pass();
        }
        return answer.header("Content-Length").isPresent()
                ? Outcome.nonStrict("leaves the connection open after the body (readers must stop at Content-Length)")
                : Outcome.fail("neither sends Content-Length nor closes: the body has no end");
    }

    /** The answer to {@code request} must be 200 with the same body as the standard GET's. */
    private static Outcome sameFile(UploadRun run, String request, String what) throws IOException {
        FileAnswer standard = getHeld(run);
        Outcome head = standard.judgeHead(200, "OK", FileAnswer.OK_HEADERS);
        if (head.verdict() == Verdict.FAIL) {
            return Outcome.fail("the standard GET already fails: " + head.detail());
        }
        FileAnswer answer = run.get(request);
        if (answer.statusCode() != 200) {
            return Outcome.fail(what + ": expected 200 and the file, saw " + Bytes.quote(answer.raw()));
        }
        if (!Arrays.equals(answer.body(), standard.body())) {
            return Outcome.fail(what + ": a body of " + answer.body().length + " bytes, not the file's "
                    + standard.body().length);
        }
        return Outcome.pass();
    }

    /** An error answer: the status, Date, OS and {@code Content-Length: 0}, the empty line, nothing more, close. */
    private static Outcome error(UploadRun run, String request, int code, String phrase) throws IOException {
        FileAnswer answer = run.get(request);
        if (answer.raw().length > 0 && answer.statusCode() == 200) {
            return Outcome.fail("answered 200 to " + Bytes.quote(request) + ": " + Bytes.quote(answer.raw()));
        }
        Outcome outcome = answer.judgeHead(code, phrase, FileAnswer.ERROR_HEADERS);
        if (outcome.verdict() == Verdict.FAIL) {
            return outcome;
        }
        Optional<String> length = answer.header("Content-Length");
        if (length.isPresent() && !length.get().equals("0")) {
            outcome = outcome.and(Outcome.fail("Content-Length " + Bytes.quote(length.get()) + " on an error"));
        }
        if (answer.body().length > 0) {
            outcome = outcome.and(Outcome.nonStrict("sends " + answer.body().length + " bytes after the empty line: "
                    + Bytes.quote(answer.body())));
        }
        if (!answer.closed()) {
            outcome = outcome.and(Outcome.nonStrict("leaves the connection open after the error answer"));
        }
        return outcome;
    }
}
