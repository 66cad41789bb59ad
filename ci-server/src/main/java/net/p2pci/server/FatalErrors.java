package net.p2pci.server;

import java.sql.SQLException;

/**
 * What the server does when the JVM itself fails (out of memory, say): it exits at once with {@link #EXIT_STATUS},
 * so that a supervisor restarts it and its peers, which reconnect by themselves, register again. Living on would be
 * worse: after an OutOfMemoryError the embedded database closes itself, every request fails, and departed peers'
 * records can no longer be removed, while the process still listens as if all were well.
 */
public final class FatalErrors {
    /** The exit status after a fatal error: EX_SOFTWARE of sysexits.h, distinct from bad options (2). */
    public static final int EXIT_STATUS = 70;

    /** H2's error codes for "the database is closed" and "out of memory": after either, the store is gone. */
    private static final int[] H2_FATAL_ERROR_CODES = {90098, 90108};

    private FatalErrors() {
    }

    /** Whether {@code error}, or anything in its chain of causes, leaves the server unable to serve. */
    public static boolean isFatal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof VirtualMachineError) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                for (int code : H2_FATAL_ERROR_CODES) {
                    if (sql.getErrorCode() == code) {
                        return true;
                    }
                }
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    /**
     * The first line written on a fatal error, built while memory is there: at the time of an OutOfMemoryError even
     * joining two strings may fail.
     */
    private static final byte[] FATAL_LINE = ("ci-server: fatal error, exiting with status " + EXIT_STATUS
            + " so that a supervisor can restart it\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * Loads this class and what it uses, at start-up: a thread that meets an OutOfMemoryError may not be able to load
     * a class any more, and then could not end the process.
     */
    public static void prepare() {
        isFatal(new OutOfMemoryError());
    }

    /** Says what failed on stderr, as far as memory allows, and ends the process with {@link #EXIT_STATUS}. */
    public static void halt(Throwable error) {
        try {
            System.err.write(FATAL_LINE, 0, FATAL_LINE.length);
            System.err.println(error);
            System.err.flush();
        } catch (Throwable ignored) {
            // out of memory even for this: the status says it all
        } finally {
            Runtime.getRuntime().halt(EXIT_STATUS);
        }
    }
}
