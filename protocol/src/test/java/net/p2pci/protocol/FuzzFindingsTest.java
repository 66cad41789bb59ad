package net.p2pci.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inputs that fuzzing found to break the reader's contract, each written out here and named for the behaviour it
 * pins down. The raw inputs also stay in the fuzz tests' seed corpus.
 */
final class FuzzFindingsTest {
    /** The fuzz tests' tight limits: 510-byte lines, so the discard budget is (510 + 2) * (4 + 2) = 3072 bytes. */
    private static final Limits TIGHT = new Limits(510, 4, 4);

    /**
     * A request line whose LF comes a little past the discard budget used to be refused as "no end" when the
     * bytes came in small reads, but accepted as merely too long when the LF arrived in the same read as the
     * budget's last bytes; with nothing after it, the reader then reported an end of stream and the peer got no
     * answer at all.
     */
    @Test
    void requestLineEndingPastTheDiscardBudgetIsRefusedHoweverTheBytesArrive() {
        byte[] line = ("LOOKUP RFC 1 P2P-CI/1.0" + " ".repeat(3100) + "\n").getBytes(StandardCharsets.US_ASCII);

        for (InputStream in : List.of(new ByteArrayInputStream(line), oneByteAtATime(line))) {
            RequestException refused = catchThrowableOfType(RequestException.class,
                    new MessageReader(in, TIGHT)::readRequest);

            assertThat(refused).isNotNull();
            assertThat(refused.status()).isEqualTo(Status.BAD_REQUEST_400);
            assertThat(refused.connectionUsable()).isFalse();
            assertThat(refused).hasMessage("request line has no end within 3072 bytes");
        }
    }

    /**
     * Header lines that each hold two headers (docs/INTEROP.md row 34) used to give a head of more headers than the
     * limit, which the writer's bytes then could not pass back through a reader: the limit counts headers, not lines.
     */
    @Test
    void twoHeadersALineCountAsTwoAgainstTheHeaderLimit() {
        byte[] answer = ("P2P-CI/1.0 200 OK\r\n" + "Date: d OS: o\r\n".repeat(3) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        FileAnswerReader reader = new FileAnswerReader(new MessageReader(new ByteArrayInputStream(answer), TIGHT),
                NoSilence.WAITS, Duration.ZERO, Duration.ZERO, TIGHT);

        assertThat(catchThrowableOfType(ResponseFormatException.class, reader::readHead))
                .hasMessage("more than 4 header lines");
    }

    /** A stream that hands out one byte per read, as a slow sender's segments arrive. */
    private static InputStream oneByteAtATime(byte[] bytes) {
        return new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(byte[] target, int offset, int length) {
                return super.read(target, offset, Math.min(length, 1));
            }
        };
    }
}
