package net.p2pci.server.index;

/** Why a peer's connection ended, as the dashboard's feed and the removal metric name it. */
public enum EndReason {
    /** The peer closed its end (a FIN): it quit, or its process ended. */
    CLOSED("closed"),
    /** The peer's side reset the connection. */
    RESET("reset"),
    /** TCP keepalive found the peer gone: its host vanished without a FIN or RST. */
    KEEPALIVE_TIMEOUT("keepalive timeout"),
    /** Another connection claimed its host and port, and the probe that claim set off found this one dead. */
    TAKEN_OVER("taken over"),
    /** A request was not completed in time. */
    REQUEST_TIMEOUT("request timeout"),
    /** A request could not be read to its end, so the connection could not go on. */
    BAD_REQUEST("bad request"),
    /** The peer did not read its answers, and the watchdog dropped it. */
    NOT_READING("not reading"),
    /** The server closed it: shutting down, or a lost lease on a shared index. */
    SERVER_CLOSED("closed by the server"),
    /** The index database could not be reached in time. */
    DATABASE_UNAVAILABLE("database unavailable"),
    /** Any other failure of the connection. */
    ERROR("connection error");

    private final String text;

    EndReason(String text) {
        this.text = text;
    }

    /** The reason in words, e.g. {@code keepalive timeout}. */
    public String text() {
        return text;
    }

    /** The reason as a Prometheus label value, e.g. {@code keepalive_timeout}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
