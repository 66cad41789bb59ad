package net.p2pci.checker;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import net.p2pci.protocol.WireText;

/**
 * Runs {@code p2pci-check client}: starts the played index and upload servers, says what to run (or starts the
 * peer itself with --script), collects the peer's registration, then runs the cases one by one.
 */
public final class ClientRole {
    private ClientRole() {
    }

    static Report run(CheckOptions options, Timing timing, Consumer<CaseResult> progress, PrintStream out)
            throws P2pciCheck.UnreachableException {
        PeerDriver driver = options.script().<PeerDriver>map(command -> new ScriptedPeer(command, timing))
                .orElseGet(() -> new InteractivePeer(out));
        return run(options, timing, progress, out, driver);
    }

    /** Runs the client cases with {@code driver} making the peer act; the driver is closed at the end. */
    public static Report run(CheckOptions options, Timing timing, Consumer<CaseResult> progress, PrintStream out,
                             PeerDriver driver) throws P2pciCheck.UnreachableException {
        RunNames names = RunNames.fresh();
        String holderHost = options.holderHost();
        List<CheckCase<ClientRun>> cases = CaseRunner.select(ClientCases.all(), options.casePattern());
        try (PlayedServer upload = PlayedServer.start(options.uploadPort(), true, timing,
                        ClientCases::standardUpload);
                PlayedServer index = PlayedServer.start(options.port(), false, timing,
                        ClientCases.standardIndex(names, holderHost, upload.port()));
                driver) {
            List<SeenRequest> registration = new ArrayList<>();
            ClientRun run = new ClientRun(index, upload, driver, timing, names, holderHost, registration);
            String server = "127.0.0.1:" + index.port();
            out.println("p2pci-check client: index server on " + server + ", upload server on " + holderHost + ":"
                    + upload.port());
            out.flush();
            if (cases.isEmpty()) {
                return new Report("client", server, options.strict(), List.of());
            }
            driver.start(server);
            if (driver instanceof ScriptedPeer scripted) {
                out.println("p2pci-check client: the peer's output goes to " + scripted.output());
            }
            collectRegistration(run, registration);
            List<CaseResult> results = CaseRunner.run(cases, run, progress);
            return new Report("client", server, options.strict(), results);
        } catch (IOException e) {
            throw new P2pciCheck.UnreachableException("cannot play the servers or start the peer: "
                    + WireText.forLog(String.valueOf(e.getMessage())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new P2pciCheck.UnreachableException("interrupted");
        }
    }

    /** The peer's first requests: the first within the start-up time, then all that follow within the quiet time. */
    private static void collectRegistration(ClientRun run, List<SeenRequest> registration)
            throws InterruptedException {
        SeenRequest first = run.index().next(run.peer().startupMillis());
        if (first == null) {
            return;
        }
        registration.add(first);
        long quietMillis = Math.max(run.timing().quiet().toMillis(), 500);
        for (SeenRequest more = run.index().next(quietMillis); more != null; more = run.index().next(quietMillis)) {
            registration.add(more);
        }
    }
}
