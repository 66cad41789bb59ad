package net.p2pci.protocol;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Dates in the RFC 1123 form the protocol uses, always in GMT with a two-digit day
 * ({@code Thu, 01 Jun 1999 00:00:00 GMT}); the JDK's {@code RFC_1123_DATE_TIME} writes {@code 1 Jun}, which
 * strict readers reject.
 */
public final class WireDates {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter LENIENT =
            DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private WireDates() {
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /**
     * Parses an RFC 1123 date. The weekday is not checked against the date: writers get it wrong (PROTOCOL.md's
     * own example says {@code Thu, 01 Jun 1999}, a Tuesday), and the date itself is what matters.
     */
    public static Instant parse(String text) {
        String trimmed = text.strip();
        int comma = trimmed.indexOf(',');
        return LENIENT.parse(comma >= 0 ? trimmed.substring(comma + 1).strip() : trimmed, Instant::from);
    }
}
