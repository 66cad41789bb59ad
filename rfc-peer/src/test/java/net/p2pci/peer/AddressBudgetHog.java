package net.p2pci.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Status;

/**
 * A connection from 127.0.0.1, the address peers on loopback come from, that spends that address's memory budget at
 * the index server: it ADDs records with long titles, then with one-letter titles, until the server refuses even
 * those. Every ADD from the address is then refused until this connection closes, and its records go. For tests of
 * how a peer copes with refused registrations; run the server with a small {@code --max-index-mib-per-address}.
 */
public final class AddressBudgetHog {
    private static final Duration ANSWER_DEADLINE = Duration.ofSeconds(20);
    /** Enough records for 1 MiB of budget many times over; a server that takes them all has a larger budget. */
    private static final int MAX_RECORDS = 10_000;

    private AddressBudgetHog() {
    }

    /** Spends the budget of 127.0.0.1 at the server on {@code serverPort}; closing the socket gives it back. */
    public static Socket spend(int serverPort) throws IOException {
        Socket hog = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        hog.setSoTimeout((int) ANSWER_DEADLINE.toMillis());
        MessageReader answers = new MessageReader(hog.getInputStream());
        String title = "t".repeat(490);
        for (int rfc = 100_000; rfc < 100_000 + MAX_RECORDS; rfc++) {
            hog.getOutputStream().write(MessageWriter.encode(new AddRequest(rfc, "hog.example", 1, title)));
            if (answers.readIndexResponse().status() != Status.OK_200) {
                if (title.length() == 1) {
                    return hog;
                }
                title = "t";
            }
        }
        hog.close();
        throw new IllegalStateException("the server never refused an ADD: is its budget per address small?");
    }
}
