package net.p2pci.peer.download;

import java.util.Objects;
import java.util.OptionalLong;
import net.p2pci.peer.HostAndPort;

/**
 * How far a download under way has come, at one moment: what the peer's web page draws as a progress bar.
 *
 * @param rfcNumber     the RFC being downloaded
 * @param holder        the peer it comes from
 * @param receivedBytes the bytes of the file received so far
 * @param totalBytes    the Content-Length the holder announced, if it has answered and announced one
 */
public record DownloadProgress(int rfcNumber, HostAndPort holder, long receivedBytes, OptionalLong totalBytes) {
    public DownloadProgress {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(totalBytes, "totalBytes");
    }
}
