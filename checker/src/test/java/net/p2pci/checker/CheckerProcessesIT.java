package net.p2pci.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import net.p2pci.server.IndexServer;
import net.p2pci.server.ServerConfig;
import net.p2pci.testsupport.Programs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The checker as people run it, through bin/p2pci-check and its jar: its exit status and report formats, and the
 * client role grading our real peer, a process it starts with --script and drives through its stdin.
 */
class CheckerProcessesIT {
    /** Starting two JVMs, registering and running the client cases take seconds; this is room on a busy machine. */
    private static final Duration RUN_DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path work;

    /** The command's exit status and what it printed. */
    private record Ran(int status, String out, String err) {
    }

    private Ran check(String... args) throws IOException, InterruptedException {
        Path root = repositoryRoot();
        List<String> command = new ArrayList<>(List.of(root.resolve("bin/p2pci-check").toString()));
        command.addAll(List.of(args));
        Path out = work.resolve("out-" + System.nanoTime());
        Path err = work.resolve("err-" + System.nanoTime());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        // The launcher runs the checker on the JDK running this test.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process process = builder.start();
        try {
            assertThat(process.waitFor(RUN_DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                    .as("p2pci-check exits within " + RUN_DEADLINE).isTrue();
            return new Ran(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            process.destroyForcibly();
        }
    }

    private static Path repositoryRoot() {
        Path folder = Path.of("").toAbsolutePath();
        while (folder != null && !Files.isRegularFile(folder.resolve("bin/p2pci-check"))) {
            folder = folder.getParent();
        }
        if (folder == null) {
            throw new IllegalStateException("no bin/p2pci-check above " + Path.of("").toAbsolutePath());
        }
        return folder;
    }

    private static IndexServer startServer() throws IOException {
        return IndexServer.start(ServerConfig.defaults().withBindAddress(InetAddress.getLoopbackAddress()).withPort(0));
    }

    @Test
    void ciServerPassesStrictWithAJunitReportAndExitStatus0() throws Exception {
        Path report = work.resolve("server.xml");
        try (IndexServer server = startServer()) {
            Ran ran = check("server", "127.0.0.1:" + server.port(), "--strict", "--format", "junit", "--output",
                    report.toString());

            assertThat(ran.status()).as(ran.out() + ran.err()).isZero();
            assertThat(ran.out()).contains("26 cases, 26 PASS, 0 NON-STRICT, 0 FAIL (strict: NON-STRICT fails)"
                    + " -> passed");
        }
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(report.toFile());
        assertThat(xml.getElementsByTagName("testcase").getLength()).isEqualTo(ServerCases.all().size());
        assertThat(xml.getElementsByTagName("failure").getLength()).isZero();
    }

    @Test
    void aBrokenServerExits1WithTheFailureInTheJsonReport() throws Exception {
        try (FakeIndexServer fake = new FakeIndexServer(FakeIndexServer.Fault.ADD_WITHOUT_ECHO)) {
            Ran ran = check("server", fake.target().toString(), "--case", "3.5-add-echo", "--format", "json",
                    "--timeout", "1");

            assertThat(ran.status()).as(ran.out() + ran.err()).isEqualTo(P2pciCheck.EXIT_FAILED);
            assertThat(ran.out()).contains("\"id\": \"3.5-add-echo\"", "\"verdict\": \"FAIL\"", "\"passed\": false");
            assertThat(ran.err()).contains("1 cases, 0 PASS, 0 NON-STRICT, 1 FAIL -> FAILED");
        }
    }

    @Test
    void usageErrorsAndAnUnreachableTargetExit2() throws Exception {
        assertThat(check("server").status()).isEqualTo(P2pciCheck.EXIT_USAGE);
        assertThat(check("upload", "127.0.0.1:7734").status()).isEqualTo(P2pciCheck.EXIT_USAGE);
        assertThat(check("server", "127.0.0.1:7734", "--format", "xml").status()).isEqualTo(P2pciCheck.EXIT_USAGE);
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Ran unreachable = check("server", "127.0.0.1:" + closedPort, "--timeout", "1");
        assertThat(unreachable.status()).isEqualTo(P2pciCheck.EXIT_USAGE);
        assertThat(unreachable.err()).contains("cannot reach 127.0.0.1:" + closedPort);
        Ran help = check("--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--strict", "--format", "--case", "--timeout", "--script", "Exit status");
    }

    @Test
    void rfcPeerPassesEveryClientCaseStrictDrivenThroughItsStdin() throws Exception {
        Path peerDir = Files.createDirectories(work.resolve("peer"));
        Files.writeString(peerDir.resolve("rfc1149.txt"), ClientCases.document(1149), StandardCharsets.UTF_8);
        Path peerJar = Programs.jar(repositoryRoot(), "rfc-peer");
        String script = Programs.javaCommand() + " -jar " + peerJar + " --server {server} --dir " + peerDir;

        Ran ran = check("client", "--port", "0", "--strict", "--script", script);

        for (CheckCase<ClientRun> check : ClientCases.all()) {
            assertThat(ran.out()).as(ran.out()).contains("PASS       " + check.id());
        }
        assertThat(ran.status()).as(ran.out() + ran.err()).isEqualTo(P2pciCheck.EXIT_PASSED);
    }
}
