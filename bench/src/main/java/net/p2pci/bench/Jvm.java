package net.p2pci.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.p2pci.testsupport.Programs;

/**
 * The JDK this tool runs on, whose {@code java} also runs the server and peers under test ({@link Programs}), and
 * whose jcmd measures them.
 */
final class Jvm {
    private Jvm() {
    }

    /**
     * A process builder for one of the programs under test, its arguments still to be added: through its launcher
     * when there is one, given this JDK as {@code JAVA_HOME} and {@code jvmOptions} as {@code JAVA_OPTS} (split at
     * spaces), as users run it; otherwise {@code java [jvmOptions] -jar jar}.
     */
    static ProcessBuilder program(Optional<Path> launcher, Path jar, List<String> jvmOptions) throws IOException {
        // Checked in both cases: a launcher that finds no jar builds one, which is no part of a measurement.
        Programs.requireJar(jar);
        if (launcher.isEmpty()) {
            return Programs.javaJar(jar, jvmOptions, List.of());
        }
        if (!Files.isExecutable(launcher.get())) {
            throw new IOException("no launcher at " + launcher.get());
        }
        if (jvmOptions.stream().anyMatch(option -> option.chars().anyMatch(Character::isWhitespace))) {
            throw new IOException("a launcher takes JVM options split at spaces (JAVA_OPTS); these have spaces: "
                    + jvmOptions);
        }
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(List.of(launcher.get().toString())));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("JAVA_OPTS", String.join(" ", jvmOptions));
        return builder;
    }

    static String jcmdCommand() {
        return tool("jcmd");
    }

    private static String tool(String name) {
        Path tool = Path.of(System.getProperty("java.home"), "bin", name);
        return Files.isExecutable(tool) ? tool.toString() : name;
    }
}
