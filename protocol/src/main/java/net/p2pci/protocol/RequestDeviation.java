package net.p2pci.protocol;

/**
 * One way in which another implementation's request differs from docs/PROTOCOL.md while {@link MessageReader} still
 * serves it (docs/INTEROP.md lists them; the rows are in brackets). Each reads, after the client's address, as a note
 * in a server's log, e.g. "client 10.0.0.5:40000 ends requests without the empty line; ...".
 */
public enum RequestDeviation {
    /** [1, 2] */
    LF_LINE_ENDS("ends lines with LF alone, not CRLF"),
    /** [3] */
    ENDED_BY_SILENCE("ends requests without the empty line; answering after " + MessageReader.QUIET_PERIOD.toMillis()
            + " ms of silence"),
    /** [3] */
    ENDED_BY_CLOSE("ends a request by closing its side of the connection, without the empty line"),
    /** [14] */
    HEADER_NAME_CASE("spells header names in another case"),
    /** [15] */
    NO_SPACE_AFTER_COLON("writes no space after a header's colon"),
    /** [16] */
    LIST_WITHOUT_ALL("asks for the index as LIST or LISTALL, without ALL"),
    /** [16] */
    NO_RFC_KEYWORD("leaves out the keyword RFC before the RFC number"),
    /** [21] */
    PADDED("pads requests with '!' to " + MessageReader.PADDED_MESSAGE_BYTES + " bytes; the padding is cut off"),
    /** [25] */
    END_LINE("ends requests with a line END");

    private final String description;

    RequestDeviation(String description) {
        this.description = description;
    }

    /** How a note describes a client that shows it, e.g. "ends lines with LF alone, not CRLF". */
    public String description() {
        return description;
    }

    /** This deviation's bit in a set of them held as an int. */
    int bit() {
        return 1 << ordinal();
    }
}
