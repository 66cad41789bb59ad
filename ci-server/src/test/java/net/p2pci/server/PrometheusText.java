package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openqa.selenium.json.Json;
import org.openqa.selenium.json.TypeToken;

/**
 * Prometheus text exposition as the Prometheus client parses it: the Java client writes the format but has no
 * parser, so the text goes through the Python client's ({@code python3-prometheus-client}, which .ci/run installs)
 * in a process of its own. On a developer's machine without it the test is skipped; in CI it fails.
 */
final class PrometheusText {
    private static final long PARSE_SECONDS = 30;

    /** One sample: its full name (with _total, _bucket, ...), its labels and its value. */
    record Sample(String name, Map<String, String> labels, double value) {
    }

    /** One metric family: its name, type and help, and its samples. */
    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final List<Family> families;

    private PrometheusText(List<Family> families) {
        this.families = families;
    }

    List<Family> families() {
        return families;
    }

    /**
     * Pythons to try, Debian's first: the package installs the module for it, and a python3 earlier on the PATH
     * (pyenv's, say) may lack it.
     */
    private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");

    /** Parses {@code text}; fails the test when the parser refuses it. */
    static PrometheusText parse(String text) throws IOException, InterruptedException {
        String python = requireParser();
        Path script = Files.createTempFile("parse-metrics", ".py");
        try (InputStream in = PrometheusText.class.getResourceAsStream("parse-metrics.py")) {
            Files.write(script, Objects.requireNonNull(in).readAllBytes());
        }
        Process process = new ProcessBuilder(python, script.toString()).redirectErrorStream(false).start();
        try {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            String errors = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.waitFor(PARSE_SECONDS, TimeUnit.SECONDS)).as("parser finished").isTrue();
            assertThat(process.exitValue()).as("the Prometheus parser's verdict: " + errors).isZero();
            List<Map<String, Object>> raw = new Json().toType(new String(out, StandardCharsets.UTF_8),
                    new TypeToken<List<Map<String, Object>>>() { }.getType());
            return new PrometheusText(raw.stream().map(PrometheusText::family).toList());
        } finally {
            process.destroyForcibly();
            Files.deleteIfExists(script);
        }
    }

    @SuppressWarnings("unchecked")
    private static Family family(Map<String, Object> raw) {
        List<Map<String, Object>> samples = (List<Map<String, Object>>) raw.get("samples");
        return new Family((String) raw.get("name"), (String) raw.get("type"), (String) raw.get("help"),
                samples.stream().map(sample -> new Sample((String) sample.get("name"),
                        (Map<String, String>) sample.get("labels"), number(sample.get("value")))).toList());
    }

    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : Double.parseDouble((String) value);
    }

    /** The value of the sample named {@code name} with exactly {@code labels}. */
    Optional<Double> value(String name, Map<String, String> labels) {
        return families.stream().flatMap(family -> family.samples().stream())
                .filter(sample -> sample.name().equals(name) && sample.labels().equals(labels))
                .map(Sample::value).findFirst();
    }

    Optional<Family> family(String name) {
        return families.stream().filter(family -> family.name().equals(name)).findFirst();
    }

    /** The Python that has the parser; skips the test where none has, unless in CI, where that fails it. */
    private static String requireParser() throws InterruptedException {
        for (String python : PYTHONS) {
            try {
                Process check = new ProcessBuilder(python, "-c", "import prometheus_client.parser")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (check.waitFor(PARSE_SECONDS, TimeUnit.SECONDS) && check.exitValue() == 0) {
                    return python;
                }
                check.destroyForcibly();
            } catch (IOException e) {
                // not installed: try the next
            }
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("python3 with prometheus_client is missing (apt-get install"
                    + " python3-prometheus-client; .ci/run installs it)");
        }
        assumeTrue(false, "python3-prometheus-client is missing; apt-get install python3-prometheus-client to"
                + " parse /metrics");
        throw new IllegalStateException("unreachable");
    }
}
