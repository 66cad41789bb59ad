package net.p2pci.checker;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;

/**
 * What the checker, playing a server, sends in answer to one request: usually one piece, or several with a pause
 * between them (an implementation that writes line by line, docs/INTEROP.md row 26); then it may close.
 */
record PlayedAnswer(List<byte[]> pieces, Duration pause, boolean closeAfter, boolean keepOpen) {
    /** Between the pieces of an answer written in several writes: long enough that they arrive apart. */
    static final Duration PIECE_PAUSE = Duration.ofMillis(100);

    static PlayedAnswer of(String text) {
        return new PlayedAnswer(List.of(Bytes.utf8(text)), Duration.ZERO, false, false);
    }

    static PlayedAnswer of(byte[] bytes) {
        return new PlayedAnswer(List.of(bytes), Duration.ZERO, false, false);
    }

    /**
     * A GET answer after which the upload server leaves the connection open (docs/INTEROP.md row 38), so that only
     * the requester's own reading of Content-Length ends the transfer.
     */
    PlayedAnswer leftOpen() {
        return new PlayedAnswer(pieces, pause, false, true);
    }

    /** The text cut after each line end, each line a write of its own. */
    static PlayedAnswer lineByLine(String text) {
        return new PlayedAnswer(List.of(text.split("(?<=\n)")).stream().map(Bytes::utf8).toList(), PIECE_PAUSE,
                false, false);
    }

    void writeTo(OutputStream out) throws IOException {
        for (int i = 0; i < pieces.size(); i++) {
            if (i > 0) {
                try {
                    Thread.sleep(pause); // the point of this answer is that its pieces arrive apart
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            out.write(pieces.get(i));
            out.flush();
        }
    }
}
