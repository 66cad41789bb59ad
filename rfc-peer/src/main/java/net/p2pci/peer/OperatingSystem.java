package net.p2pci.peer;

import net.p2pci.protocol.WireText;

/** The value this peer sends in the {@code OS} header of its GET requests and responses, e.g. {@code Linux 6.1.0}. */
public final class OperatingSystem {
    private static final String DESCRIPTION = describe();

    private OperatingSystem() {
    }

    public static String description() {
        return DESCRIPTION;
    }

    private static String describe() {
        String text = (System.getProperty("os.name", "") + " " + System.getProperty("os.version", ""))
                .replaceAll("\\p{Cntrl}", " ").replaceAll(" +", " ").strip();
        // The header must be free text; a JVM that knows nothing about its system still sends something valid.
        return WireText.isFieldText(text) ? text : "unknown";
    }
}
