package net.p2pci.checker;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request the peer under test sent to the checker's index or upload server, exactly as it came, with the method
 * and number a liberal reader finds in it (for answering; judging looks at {@link #raw}).
 *
 * @param closedAfterAnswer for a GET: completes with whether the peer closed the connection after the answer
 *                          (true), or reset it or left it open past the timeout (false)
 */
public record SeenRequest(byte[] raw, String method, int number, String title, String host, String port,
                          CompletableFuture<Boolean> closedAfterAnswer) {
    /** Reads the method, number and Title the liberal way: lines split on LF, fields on spaces. */
    static SeenRequest of(byte[] raw) {
        String text = Bytes.text(raw);
        List<String> lines = List.of(text.split("\r?\n"));
        String[] fields = lines.isEmpty() ? new String[0] : lines.getFirst().strip().split("[ \t]+");
        String method = fields.length > 0 ? fields[0] : "";
        int number = -1;
        for (String field : fields) {
            if (field.matches("[0-9]{1,9}")) {
                number = Integer.parseInt(field);
                break;
            }
        }
        return new SeenRequest(raw, method, number, header(lines, "Title"), header(lines, "Host"),
                header(lines, "Port"), new CompletableFuture<>());
    }

    private static String header(List<String> lines, String name) {
        for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
            if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                return line.substring(name.length() + 1).strip();
            }
        }
        return "";
    }

    @Override
    public String toString() {
        return Bytes.quote(raw);
    }
}
