package net.p2pci.peer.download;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import net.p2pci.peer.HostAndPort;
import net.p2pci.protocol.AnswerDeviation;
import net.p2pci.protocol.FileResponse;

/**
 * A finished download: the holder asked, the head of its answer, and the file now in the library.
 *
 * @param bytes   the body length, equal to the announced Content-Length when there was one
 * @param elapsed    from connecting to the holder until the file was in place under its final name
 * @param deviations how the holder's answer differed from docs/PROTOCOL.md, one of each kind
 * @param verified   whether the file was checked against the SHA-256 its holder announced (docs/PROTOCOL.md 9.2)
 * @param sources    how many holders sent some of it: more than 1 for a multi-source download (9.3)
 * @param notes      what the person should know of the extensions' use: an unverified file, a holder that stopped
 */
public record Download(int rfcNumber, HostAndPort holder, FileResponse head, long bytes, Duration elapsed, Path file,
                       List<AnswerDeviation> deviations, boolean verified, int sources, List<String> notes) {
    public Download {
        deviations = List.copyOf(deviations);
        notes = List.copyOf(notes);
    }
}
