package net.p2pci.bench;

import java.nio.file.Files;
import java.nio.file.Path;

/** The JDK this tool runs on, whose {@code java} also runs the server and peers under test, and whose jcmd measures them. */
final class Jvm {
    private Jvm() {
    }

    static String javaCommand() {
        return ProcessHandle.current().info().command().orElseGet(() -> tool("java"));
    }

    static String jcmdCommand() {
        return tool("jcmd");
    }

    private static String tool(String name) {
        Path tool = Path.of(System.getProperty("java.home"), "bin", name);
        return Files.isExecutable(tool) ? tool.toString() : name;
    }
}
