package net.p2pci.peer.upload;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.protocol.FileResponse;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.ReprDigest;
import net.p2pci.protocol.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The digest and range extensions of a real upload server on loopback (docs/PROTOCOL.md 9), asked with raw bytes. */
final class UploadExtensionsTest {
    private static final String OS = "TestOS 1.0";
    private static final String GET_2616 = "GET RFC 2616 P2P-CI/1.0\r\nHost: 127.0.0.1\r\nOS: Linux 6.1\r\n";

    @TempDir
    Path dir;
    private UploadServer server;
    private byte[] file;

    @BeforeEach
    void startServer() throws IOException {
        server = SampleUploadServer.start(dir, Instant.parse("1999-06-01T00:00:00Z"), OS);
        file = Files.readAllBytes(SampleUploadServer.file(dir));
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void aGetThatWantsTheDigestGetsTheFileAndItsSha256AfterTheStandardHeaders() throws IOException {
        Answer answer = exchange(GET_2616 + "Want-Repr-Digest: sha-256=1\r\n\r\n");

        assertThat(answer.head.status()).isEqualTo(Status.OK_200);
        assertThat(answer.head.headers()).extracting(header -> header.name())
                .containsExactly("Date", "OS", "Last-Modified", "Content-Length", "Content-Type", "Repr-Digest");
        assertThat(answer.head.header("Repr-Digest")).contains(ReprDigest.of(file).headerValue());
        assertThat(answer.head.header("Repr-Digest").orElseThrow()).matches("sha-256=:[A-Za-z0-9+/]{43}=:");
        assertThat(answer.body).isEqualTo(file);
    }

    @Test
    void aPlainGetGetsNoExtensionHeader() throws IOException {
        Answer answer = exchange(GET_2616 + "\r\n");

        assertThat(answer.head.headers()).extracting(header -> header.name())
                .containsExactly("Date", "OS", "Last-Modified", "Content-Length", "Content-Type");
        assertThat(answer.body).isEqualTo(file);
    }

    @Test
    void aRangeGetsA206WithExactlyThoseBytesAndTheirContentRange() throws IOException {
        Answer answer = exchange(GET_2616 + "Range: bytes=100-1099\r\nWant-Repr-Digest: sha-256=1\r\n\r\n");

        assertThat(answer.text).startsWith("P2P-CI/1.0 206 Partial Content\r\n");
        assertThat(answer.head.headers()).extracting(header -> header.name()).containsExactly("Date", "OS",
                "Last-Modified", "Content-Length", "Content-Range", "Content-Type", "Repr-Digest");
        assertThat(answer.head.contentLength()).hasValue(1000);
        assertThat(answer.head.header("Content-Range")).contains("bytes 100-1099/" + file.length);
        assertThat(answer.head.header("Repr-Digest")).contains(ReprDigest.of(file).headerValue());
        assertThat(answer.body).isEqualTo(Arrays.copyOfRange(file, 100, 1100));
    }

    @Test
    void aRangeToTheEndOrPastItEndsAtTheLastByte() throws IOException {
        int from = file.length - 10;
        for (String range : List.of("bytes=" + from + "-", "bytes=" + from + "-" + (file.length + 1000))) {
            Answer answer = exchange(GET_2616 + "Range: " + range + "\r\n\r\n");

            assertThat(answer.head.header("Content-Range"))
                    .contains("bytes " + from + "-" + (file.length - 1) + "/" + file.length);
            assertThat(answer.body).isEqualTo(Arrays.copyOfRange(file, from, file.length));
        }
    }

    @Test
    void aRangeAtTheLastByteIsServedAndOnePastItIsRefused() throws IOException {
        int last = file.length - 1;
        assertThat(exchange(GET_2616 + "Range: bytes=" + last + "-" + last + "\r\n\r\n").body)
                .containsExactly(file[last]);

        Answer over = exchange(GET_2616 + "Range: bytes=" + file.length + "-\r\n\r\n");
        assertThat(over.head.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(over.head.contentLength()).hasValue(0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bytes=-100", "bytes=5-2", "lines=1-2", "bytes=x-9", "bytes=1-2,5-9", "bytes="})
    void aRangeThatIsNotOneReadableRangeIsIgnoredAndTheWholeFileSent(String range) throws IOException {
        Answer answer = exchange(GET_2616 + "Range: " + range + "\r\n\r\n");

        assertThat(answer.head.status()).isEqualTo(Status.OK_200);
        assertThat(answer.body).isEqualTo(file);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sha-512=1", "sha-256=0", "sha-256=x", ""})
    void aWantThatDoesNotAskForSha256GetsNoDigest(String want) throws IOException {
        Answer answer = exchange(GET_2616 + "Want-Repr-Digest: " + want + "\r\n\r\n");

        assertThat(answer.head.header("Repr-Digest")).isEmpty();
        assertThat(answer.body).isEqualTo(file);
    }

    @Test
    void headerNamesOfTheExtensionsAreMatchedInAnyCase() throws IOException {
        Answer answer = exchange(GET_2616 + "range: bytes=0-9\r\nwant-repr-digest: sha-512=2, sha-256=5\r\n\r\n");

        assertThat(answer.head.status()).isEqualTo(Status.PARTIAL_CONTENT_206);
        assertThat(answer.head.header("Repr-Digest")).contains(ReprDigest.of(file).headerValue());
        assertThat(answer.body).isEqualTo(Arrays.copyOf(file, 10));
    }

    @Test
    void aFileChangedInPlaceGetsItsNewDigestOnceTheLibraryHasSeenItSettle() throws IOException {
        server.close();
        RfcLibrary library = RfcLibrary.open(dir);
        library.scan();
        server = UploadServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), library, OS);
        assertThat(exchange(GET_2616 + "Want-Repr-Digest: sha-256=1\r\n\r\n").head.header("Repr-Digest"))
                .contains(ReprDigest.of(file).headerValue());
        byte[] changed = Arrays.copyOf(file, file.length + 1);
        changed[file.length] = '\n';
        Path path = dir.resolve("rfc2616.txt");
        Files.write(path, changed);
        Files.setLastModifiedTime(path, FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
        assertThat(exchange(GET_2616 + "Want-Repr-Digest: sha-256=1\r\n\r\n").head.status())
                .as("changed since the library saw it").isEqualTo(Status.NOT_FOUND_404);

        Duration settle = Duration.ofSeconds(2);
        library.rescan(Duration.ZERO, settle);
        library.rescan(settle, settle);

        assertThat(exchange(GET_2616 + "Want-Repr-Digest: sha-256=1\r\n\r\n").head.header("Repr-Digest"))
                .contains(ReprDigest.of(changed).headerValue());
    }

    /** An answer's head, body and text as sent. */
    private record Answer(FileResponse head, byte[] body, String text) {
    }

    private Answer exchange(String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            byte[] bytes = socket.getInputStream().readAllBytes();
            MessageReader reader = new MessageReader(new ByteArrayInputStream(bytes));
            FileResponse head = reader.readFileResponseHead();
            return new Answer(head, reader.remaining().readAllBytes(), new String(bytes, StandardCharsets.ISO_8859_1));
        }
    }
}
