package net.p2pci.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;

/**
 * A minimal peer for process-level tests: it registers RFCs 1 and 2 with the index at the given address, prints
 * "registered", then keeps its connection open and silent until its standard input closes.
 */
public final class IdlePeer {
    private IdlePeer() {
    }

    public static void main(String[] args) throws IOException {
        String serverHost = args[0];
        int serverPort = Integer.parseInt(args[1]);
        String ownHost = args[2];
        try (Socket socket = new Socket(serverHost, serverPort)) {
            OutputStream out = socket.getOutputStream();
            MessageReader reader = new MessageReader(socket.getInputStream());
            for (int rfc = 1; rfc <= 2; rfc++) {
                out.write(MessageWriter.encode(new AddRequest(rfc, ownHost, 6000 + rfc, "Idle RFC " + rfc)));
                IndexResponse response = reader.readIndexResponse();
                if (response.status().code() != 200) {
                    throw new IOException("ADD refused: " + response.status());
                }
            }
            System.out.println("registered");
            System.out.flush();
            InputStream stdin = System.in;
            while (stdin.read() >= 0) {
                // idle: the test decides when this peer goes, by closing stdin or killing it
            }
        }
    }
}
