package net.p2pci.web;

/**
 * Writes JSON text, one value after another, escaping every string fully: hosts and titles come from peers, and a
 * quote, a control character or a line separator in them stays text in the answer. Not thread-safe: one per answer.
 */
public final class Json {
    private final StringBuilder out = new StringBuilder(256);
    /** Whether the next value in the current object or array needs a comma before it. */
    private boolean needsComma;

    public Json beginObject() {
        separate();
        out.append('{');
        needsComma = false;
        return this;
    }

    public Json endObject() {
        out.append('}');
        needsComma = true;
        return this;
    }

    public Json beginArray() {
        separate();
        out.append('[');
        needsComma = false;
        return this;
    }

    public Json endArray() {
        out.append(']');
        needsComma = true;
        return this;
    }

    /** Starts a member of the current object; its value follows. */
    public Json name(String name) {
        separate();
        quote(name);
        out.append(':');
        needsComma = false;
        return this;
    }

    public Json value(String text) {
        separate();
        if (text == null) {
            out.append("null");
        } else {
            quote(text);
        }
        needsComma = true;
        return this;
    }

    public Json value(long number) {
        separate();
        out.append(number);
        needsComma = true;
        return this;
    }

    public Json value(double number) {
        separate();
        out.append(Double.isFinite(number) ? Double.toString(number) : "null");
        needsComma = true;
        return this;
    }

    public Json value(boolean flag) {
        separate();
        out.append(flag);
        needsComma = true;
        return this;
    }

    public Json member(String name, String text) {
        return name(name).value(text);
    }

    public Json member(String name, long number) {
        return name(name).value(number);
    }

    private void separate() {
        if (needsComma) {
            out.append(',');
        }
    }

    private void quote(String text) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Control characters, the JavaScript line separators, and '<' so that no answer reads as markup.
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<' || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
