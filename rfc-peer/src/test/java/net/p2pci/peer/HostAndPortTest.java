package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The host:port forms a user can type, and the one-line error for each bad one. */
final class HostAndPortTest {
    @ParameterizedTest
    @CsvSource({
            "index.example,         index.example, 7734, index.example:7734",
            "index.example:40000,   index.example, 40000, index.example:40000",
            "127.0.0.1:1,           127.0.0.1,     1,     127.0.0.1:1",
            "[::1]:65535,           ::1,           65535, [::1]:65535",
            "[fe80::1],             fe80::1,       7734,  [fe80::1]:7734",
    })
    void validAddressesParseAndPrintBack(String text, String host, int port, String printed) {
        HostAndPort parsed = HostAndPort.parse(text, OptionalInt.of(7734));

        assertThat(parsed).isEqualTo(new HostAndPort(host, port));
        assertThat(parsed).hasToString(printed);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "host:0       | port is not a number from 1 to 65535: 0",
            "host:65536   | port is not a number from 1 to 65535: 65536",
            "host:+80     | port is not a number from 1 to 65535: +80",
            "host:        | missing port after ':' in host:",
            ":80          | missing host in :80",
            "::1:80       | write an IPv6 address in brackets, as [::1]:7734: ::1:80",
            "[::1         | missing ']' in [::1",
            "[::1]x       | expected ':port' after ']' in [::1]x",
    })
    void invalidAddressesAreRefusedWithAOneLineReason(String text, String message) {
        assertThatThrownBy(() -> HostAndPort.parse(text, OptionalInt.of(7734)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
    }

    @ParameterizedTest
    @CsvSource({"holder", "[::1]"})
    void aPortIsRequiredWhereThereIsNoDefault(String text) {
        assertThatThrownBy(() -> HostAndPort.parse(text, OptionalInt.empty()))
                .hasMessageStartingWith("missing port");
    }
}
