package net.p2pci.peer.library;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.p2pci.protocol.Protocol;

/**
 * Recognises the file names under which RFC text files are shared and builds the canonical one.
 *
 * <p>Accepted: {@code rfc}, in any case, an optional single {@code _} or {@code -}, 1 to 9 ASCII
 * digits and the extension {@code .txt} in any case ({@code rfc2616.txt}, {@code RFC_2616.TXT}).
 * Nine digits always fit in an {@code int}, so longer numbers are rejected rather than overflowing.
 * Leading zeros are accepted ({@code rfc0791.txt} is RFC 791); the number must be in the range both programs accept
 * ({@link Protocol#isRfcNumber}), so RFC 0 is rejected.
 */
public final class RfcFileName {

    private static final Pattern RFC_FILE_NAME =
            Pattern.compile("rfc[_-]?([0-9]{1,9})\\.txt", Pattern.CASE_INSENSITIVE);

    private RfcFileName() {
    }

    /**
     * Returns the RFC number named by {@code fileName}, or an empty result if it is not an RFC text file name.
     *
     * @param fileName a bare file name, without any directory part
     */
    public static OptionalInt parse(String fileName) {
        if (fileName == null) {
            return OptionalInt.empty();
        }
        Matcher matcher = RFC_FILE_NAME.matcher(fileName);
        if (!matcher.matches()) {
            return OptionalInt.empty();
        }
        int number = Integer.parseInt(matcher.group(1));
        return Protocol.isRfcNumber(number) ? OptionalInt.of(number) : OptionalInt.empty();
    }

    /** Returns the name under which RFC {@code number} is stored and offered to other peers, e.g. {@code rfc2616.txt}. */
    public static String canonical(int number) {
        if (!Protocol.isRfcNumber(number)) {
            throw new IllegalArgumentException("not an RFC number (" + Protocol.MIN_RFC_NUMBER + " to "
                    + Protocol.MAX_RFC_NUMBER + "): " + number);
        }
        return "rfc" + number + ".txt";
    }
}
