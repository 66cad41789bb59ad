package net.p2pci.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How the bench reads Redis replies: the right answer passes, every wrong or broken one is caught and named. */
class RespReaderTest {
    private static final byte[] VALUE = "2616 Benchmark RFC 2616".getBytes(StandardCharsets.UTF_8);

    @Test
    void commandsAreArraysOfBulkStrings() {
        assertThat(new String(RespReader.command("GET", "p2pci-bench:7"), StandardCharsets.UTF_8))
                .isEqualTo("*2\r\n$3\r\nGET\r\n$13\r\np2pci-bench:7\r\n");
    }

    @Test
    void okPassesAndTheNextReplyIsReadFromWhereItEnded() throws Exception {
        RespReader reader = reader("+OK\r\n$23\r\n2616 Benchmark RFC 2616\r\n");

        reader.expectOk();
        reader.expectBulk(VALUE);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            +QUEUED\\r\\n                      | resp-wrong-status
            -ERR unknown command\\r\\n         | resp-error
            $2\\r\\nOK\\r\\n                   | resp-wrong-type
            :1\\r\\n                           | resp-wrong-type
            ?OK\\r\\n                          | resp-unknown-type
            """)
    void anythingButOkIsAWrongAnswer(String reply, String kind) {
        assertThatThrownBy(() -> reader(unescape(reply)).expectOk())
                .isInstanceOfSatisfying(WrongAnswer.class, wrong -> assertThat(wrong.kind()).isEqualTo(kind));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            $-1\\r\\n                                       | resp-nil
            $23\\r\\n2616 Benchmark RFC 2617\\r\\n          | resp-wrong-value
            $22\\r\\n2616 Benchmark RFC 261\\r\\n           | resp-wrong-value
            +OK\\r\\n                                       | resp-wrong-type
            -ERR wrong kind\\r\\n                           | resp-error
            """)
    void aBulkReplyMustHoldExactlyTheValue(String reply, String kind) {
        assertThatThrownBy(() -> reader(unescape(reply)).expectBulk(VALUE))
                .isInstanceOfSatisfying(WrongAnswer.class, wrong -> assertThat(wrong.kind()).isEqualTo(kind));
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = '|', textBlock = """
            $abc\\r\\n                                      | java.net.ProtocolException
            $23\\r\\n2616 Benchmark RFC 2616XX              | java.net.ProtocolException
            $2000000\\r\\n                                  | java.net.ProtocolException
            $23\\r\\n2616 Bench                             | java.io.EOFException
            $23                                             | java.io.EOFException
            ''                                              | java.io.EOFException
            """)
    void aBrokenReplyEndsTheConnection(String reply, Class<? extends IOException> failure) {
        assertThatThrownBy(() -> reader(unescape(reply)).expectBulk(VALUE)).isInstanceOf(failure);
    }

    @Test
    void aLineAtTheLimitIsReadAndOneByteOverIsNot() throws Exception {
        String atLimit = "+" + "x".repeat(RespReader.MAX_LINE_BYTES - 1) + "\r\n";
        assertThatThrownBy(() -> reader(atLimit).expectOk()).isInstanceOf(WrongAnswer.class);

        String over = "+" + "x".repeat(RespReader.MAX_LINE_BYTES) + "\r\n";
        assertThatThrownBy(() -> reader(over).expectOk()).isInstanceOf(ProtocolException.class);
    }

    @Test
    void endOfStreamBeforeAnyReplyIsNoAnswer() {
        assertThatThrownBy(() -> reader("").expectOk()).isInstanceOf(EOFException.class);
    }

    private static RespReader reader(String bytes) {
        return new RespReader(new ByteArrayInputStream(bytes.getBytes(StandardCharsets.UTF_8)));
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n");
    }
}
