package net.p2pci.server;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
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

    /** How much heap {@link #prepare} sets aside for {@link #halt}: enough to link and make its few calls. */
    private static final int RESERVE_BYTES = 2 * 1024 * 1024;

    /**
     * Heap held back for the end: the first time a call in {@link #halt} runs, the JVM links it, and linking needs
     * a little heap, which a full heap does not have. Dropping the reserve gives it back.
     */
    private static byte[] reserve;

    /**
     * Standard error as a bare file stream, opened at class load: its writes go straight to the descriptor with no
     * lock and no buffer to allocate, where {@code System.err}'s lock may need memory for every waiting thread.
     */
    private static final FileOutputStream RAW_ERR = new FileOutputStream(FileDescriptor.err);

    /**
     * Loads this class and what it uses, and sets the reserve aside, at start-up: a thread that meets an
     * OutOfMemoryError may not be able to load a class any more, and then could not end the process. That includes
     * the JDK's own {@code java.lang.Shutdown}, which {@link Runtime#halt} calls and which nothing may have loaded.
     */
    public static synchronized void prepare() {
        isFatal(new OutOfMemoryError());
        try {
            Class.forName("java.lang.Shutdown", true, null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the JDK has no java.lang.Shutdown to prepare", e);
        }
        reserve = new byte[RESERVE_BYTES];
    }

    /**
     * Says what failed on stderr, as far as memory allows, and ends the process with {@link #EXIT_STATUS}.
     * Synchronized so that the first thread to fail writes its line before anyone halts: entering a monitor takes no
     * heap, and the threads that fail after it wait here until the process ends. Unsynchronized, a second thread
     * failing a moment later could halt the process before the first had written a byte.
     */
    public static synchronized void halt(Throwable error) {
        reserve = null;
        try {
            RAW_ERR.write(FATAL_LINE, 0, FATAL_LINE.length);
            System.err.println(error);
            System.err.flush();
        } catch (Throwable ignored) {
            // out of memory even for this: the status says it all
        } finally {
            while (true) {
                try {
                    Runtime.getRuntime().halt(EXIT_STATUS);
                } catch (Throwable stillNoMemory) {
                    // the threads still running may free some; halting is the only way out of here
                }
            }
        }
    }
}
