package net.p2pci.checker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.p2pci.protocol.WireText;

/**
 * The index answers of docs/PROTOCOL.md 3.2, built literally, and the judge of an answer against them: exact bytes
 * pass; an answer a liberal reader (lines split on LF, blank lines not required, phrase and extra spaces ignored,
 * record lines without {@code RFC}; docs/INTEROP.md) reads as the same status and records is NON-STRICT, each
 * deviation named; anything else fails with both byte strings shown.
 */
public final class IndexAnswers {
    public static final String VERSION = "P2P-CI/1.0";
    public static final String CRLF = "\r\n";

    private IndexAnswers() {
    }

    /** {@code P2P-CI/1.0 <code> <phrase>}, the empty line, the records, the final empty line. */
    public static String answer(String status, List<String> records) {
        StringBuilder answer = new StringBuilder(VERSION).append(' ').append(status).append(CRLF).append(CRLF);
        records.forEach(record -> answer.append(record).append(CRLF));
        return answer.append(CRLF).toString();
    }

    public static String ok(String... records) {
        return answer("200 OK", List.of(records));
    }

    public static String notFound() {
        return answer("404 Not Found", List.of());
    }

    public static String badRequest() {
        return answer("400 Bad Request", List.of());
    }

    public static String versionNotSupported() {
        return answer("505 P2P-CI Version Not Supported", List.of());
    }

    /** {@code RFC number title host port}. */
    public static String record(int number, String title, String host, int port) {
        return "RFC " + number + " " + title + " " + host + " " + port;
    }

    /** Judges {@code seen} against the exact answer {@code expected}. */
    public static Outcome judge(String what, String expected, byte[] seen) {
        byte[] expectedBytes = Bytes.utf8(expected);
        if (Arrays.equals(expectedBytes, seen)) {
            return Outcome.pass();
        }
        Reading reading = read(Bytes.text(seen));
        Reading wanted = read(expected);
        if (reading.status.isEmpty() || !sameStatus(wanted.status, reading.status)
                || !sameRecords(wanted.records, reading.records)) {
            return Outcome.fail(what, expectedBytes, seen);
        }
        Set<String> deviations = new LinkedHashSet<>(reading.deviations);
        String phrase = phrase(reading.status);
        if (!phrase.equals(phrase(wanted.status))) {
            deviations.add("spells the status phrase '" + WireText.forLog(phrase) + "' for " + code(wanted.status));
        }
        if (deviations.isEmpty()) {
            // Same lines, same ends, yet other bytes: a difference no rule above names.
            return Outcome.fail(what, expectedBytes, seen);
        }
        return Outcome.nonStrict(new ArrayList<>(deviations));
    }

    /**
     * Judges answers sent back to back (to pipelined requests): exact bytes pass; otherwise the bytes are cut at
     * each status line, as a liberal reader must when answers lack their empty lines, and each piece is judged
     * against its answer, the worst verdict standing. Another number of answers fails.
     */
    public static Outcome judgeSequence(String what, List<String> expected, byte[] seen) {
        String text = Bytes.text(seen);
        List<String> pieces = new ArrayList<>();
        int start = 0;
        int next;
        while ((next = text.indexOf("\n" + VERSION + " ", start)) >= 0) {
            pieces.add(text.substring(start, next + 1));
            start = next + 1;
        }
        pieces.add(text.substring(start));
        if (pieces.size() != expected.size()) {
            return Outcome.fail(what, Bytes.utf8(String.join("", expected)), seen);
        }
        Outcome outcome = Outcome.pass();
        for (int i = 0; i < pieces.size(); i++) {
            outcome = outcome.and(judge(what + ", answer " + (i + 1), expected.get(i), Bytes.utf8(pieces.get(i))));
        }
        return outcome;
    }

    /** The status code of an answer as a liberal reader finds it, or -1. */
    public static int statusCode(byte[] seen) {
        String status = read(Bytes.text(seen)).status;
        String code = code(status);
        return code.matches("[0-9]{3}") ? Integer.parseInt(code) : -1;
    }

    /** The record lines of an answer as a liberal reader finds them, normalised to {@code RFC n title host port}. */
    public static List<String> records(byte[] seen) {
        return read(Bytes.text(seen)).records;
    }

    private static boolean sameStatus(String wanted, String seen) {
        return code(wanted).equals(code(seen)) && (seen.startsWith(VERSION + " ") || seen.startsWith(VERSION + "\t"));
    }

    private static boolean sameRecords(List<String> wanted, List<String> seen) {
        return wanted.equals(seen);
    }

    private static String code(String status) {
        String[] fields = status.strip().split("[ \t]+", 3);
        return fields.length >= 2 ? fields[1] : "";
    }

    private static String phrase(String status) {
        String[] fields = status.split(" ", 3);
        return fields.length == 3 ? fields[2] : "";
    }

    /** The status line, the record lines and what a reader had to forgive to find them. */
    private record Reading(String status, List<String> records, List<String> deviations) {
    }

    private static Reading read(String text) {
        List<String> deviations = new ArrayList<>();
        if (text.replace("\r\n", "").contains("\n")) {
            deviations.add("ends lines with LF alone, not CRLF");
        }
        if (text.replace("\r\n", "").contains("\r")) {
            deviations.add("puts a CR that does not end a line");
        }
        boolean lastLineEnded = text.endsWith("\n");
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
        if (lastLineEnded) {
            lines.removeLast();
        } else if (!text.isEmpty()) {
            deviations.add("ends an answer's last line without a line end");
        }
        if (lines.isEmpty()) {
            return new Reading("", List.of(), deviations);
        }
        String status = lines.getFirst();
        if (!status.equals(status.strip()) || status.contains("  ")) {
            deviations.add("puts extra spaces in its status line");
        }
        status = status.strip().replaceAll("[ \t]+", " ");
        if (lines.size() < 2 || !lines.get(1).isEmpty()) {
            deviations.add("sends no empty line after the status line");
        }
        if (lines.size() < 3 || !lines.getLast().isEmpty()) {
            deviations.add("ends answers without the final empty line");
        }
        List<String> rest = lines.subList(1, lines.size());
        List<String> records = new ArrayList<>();
        for (String line : rest) {
            if (line.isBlank()) {
                continue;
            }
            String record = line.strip();
            if (!record.startsWith("RFC ")) {
                deviations.add("sends record lines without the leading RFC");
                record = "RFC " + record;
            }
            if (!record.equals(line) || record.contains("  ")) {
                deviations.add("puts extra spaces in its record lines");
            }
            records.add(record.replaceAll("[ \t]+", " "));
        }
        return new Reading(status, records, deviations);
    }
}
