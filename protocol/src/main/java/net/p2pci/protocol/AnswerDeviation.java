package net.p2pci.protocol;

import java.util.Objects;

/**
 * One way in which another implementation's answer differs from docs/PROTOCOL.md while a liberal reader can still
 * tell what it meant (docs/INTEROP.md lists them). {@code detail} is an example from the bytes seen, already made
 * safe for a message, or empty.
 */
public record AnswerDeviation(Kind kind, String detail) {
    public AnswerDeviation {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }

    public static AnswerDeviation of(Kind kind) {
        return new AnswerDeviation(kind, "");
    }

    /** What a note to the person at the peer says after the server's name, e.g. "ends answers without ...". */
    public String describe() {
        return detail.isEmpty() ? kind.description : kind.description + " (" + detail + ")";
    }

    /** The kinds, each with how a note describes a server or peer that shows it; rows of docs/INTEROP.md in brackets. */
    public enum Kind {
        /** [1, 2] */
        LF_LINE_ENDS("ends lines with LF alone, not CRLF"),
        /** [4] */
        NO_EMPTY_LINE_AFTER_STATUS("sends no empty line after the status line"),
        /** [4] */
        NO_FINAL_EMPTY_LINE("ends answers without the final empty line"),
        /** [4] */
        NO_FINAL_LINE_END("ends an answer's last line without a line end"),
        /** [9] */
        STATUS_PHRASE("spells a status phrase its own way"),
        /** [10] */
        EXTRA_SPACES("puts extra spaces in its lines"),
        /** [11] */
        STATUS_WITHOUT_VERSION("sends status lines without the version P2P-CI/1.0"),
        /** [5] */
        RECORD_WITHOUT_RFC("sends record lines without the leading RFC"),
        /** [25] */
        END_LINE("ends answers with a line END"),
        /** A standard server never sends an empty line before a status line; a late final empty line looks so. */
        EXTRA_EMPTY_LINES("sends extra empty lines between answers"),
        /** [8] */
        ADD_WITHOUT_ECHO("answers ADD without the record added"),
        /** [12] */
        EMPTY_LIST_AS_404("answers LIST ALL on an empty index with 404 Not Found"),
        /** [13] */
        LOOKUP_MISS_AS_200("answers a LOOKUP that finds nothing with 200 OK and no records"),
        /** [32] */
        NO_EMPTY_LINE_BEFORE_BODY("sends no empty line between the headers and the file"),
        /** [33] */
        EMPTY_LINE_INSIDE_HEADERS("puts an empty line among its headers"),
        /** [14] */
        HEADER_NAME_CASE("spells header names in another case"),
        /** [15, 34] */
        MALFORMED_HEADER("sends a header line that is not 'Name: value'"),
        /** [37] */
        NO_CONTENT_LENGTH("sends no Content-Length"),
        /** [39] */
        CONTENT_LENGTH_MISMATCH("sends a file whose length differs from its Content-Length"),
        /** [38] */
        NO_CLOSE_AFTER_FILE("keeps the connection open after the file"),
        /** [38] */
        STATUS_LINE_AFTER_FILE("sends another status line after the file");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }
}
