package net.p2pci.bench;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Errors of a run, counted by kind ({@code timeout}, {@code io:ConnectException}, {@code wrong-answer}, ...). Thread-safe. */
final class Errors {
    private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();

    void count(String kind) {
        byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    /** Counts an I/O failure under a kind named after its exception class. */
    void count(IOException failure) {
        count(failure instanceof SocketTimeoutException ? "timeout" : "io:" + failure.getClass().getSimpleName());
    }

    long total() {
        return byKind.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** {@code none}, or the kinds and counts, sorted by kind: {@code timeout=2 wrong-answer=1}. */
    String describe() {
        if (byKind.isEmpty()) {
            return "none";
        }
        StringBuilder text = new StringBuilder();
        new TreeMap<>(byKind).forEach((kind, count) -> text.append(text.isEmpty() ? "" : " ").append(kind)
                .append('=').append(count.sum()));
        return text.toString();
    }
}
