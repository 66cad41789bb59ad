package net.p2pci.peer.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.p2pci.peer.HostAndPort;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.upload.UploadServer;
import net.p2pci.protocol.ReprDigest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified and multi-source downloads (docs/PROTOCOL.md 9) from real upload servers on loopback, and from fake
 * holders for what ours never do: a standard holder, one that refuses the extensions, one that sends wrong bytes,
 * one that dies mid-transfer.
 */
final class DownloaderExtensionsTest {
    private static final String OS = "TestOS 1.0";
    private static final int RFC = 9999;
    /** Small sizes, so that a file of 2 MiB comes in 64 ranges from several holders. */
    private static final Downloader.MultiSource SMALL = new Downloader.MultiSource(256 * 1024, 32 * 1024);
    private static final int LARGE_BYTES = 2 * 1024 * 1024;

    @TempDir
    Path dir;
    @TempDir
    Path holderDirs;
    private RfcLibrary library;
    private Downloader downloader;
    private byte[] large;
    private final List<AutoCloseable> holders = new ArrayList<>();

    @BeforeEach
    void openLibrary() throws IOException {
        library = RfcLibrary.open(dir);
        downloader = new Downloader(library, OS, Downloader.MAX_DOWNLOAD_BYTES, SMALL);
        large = text(LARGE_BYTES, 1);
    }

    @AfterEach
    void stopHolders() throws Exception {
        downloader.close();
        for (AutoCloseable holder : holders) {
            holder.close();
        }
    }

    @Test
    void aFileFromAnUploadServerIsVerifiedAgainstItsDigest() throws Exception {
        HostAndPort holder = uploadServer("one", large);

        Download download = downloader.download(holder, downloader.requestFor(RFC, holder));

        assertThat(download.verified()).isTrue();
        assertThat(download.sources()).isEqualTo(1);
        assertThat(download.notes()).isEmpty();
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void aLargeFileHeldByThreeComesInRangesFromAllThreeAndIsVerified() throws Exception {
        HostAndPort first = uploadServer("a", large);
        List<HostAndPort> others = List.of(uploadServer("b", large), uploadServer("c", large));

        Download download = downloader.download(first, downloader.requestFor(RFC, first), others);

        assertThat(download.verified()).isTrue();
        assertThat(download.sources()).isEqualTo(3);
        assertThat(download.notes()).anyMatch(note -> note.startsWith("ranges from 3 holders"));
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
        assertThat(partFiles()).isEmpty();
    }

    @Test
    void aFileUnderTheThresholdComesFromTheFirstHolderAlone() throws Exception {
        byte[] small = text(SMALL.minFileBytes() - 1, 2);
        HostAndPort first = uploadServer("a", small);
        FakeRangeHolder other = fake(small, FakeRangeHolder.Kind.DIES, Long.MAX_VALUE);

        Download download = downloader.download(first, downloader.requestFor(RFC, first), List.of(other.address()));

        assertThat(download.sources()).isEqualTo(1);
        assertThat(other.requests()).isZero();
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(small);
    }

    @Test
    void aStandardHolderGivesTheFileAsTodayAndItIsSaidOnceToBeUnverified() throws Exception {
        FakeRangeHolder standard = fake(large, FakeRangeHolder.Kind.STANDARD, Long.MAX_VALUE);

        Download download = downloader.download(standard.address(), downloader.requestFor(RFC, standard.address()),
                List.of(uploadServer("b", large)));

        assertThat(download.verified()).isFalse();
        assertThat(download.sources()).isEqualTo(1);
        assertThat(download.notes()).containsExactly(
                "peer " + standard.address() + " sent no Repr-Digest: the file is unverified");
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void aHolderThatRefusesTheExtensionsWith400IsAskedAgainWithTheStandardGet() throws Exception {
        FakeRangeHolder refusing = fake(large, FakeRangeHolder.Kind.REFUSES_EXTENSIONS, Long.MAX_VALUE);

        Download download = downloader.download(refusing.address(), downloader.requestFor(RFC, refusing.address()));

        assertThat(download.verified()).isFalse();
        assertThat(refusing.requests()).isEqualTo(2);
        assertThat(download.notes()).hasSize(2).first().asString().contains("answered 400");
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void helpersThatOfferNoRangesLeaveTheWholeFileToTheFirstHolder() throws Exception {
        HostAndPort first = uploadServer("a", large);
        FakeRangeHolder standard = fake(large, FakeRangeHolder.Kind.STANDARD, Long.MAX_VALUE);
        FakeRangeHolder refusing = fake(large, FakeRangeHolder.Kind.REFUSES_EXTENSIONS, Long.MAX_VALUE);

        Download download = downloader.download(first, downloader.requestFor(RFC, first),
                List.of(standard.address(), refusing.address()));

        assertThat(download.verified()).isTrue();
        assertThat(download.sources()).isEqualTo(1);
        assertThat(download.notes()).anyMatch(note -> note.contains(standard.address() + " sent no more ranges")
                && note.contains("it offers no ranges"));
        assertThat(download.notes()).anyMatch(note -> note.contains(refusing.address() + " sent no more ranges"));
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void aHolderThatDiesMidTransferLeavesItsRangesToTheOthersAndTheFileStillVerifies() throws Exception {
        // Dies inside its second range, the first it asks for once the others are asked too: a budget of a quarter
        // of the file let a fast other holder take every range first, so that it never died.
        FakeRangeHolder dying = fake(large, FakeRangeHolder.Kind.DIES, SMALL.rangeBytes() + 1000);
        HostAndPort other = uploadServer("b", large);

        Download download = downloader.download(dying.address(), downloader.requestFor(RFC, dying.address()),
                List.of(other));

        assertThat(download.verified()).isTrue();
        assertThat(download.sources()).isEqualTo(2);
        assertThat(download.notes()).anyMatch(note -> note.startsWith("peer " + dying.address()
                + " sent no more ranges"));
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void whenEveryHolderDiesNothingIsKept() throws Exception {
        FakeRangeHolder dying = fake(large, FakeRangeHolder.Kind.DIES, LARGE_BYTES / 2);
        FakeRangeHolder alsoDying = fake(large, FakeRangeHolder.Kind.DIES, LARGE_BYTES / 4);

        assertThatThrownBy(() -> downloader.download(dying.address(), downloader.requestFor(RFC, dying.address()),
                List.of(alsoDying.address())))
                .isInstanceOf(DownloadException.class)
                .hasMessageContaining("no holder could send the rest of the file");
        assertThat(Files.exists(dir.resolve("rfc9999.txt"))).isFalse();
        assertThat(partFiles()).isEmpty();
    }

    @Test
    void wrongBytesUnderADigestKeepNothingAndTheNextHolderGivesTheFile() throws Exception {
        FakeRangeHolder wrong = fake(large, FakeRangeHolder.Kind.WRONG_BYTES, Long.MAX_VALUE);

        DownloadException mismatch = (DownloadException) org.assertj.core.api.Assertions.catchThrowable(
                () -> downloader.download(wrong.address(), downloader.requestFor(RFC, wrong.address())));

        assertThat(mismatch.digestMismatch()).isTrue();
        assertThat(mismatch).hasMessageContaining("not the " + ReprDigest.of(large).headerValue())
                .hasMessageEndingWith("nothing kept");
        assertThat(Files.exists(dir.resolve("rfc9999.txt"))).isFalse();
        assertThat(partFiles()).isEmpty();

        HostAndPort good = uploadServer("b", large);
        Download download = downloader.download(good, downloader.requestFor(RFC, good));
        assertThat(download.verified()).isTrue();
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    @Test
    void aHolderWithAnotherVersionOfTheFileSendsNoneOfIt() throws Exception {
        HostAndPort first = uploadServer("a", large);
        HostAndPort otherVersion = uploadServer("b", text(LARGE_BYTES, 3));

        Download download = downloader.download(first, downloader.requestFor(RFC, first), List.of(otherVersion));

        assertThat(download.sources()).isEqualTo(1);
        assertThat(download.notes()).anyMatch(note -> note.contains("another version of the file"));
        assertThat(dir.resolve("rfc9999.txt")).hasBinaryContent(large);
    }

    private HostAndPort uploadServer(String name, byte[] content) throws IOException {
        Path holderDir = Files.createDirectories(holderDirs.resolve(name));
        Files.write(holderDir.resolve("rfc9999.txt"), content);
        RfcLibrary holderLibrary = RfcLibrary.open(holderDir);
        holderLibrary.scan();
        UploadServer server = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                holderLibrary, OS);
        holders.add(server);
        return new HostAndPort("127.0.0.1", server.port());
    }

    private FakeRangeHolder fake(byte[] content, FakeRangeHolder.Kind kind, long budget) throws IOException {
        FakeRangeHolder holder = kind == FakeRangeHolder.Kind.DIES ? FakeRangeHolder.dyingAfter(content, budget)
                : FakeRangeHolder.of(content, kind);
        holders.add(holder);
        return holder;
    }

    private List<Path> partFiles() throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.filter(path -> !path.getFileName().toString().equals("rfc9999.txt")).toList();
        }
    }

    /** Lines of text of {@code bytes} bytes in all, different for each {@code seed}. */
    private static byte[] text(long bytes, long seed) {
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder((int) bytes);
        out.append("Request for Comments: 9999\n\nA file of test text\n\n");
        while (out.length() < bytes) {
            out.append(random.nextInt(1_000_000)).append(out.length() % 61 == 0 ? '\n' : ' ');
        }
        out.setLength((int) bytes - 1);
        return out.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }
}
