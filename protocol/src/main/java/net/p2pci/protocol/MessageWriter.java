package net.p2pci.protocol;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes P2P-CI/1.0 messages as the exact bytes the protocol specifies: CRLF line ends, single spaces, UTF-8.
 * Each message is built into one array so that it can go out in a single write.
 */
public final class MessageWriter {
    private static final String CRLF = "\r\n";

    private MessageWriter() {
    }

    public static byte[] encode(Request request) {
        StringBuilder out = new StringBuilder(160);
        switch (request) {
            case AddRequest add -> {
                requestLine(out, "ADD", add.rfcNumber());
                indexHeaders(out, add.host(), add.port());
                header(out, "Title", add.title());
            }
            case LookupRequest lookup -> {
                requestLine(out, "LOOKUP", lookup.rfcNumber());
                indexHeaders(out, lookup.host(), lookup.port());
                lookup.title().ifPresent(title -> header(out, "Title", title));
            }
            case ListRequest list -> {
                out.append("LIST ALL ").append(Protocol.VERSION).append(CRLF);
                indexHeaders(out, list.host(), list.port());
            }
            case OptionsRequest options -> {
                out.append("OPTIONS * ").append(Protocol.VERSION).append(CRLF);
                indexHeaders(out, options.host(), options.port());
            }
            case SearchRequest search -> {
                out.append("SEARCH TITLE ").append(Protocol.VERSION).append(CRLF);
                indexHeaders(out, search.host(), search.port());
                header(out, Extensions.WORDS_HEADER, String.join(" ", search.words()));
            }
            case PeersRequest peers -> {
                out.append("PEERS ALL ").append(Protocol.VERSION).append(CRLF);
                indexHeaders(out, peers.host(), peers.port());
            }
            case WithdrawRequest withdraw -> {
                requestLine(out, "WITHDRAW", withdraw.rfcNumber());
                indexHeaders(out, withdraw.host(), withdraw.port());
            }
            case GetRequest get -> {
                requestLine(out, "GET", get.rfcNumber());
                header(out, "Host", get.host());
                get.os().ifPresent(os -> header(out, "OS", os));
                if (get.wantsDigest()) {
                    header(out, ReprDigest.WANT_HEADER, ReprDigest.WANT_SHA_256);
                }
                get.range().ifPresent(range -> header(out, FileResponse.RANGE, range.headerValue()));
            }
        }
        return out.append(CRLF).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Status line, empty line, one line per record, and the final empty line that clients wait for. An extension's
     * answer has its headers after the status line, and a PEERS answer its peer lines after the records.
     */
    public static byte[] encode(IndexResponse response) {
        if (response.headers().isEmpty() && response.peers().isEmpty()) {
            return encodePart(response.status(), response.records(), true);
        }
        StringBuilder out = new StringBuilder(64 + 96 * response.records().size() + 40 * response.peers().size());
        statusLine(out, response.status());
        for (Header header : response.headers()) {
            header(out, header.name(), header.value());
        }
        out.append(CRLF);
        for (RfcRecord record : response.records()) {
            appendRecord(out, record).append(CRLF);
        }
        for (PeerLine peer : response.peers()) {
            out.append("PEER ").append(peer.host()).append(' ').append(peer.port()).append(' ')
                    .append(peer.records()).append(CRLF);
        }
        return out.append(CRLF).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * One piece of an index response that is written in several pieces (a LIST too large to build at once): the
     * status line and its empty line when {@code status} is not null (the first piece), the record lines, and the
     * final empty line when {@code last}. The pieces, in order, are byte for byte what {@link #encode(IndexResponse)}
     * gives for the whole response.
     */
    public static byte[] encodePart(Status status, List<RfcRecord> records, boolean last) {
        StringBuilder out = new StringBuilder(64 + 96 * records.size());
        if (status != null) {
            statusLine(out, status).append(CRLF);
        }
        for (RfcRecord record : records) {
            appendRecord(out, record).append(CRLF);
        }
        if (last) {
            out.append(CRLF);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Status line, headers and the empty line; the body, if any, is sent after these bytes. */
    public static byte[] encode(FileResponse head) {
        StringBuilder out = new StringBuilder(200);
        statusLine(out, head.status());
        for (Header header : head.headers()) {
            header(out, header.name(), header.value());
        }
        return out.append(CRLF).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An upper bound on the bytes of {@code record}'s line with its CRLF, found without encoding it. */
    public static int recordLineBytesAtMost(RfcRecord record) {
        // "RFC " + number (at most 10 digits) + spaces and port (at most 8) + CRLF; UTF-8 takes at most 3 bytes per
        // UTF-16 char.
        return 4 + 10 + 1 + 3 * record.title().length() + 1 + 3 * record.host().length() + 6 + 2;
    }

    /** A record as it stands on a response line, without the line end: {@code RFC number title host port}. */
    public static StringBuilder appendRecord(StringBuilder out, RfcRecord record) {
        return out.append("RFC ").append(record.number()).append(' ').append(record.title())
                .append(' ').append(record.host()).append(' ').append(record.port());
    }

    private static void requestLine(StringBuilder out, String method, int rfcNumber) {
        out.append(method).append(" RFC ").append(rfcNumber).append(' ').append(Protocol.VERSION).append(CRLF);
    }

    private static void indexHeaders(StringBuilder out, String host, int port) {
        header(out, "Host", host);
        out.append("Port: ").append(port).append(CRLF);
    }

    private static StringBuilder statusLine(StringBuilder out, Status status) {
        return out.append(Protocol.VERSION).append(' ').append(status.code()).append(' ').append(status.phrase())
                .append(CRLF);
    }

    private static void header(StringBuilder out, String name, String value) {
        out.append(name).append(": ").append(value).append(CRLF);
    }
}
