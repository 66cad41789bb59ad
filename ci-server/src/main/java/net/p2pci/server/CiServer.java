package net.p2pci.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import net.p2pci.protocol.PortFile;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.config.Configurator;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * The {@code ci-server} command: parses the options, starts an {@link IndexServer} and runs it until SIGTERM or
 * SIGINT, which close it in order and exit 0.
 */
public final class CiServer {
    /** Exit status for bad options or a port that cannot be bound, as command-line tools use it. */
    static final int EXIT_USAGE = 2;
    /** The system property that log4j2.xml reads to log to a file instead of stdout. */
    static final String LOG_FILE_PROPERTY = "p2pci.log.file";

    private CiServer() {
    }

    public static void main(String[] args) {
        ServerOptions options;
        try {
            options = ServerOptions.parse(args);
        } catch (ServerOptions.UsageException e) {
            System.err.println("ci-server: " + e.getMessage());
            System.err.println("Try 'ci-server --help' for more information.");
            System.exit(EXIT_USAGE);
            return;
        }
        if (options.help()) {
            ServerOptions.printHelp(new PrintWriter(System.out, true));
            return;
        }
        if (options.version()) {
            System.out.println("ci-server " + version() + " (" + net.p2pci.protocol.Protocol.VERSION + ")");
            return;
        }
        // A thread of a library's (the database's, the logger's) that dies of a JVM failure ends the process too.
        FatalErrors.prepare();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            if (FatalErrors.isFatal(error)) {
                FatalErrors.halt(error);
            }
            System.err.println("ci-server: thread " + thread.getName() + " failed: " + error);
        });
        options.logFile().ifPresent(CiServer::logTo);
        Configurator.setRootLevel(options.logLevel());
        Logger log = LogManager.getLogger(CiServer.class);

        IndexServer server;
        try {
            server = IndexServer.start(options.config(), options.web());
        } catch (IndexServer.HttpBindException e) {
            System.err.println("ci-server: cannot listen for HTTP on " + options.describeWebEndpoint() + ": "
                    + (e.getMessage() == null ? "address in use" : e.getMessage().toLowerCase(java.util.Locale.ROOT)));
            System.exit(EXIT_USAGE);
            return;
        } catch (BindException e) {
            System.err.println("ci-server: cannot listen on " + options.describeEndpoint() + ": "
                    + (e.getMessage() == null ? "address in use" : e.getMessage().toLowerCase(java.util.Locale.ROOT)));
            System.exit(EXIT_USAGE);
            return;
        } catch (IOException | RuntimeException e) {
            System.err.println("ci-server: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }

        if (options.portFile().isPresent()) {
            try {
                PortFile.write(options.portFile().get(), server.port());
            } catch (IOException e) {
                System.err.println("ci-server: cannot write the port file: " + e);
                server.close();
                System.exit(1);
                return;
            }
        }

        CountDownLatch stopped = new CountDownLatch(1);
        SignalHandler stop = signal -> {
            log.info("[Server] Received SIG{}, shutting down", signal.getName());
            try {
                server.close();
            } finally {
                stopped.countDown();
            }
        };
        Signal.handle(new Signal("TERM"), stop);
        Signal.handle(new Signal("INT"), stop);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            server.close();
        }
        LogManager.shutdown();
        System.exit(0);
    }

    /** Switches logging to the file: log4j2.xml picks its appender by this property, read again on reconfiguring. */
    private static void logTo(Path file) {
        System.setProperty(LOG_FILE_PROPERTY, file.toString());
        Configurator.reconfigure();
    }

    /** The version the build wrote into the jar. */
    static String version() {
        try (InputStream in = CiServer.class.getResourceAsStream("version.properties")) {
            Properties properties = new Properties();
            if (in != null) {
                properties.load(in);
            }
            return properties.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
