package net.p2pci.demo;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One record line of an index response as a peer prints it, {@code RFC <n> <title> <host> <port>}: the title may
 * hold spaces, so the host and port are the last two fields.
 */
record RecordLine(int number, String title, String host, int port) {
    private static final Pattern FORM = Pattern.compile("^RFC (\\d+) (.+) (\\S+) (\\d+)$");

    static Optional<RecordLine> parse(String line) {
        Matcher matcher = FORM.matcher(line);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new RecordLine(Integer.parseInt(matcher.group(1)), matcher.group(2), matcher.group(3),
                Integer.parseInt(matcher.group(4))));
    }

    /** Every record line among {@code lines}, in order. */
    static List<RecordLine> parseAll(Collection<String> lines) {
        return lines.stream().map(RecordLine::parse).flatMap(Optional::stream).toList();
    }

    /** Number, host and port: what says who holds what, whatever the title. */
    String holding() {
        return number + " at " + host + ":" + port;
    }
}
