package net.p2pci.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import net.p2pci.peer.PeerOptions.BadOptionsException;
import net.p2pci.peer.library.FolderWatcher;
import net.p2pci.peer.library.RfcLibrary;
import net.p2pci.peer.upload.UploadLimits;
import net.p2pci.peer.web.PageSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The command-line options: defaults, every option, and the one-line error for each bad one. */
final class PeerOptionsTest {
    @TempDir
    static Path dir;

    @Test
    void defaultsAreTheWellKnownServerPortAnyUploadPortAndTheConnectionsAddress() throws BadOptionsException {
        Invocation parsed = PeerOptions.parse("--server", "index.example", "--dir", dir.toString());

        assertThat(parsed).isEqualTo(new PeerOptions(List.of(new HostAndPort("index.example", 7734)), dir, 0,
                Optional.empty(), List.of()));
    }

    @Test
    void everyOptionIsTakenAndExecCommandsKeepTheirOrder() throws BadOptionsException {
        Invocation parsed = PeerOptions.parse("-s", "127.0.0.1:40000", "-d", dir.toString(), "-p", "6789",
                "--host", "peer-a.example", "--exec", "LIST", "-e", "GET 2616", "--exec", "LOOKUP 1");

        assertThat(parsed).isEqualTo(new PeerOptions(List.of(new HostAndPort("127.0.0.1", 40000)), dir, 6789,
                Optional.of("peer-a.example"), List.of("LIST", "GET 2616", "LOOKUP 1")));
    }

    @Test
    void severalServersAreTakenInTheOrderGivenEachWithTheWellKnownPortByDefault() throws BadOptionsException {
        Invocation parsed = PeerOptions.parse("--server", "index-b.example:7735,index-a.example, [::1]:7736,[fe80::2]",
                "--dir", dir.toString());

        assertThat(parsed).isInstanceOfSatisfying(PeerOptions.class, options -> assertThat(options.servers())
                .containsExactly(new HostAndPort("index-b.example", 7735), new HostAndPort("index-a.example", 7734),
                        new HostAndPort("::1", 7736), new HostAndPort("fe80::2", 7734)));
    }

    @Test
    void theSameHostOnOtherPortsIsSeveralServers() throws BadOptionsException {
        Invocation parsed = PeerOptions.parse("--server", "127.0.0.1:7734,127.0.0.1:7735", "--dir", dir.toString());

        assertThat(parsed).isInstanceOfSatisfying(PeerOptions.class, options -> assertThat(options.servers())
                .containsExactly(new HostAndPort("127.0.0.1", 7734), new HostAndPort("127.0.0.1", 7735)));
    }

    @Test
    void logFileIsMadeAbsolute() throws BadOptionsException {
        Invocation parsed = PeerOptions.parse("-s", "h", "-d", dir.toString(), "--log-file", "peer.log");

        assertThat(parsed).isInstanceOfSatisfying(PeerOptions.class, options -> assertThat(options.logFile())
                .contains(Path.of("peer.log").toAbsolutePath()));
    }

    @Test
    void portFileIsMadeAbsoluteAndAbsentWithoutTheOption() throws BadOptionsException {
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString())).portFile()).isEmpty();
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--port-file", "peer.port"))
                .portFile()).contains(Path.of("peer.port").toAbsolutePath());
    }

    @Test
    void aPeerReconnectsUnlessToldNotTo() throws BadOptionsException {
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString())).reconnect()).isTrue();
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--no-reconnect")).reconnect())
                .isFalse();
    }

    @Test
    void linksOutOfTheDirectoryAreOfferedOnlyWhenAllowed() throws BadOptionsException {
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString())).allowOutsideLinks()).isFalse();
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--allow-outside-links"))
                .allowOutsideLinks()).isTrue();
    }

    @Test
    void theFolderIsWatchedWithTheDefaultPeriodsAndCapUnlessGivenOthers() throws BadOptionsException {
        PeerOptions defaults = (PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString());
        PeerOptions given = (PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--max-file-mib", "1024",
                "--rescan-seconds", "5", "--settle-ms", "0", "--quiet-ms", "250");

        assertThat(defaults.watch()).isEqualTo(FolderWatcher.Settings.DEFAULT);
        assertThat(defaults.maxFileBytes()).isEqualTo(RfcLibrary.DEFAULT_MAX_FILE_MIB * 1024 * 1024);
        assertThat(given.watch()).isEqualTo(new FolderWatcher.Settings(Duration.ofSeconds(5), Duration.ZERO,
                Duration.ofMillis(250)));
        assertThat(given.maxFileBytes()).isEqualTo(1024L * 1024 * 1024);
    }

    @Test
    void theUploadsServedAtOnceToOneAddressCanBeRaised() throws BadOptionsException {
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString())).maxUploadsPerAddress())
                .isEqualTo(UploadLimits.DEFAULT_MAX_UPLOADS_PER_ADDRESS);
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--max-uploads-per-address",
                "100")).maxUploadsPerAddress()).isEqualTo(100);
    }

    @Test
    void theWebPageIsOffUnlessAskedForAndListensOnLoopbackByDefault() throws Exception {
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString())).page()).isEmpty();
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--http-port", "8080")).page())
                .contains(new PageSettings(InetAddress.getLoopbackAddress(), 8080));
        assertThat(((PeerOptions) PeerOptions.parse("-s", "h", "-d", dir.toString(), "--http-port", "0",
                "--http-bind", "0.0.0.0")).page()).contains(new PageSettings(InetAddress.getByName("0.0.0.0"), 0));
    }

    @Test
    void helpAndVersionNeedNoOtherOption() throws BadOptionsException {
        assertThat(PeerOptions.parse("--help")).isInstanceOf(Invocation.ShowHelp.class);
        assertThat(PeerOptions.parse("-V")).isInstanceOf(Invocation.ShowVersion.class);
    }

    @Test
    void theHelpDescribesEveryOptionAndTheOutput() {
        assertThat(PeerOptions.helpText())
                .contains("--server <HOST[:PORT][,...]>", "rfc-peer --server HOST[:PORT][,HOST[:PORT]]... --dir DIR",
                        "--dir", "--upload-port", "--host", "--no-reconnect", "--allow-outside-links",
                        "--max-uploads-per-address", "--log-file", "--port-file", "--exec", "--http-port",
                        "--http-bind",
                        "--help", "--version")
                .contains("[Peer] LOOKUP RFC <n>:", "[Peer] Lost the index server: <reason>; reconnecting",
                        "[Peer] Reconnected to index <host:port>; registered <k> RFC(s)",
                        "[Peer] Lost the index server <host:port> (<reason>); connected to <host:port>",
                        "Exit status");
    }

    @Test
    void theHelpSaysTheWebPageIsForThisMachineOnlyUnlessOpenedOnPurpose() {
        assertThat(PeerOptions.helpText().replaceAll("\\s+", " ")).contains("--http-bind <ADDRESS> the address the"
                + " web page listens on (default 127.0.0.1, this machine only: the page starts downloads, so it is not"
                + " open to the network unless asked");
    }

    static Stream<Arguments> badOptions() {
        String existing = dir.toString();
        return Stream.of(
                Arguments.of(List.of("--dir", existing), "missing --server HOST[:PORT][,...]"),
                Arguments.of(List.of("--server", "h"), "missing --dir DIR"),
                Arguments.of(List.of("--server", "h", "--dir", existing.concat("/missing")),
                        "--dir: not a directory: " + existing + "/missing"),
                Arguments.of(List.of("--server", "h:99999", "--dir", existing),
                        "--server: port is not a number from 1 to 65535: 99999"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--upload-port", "65536"),
                        "--upload-port: not a number from 0 to 65535: 65536"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--upload-port", "-1"),
                        "--upload-port: not a number from 0 to 65535: -1"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--upload-port"),
                        "--upload-port needs a value: N"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--host", "two words"),
                        "--host: must be one word without spaces, at most 255 characters: two words"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--max-uploads-per-address", "0"),
                        "--max-uploads-per-address: not a whole number from 1 up: 0"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--max-uploads-per-address", "-3"),
                        "--max-uploads-per-address: not a whole number from 1 up: -3"),
                Arguments.of(List.of("--server", "h", "--server", "i", "--dir", existing),
                        "--server given more than once"),
                Arguments.of(List.of("--server", "a,,b", "--dir", existing), "--server: an empty entry in a,,b"),
                Arguments.of(List.of("--server", "a,", "--dir", existing), "--server: an empty entry in a,"),
                Arguments.of(List.of("--server", ",a", "--dir", existing), "--server: an empty entry in ,a"),
                Arguments.of(List.of("--server", "a, ,b", "--dir", existing), "--server: an empty entry in a, ,b"),
                Arguments.of(List.of("--server", ",", "--dir", existing), "--server: an empty entry in ,"),
                Arguments.of(List.of("--server", "a:7734,b,a:7734", "--dir", existing),
                        "--server: a:7734 is listed twice"),
                Arguments.of(List.of("--server", "a,b,a:7734", "--dir", existing),
                        "--server: a:7734 is listed twice"),
                Arguments.of(List.of("--server", "Index.Example,index.example", "--dir", existing),
                        "--server: index.example:7734 is listed twice"),
                Arguments.of(List.of("--server", "[::1]:7735,[::1]:7735", "--dir", existing),
                        "--server: [::1]:7735 is listed twice"),
                Arguments.of(List.of("--server", "a:7734,b:0", "--dir", existing),
                        "--server: port is not a number from 1 to 65535: 0"),
                Arguments.of(List.of("--server", "a:7734,b:x", "--dir", existing),
                        "--server: port is not a number from 1 to 65535: x"),
                Arguments.of(List.of("--server", "a,b:", "--dir", existing),
                        "--server: missing port after ':' in b:"),
                Arguments.of(List.of("--server", "a,::1", "--dir", existing),
                        "--server: write an IPv6 address in brackets, as [::1]:7734: ::1"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--log-file", existing),
                        "--log-file: is a directory: " + existing),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--log-file", existing + "/missing/peer.log"),
                        "--log-file: no such directory: " + existing + "/missing"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--port-file", existing),
                        "--port-file: is a directory: " + existing),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--port-file", existing + "/missing/port"),
                        "--port-file: no such directory: " + existing + "/missing"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--port-file", "a", "--port-file", "b"),
                        "--port-file given more than once"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--http-port", "65536"),
                        "--http-port: not a number from 0 to 65535: 65536"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--http-port", "8080", "--http-port", "8081"),
                        "--http-port given more than once"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--http-bind", "127.0.0.1"),
                        "--http-bind needs --http-port"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--max-file-mib", "0"),
                        "--max-file-mib: not a whole number from 1 to 1024: 0"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--max-file-mib", "1025"),
                        "--max-file-mib: not a whole number from 1 to 1024: 1025"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--rescan-seconds", "0"),
                        "--rescan-seconds: not a whole number from 1 to 86400: 0"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--settle-ms", "soon"),
                        "--settle-ms: not a whole number from 0 to 86400000: soon"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "--quiet-ms", "1", "--quiet-ms", "2"),
                        "--quiet-ms given more than once"),
                Arguments.of(List.of("--server", "h", "--dir", existing, "stray"), "unexpected argument: stray"),
                Arguments.of(List.of("--frobnicate"), "Unrecognized option: --frobnicate"));
    }

    @ParameterizedTest
    @MethodSource("badOptions")
    void badOptionsAreRefusedWithAOneLineReason(List<String> args, String message) {
        assertThatThrownBy(() -> PeerOptions.parse(args.toArray(String[]::new)))
                .isInstanceOf(BadOptionsException.class)
                .hasMessage(message);
    }
}
