package net.p2pci.checker;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A finished run and its three renderings: readable text (one line per case and a summary), JSON, and JUnit XML
 * (a testsuite for the role, a testcase per case, a failure element for each case that fails the run).
 */
public record Report(String role, String target, boolean strict, List<CaseResult> results) {
    public long count(Verdict verdict) {
        return results.stream().filter(r -> r.verdict() == verdict).count();
    }

    /** Whether every case passed (NON-STRICT passing unless the run is strict). */
    public boolean passed() {
        return results.stream().noneMatch(r -> r.verdict().fails(strict));
    }

    public long failures() {
        return results.stream().filter(r -> r.verdict().fails(strict)).count();
    }

    /** One line per case, as the text report and the live progress print it. */
    public static String line(CaseResult result) {
        String detail = result.outcome().detail();
        return String.format(Locale.ROOT, "%-10s %-30s %s%s", result.verdict().label(), result.id(), result.title(),
                detail.isEmpty() ? "" : "\n           " + detail);
    }

    public String summary() {
        return String.format(Locale.ROOT, "%s %s: %d cases, %d PASS, %d NON-STRICT, %d FAIL%s%s -> %s", role, target,
                results.size(), count(Verdict.PASS), count(Verdict.NON_STRICT), count(Verdict.FAIL),
                count(Verdict.SKIP) > 0 ? ", " + count(Verdict.SKIP) + " SKIP (extensions not offered)" : "",
                strict ? " (strict: NON-STRICT fails)" : "", passed() ? "passed" : "FAILED");
    }

    public String text() {
        StringBuilder text = new StringBuilder();
        results.forEach(result -> text.append(line(result)).append('\n'));
        return text.append(summary()).append('\n').toString();
    }

    public String json() {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"role\": ").append(jsonString(role)).append(",\n");
        json.append("  \"target\": ").append(jsonString(target)).append(",\n");
        json.append("  \"strict\": ").append(strict).append(",\n");
        json.append("  \"passed\": ").append(passed()).append(",\n");
        json.append("  \"counts\": {\"PASS\": ").append(count(Verdict.PASS)).append(", \"NON-STRICT\": ")
                .append(count(Verdict.NON_STRICT)).append(", \"FAIL\": ").append(count(Verdict.FAIL))
                .append(count(Verdict.SKIP) > 0 ? ", \"SKIP\": " + count(Verdict.SKIP) : "").append("},\n");
        json.append("  \"cases\": [");
        for (int i = 0; i < results.size(); i++) {
            CaseResult result = results.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("    {\"id\": ").append(jsonString(result.id()))
                    .append(", \"title\": ").append(jsonString(result.title()))
                    .append(", \"verdict\": ").append(jsonString(result.verdict().label()))
                    .append(", \"detail\": ").append(jsonString(result.outcome().detail()))
                    .append(", \"millis\": ").append(result.took().toMillis()).append('}');
        }
        return json.append(results.isEmpty() ? "]\n}\n" : "\n  ]\n}\n").toString();
    }

    public String junit() {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        double seconds = results.stream().map(CaseResult::took).reduce(Duration.ZERO, Duration::plus).toMillis() / 1000.0;
        xml.append("<testsuites>\n");
        xml.append(String.format(Locale.ROOT, "  <testsuite name=\"p2pci-check %s\" tests=\"%d\" failures=\"%d\""
                + " errors=\"0\" skipped=\"%d\" time=\"%.3f\">\n", xmlText(role), results.size(), failures(),
                count(Verdict.SKIP), seconds));
        xml.append("    <properties>\n      <property name=\"target\" value=\"").append(xmlText(target))
                .append("\"/>\n      <property name=\"strict\" value=\"").append(strict).append("\"/>\n    </properties>\n");
        for (CaseResult result : results) {
            xml.append(String.format(Locale.ROOT, "    <testcase classname=\"p2pci-check.%s\" name=\"%s\" time=\"%.3f\">",
                    xmlText(role), xmlText(result.id() + " " + result.title()), result.took().toMillis() / 1000.0));
            if (result.verdict().fails(strict)) {
                String message = result.verdict().label() + ": " + result.outcome().detail();
                xml.append("\n      <failure type=\"").append(result.verdict().label()).append("\" message=\"")
                        .append(xmlText(message)).append("\">").append(xmlText(message)).append("</failure>\n    ");
            } else if (result.verdict() == Verdict.SKIP) {
                xml.append("\n      <skipped message=\"").append(xmlText(result.outcome().detail()))
                        .append("\"/>\n    ");
            } else if (result.verdict() == Verdict.NON_STRICT) {
                xml.append("\n      <system-out>").append(xmlText("NON-STRICT: " + result.outcome().detail()))
                        .append("</system-out>\n    ");
            }
            xml.append("</testcase>\n");
        }
        return xml.append("  </testsuite>\n</testsuites>\n").toString();
    }

    public String render(Format format) {
        return switch (format) {
            case TEXT -> text();
            case JSON -> json();
            case JUNIT -> junit();
        };
    }

    /** The report formats of {@code --format}. */
    public enum Format {
        TEXT, JSON, JUNIT
    }

    private static String jsonString(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** Text for an XML attribute or element: markup escaped, and characters XML 1.0 cannot hold replaced. */
    private static String xmlText(String text) {
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\n' -> escaped.append("&#10;");
                default -> escaped.append(c < 0x20 && c != '\t' || Character.isSurrogate(c) ? '?' : c);
            }
        }
        return escaped.toString();
    }
}
