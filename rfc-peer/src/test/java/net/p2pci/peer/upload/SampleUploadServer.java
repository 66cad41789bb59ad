package net.p2pci.peer.upload;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import net.p2pci.peer.SampleRfcs;
import net.p2pci.peer.library.RfcLibrary;

/** Starts a real upload server on a loopback port holding the sample RFC 2616, dated, for tests that ask it raw. */
final class SampleUploadServer {
    static final int RFC = 2616;

    private SampleUploadServer() {
    }

    /** Copies the sample into {@code dir} with {@code fileTime} as its date, and serves it; the caller closes it. */
    static UploadServer start(Path dir, Instant fileTime, String os) throws IOException {
        SampleRfcs.copy(dir, List.of(RFC));
        Files.setLastModifiedTime(file(dir), FileTime.from(fileTime));
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();
        return UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library, os);
    }

    static Path file(Path dir) {
        return dir.resolve("rfc" + RFC + ".txt");
    }
}
