package net.p2pci.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where the programs' jars are and the {@code java} that runs them: the one running this JVM. */
public final class Programs {
    private Programs() {
    }

    /** This JVM's own {@code java} binary, so that a child runs on the JDK its starter was given. */
    public static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The shaded jar the build makes of {@code module} ({@code ci-server}, {@code rfc-peer}) under {@code root}. */
    public static Path jar(Path root, String module) throws IOException {
        return requireJar(root.resolve(module).resolve("target").resolve(module + ".jar"));
    }

    /** {@code jar}, if it is there; the message says how to build it. */
    public static Path requireJar(Path jar) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IOException("no jar at " + jar + " (build it: mvn -DskipTests package)");
        }
        return jar;
    }

    /** {@code java [jvmOptions] -jar jar [args]}, with this JVM's java. */
    public static ProcessBuilder javaJar(Path jar, List<String> jvmOptions, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return new ProcessBuilder(command);
    }
}
