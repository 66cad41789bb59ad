package net.p2pci.peer.download;

import java.util.Objects;
import java.util.OptionalLong;
import net.p2pci.peer.HostAndPort;

/**
 * How far a download under way has come, at one moment: what the peer's web page draws as a progress bar.
 *
 * @param rfcNumber     the RFC being downloaded
 * @param holder        the peer it comes from (the first asked, when ranges come from several)
 * @param receivedBytes the bytes of the file received so far, from every holder
 * @param totalBytes    the file's length, once the first holder has answered and announced it
 * @param sources       how many holders are sending ranges of it now: 1 for an ordinary download
 */
public record DownloadProgress(int rfcNumber, HostAndPort holder, long receivedBytes, OptionalLong totalBytes,
                               int sources) {
    public DownloadProgress {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(totalBytes, "totalBytes");
    }
}
