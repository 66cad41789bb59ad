package net.p2pci.checker;

import java.util.Objects;

/**
 * One numbered check: its id cites the section of docs/PROTOCOL.md it comes from ({@code 3.6-lookup-miss-404}),
 * its title says what it checks, and its body runs it against a context of type {@code C} (the target and the run's
 * settings for a role).
 */
public record CheckCase<C>(String id, String title, Body<C> body) {
    /** What a case does; every wait inside has a deadline, so a body always returns. */
    @FunctionalInterface
    public interface Body<C> {
        Outcome run(C context) throws Exception;
    }

    public CheckCase {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
    }
}
