package net.p2pci.checker;

import java.io.IOException;

/** What an upload case needs: the upload server under test, the run's timing, and an RFC number it holds. */
public record UploadRun(Target target, Timing timing, int rfc) {
    /** Sends one GET on a fresh connection and reads the answer until the connection ends or the timeout passes. */
    public FileAnswer get(String request) throws IOException {
        try (WireConnection requester = WireConnection.open(target, timing)) {
            requester.send(request);
            byte[] raw = requester.readToEnd();
            return FileAnswer.parse(raw, requester.ended());
        }
    }
}
