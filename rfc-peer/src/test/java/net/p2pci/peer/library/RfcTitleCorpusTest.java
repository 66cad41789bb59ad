package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Runs the title reader over the RFC title corpus (RFCs drawn at random from the whole series, with the RFC Editor's
 * titles) and holds it to the accuracy goal; the corpus lives beside the repository, not in it, so the test is
 * skipped where it is absent.
 */
final class RfcTitleCorpusTest {

    /**
     * Share of the corpus whose title must be read right: issue 16's goal, 0.99 (the reader reaches 1,189 of 1,200).
     * The 11 misses left are not the reader's to fix without special cases: 8 RFCs whose cover words its title
     * otherwise than the metadata, which takes wording the text carries nowhere ("Request For Comments summary notes"
     * for "Requests For Comments Summary Notes", "The Tao of the IETF" for "The Tao of IETF", "Signalling" for
     * "Signaling", "Augmentation Research Center" for "ARC", "changes" for "Change"); one with no title at all
     * (RFC 252); and two laid out as others whose metadata says the opposite: RFC 1699's summary is named by its
     * running header where RFCs 2699, 2899, 3099 and 3299 are named by the same cover lines, and RFC 978 keeps the
     * "(VFIP)" that its running header drops where RFC 959 (in sample-rfcs) drops its "(FTP)".
     */
    private static final double MIN_ACCURACY = 0.99;

    /** Share of the corpus that may be registered under a stand-in title because none was found. */
    private static final double MAX_STAND_IN_RATE = 0.001;

    private static final Path CORPUS_FROM_REPOSITORY_PARENT = Path.of("shared", "rfc-title-corpus");

    /** In {@link #comparable}, a gap between words that held punctuation: it may be a word break or nothing. */
    private static final char PUNCTUATION_GAP = '~';

    /** Words the read title may have beyond the metadata's, as a share of the metadata's words. */
    private static final double MAX_EXTRA_WORD_SHARE = 1 / 3.0;

    private static final Pattern LEADING_ARTICLE = Pattern.compile("^(?:a|an|the)[ ~]");

    private record Miss(int rfc, String expected, String got) {
    }

    @Test
    void readsTheTitleOfNearlyEveryRfcInTheCorpus() throws IOException {
        Optional<Path> corpus = corpusDirectory();
        assumeTrue(corpus.isPresent(), "no shared/rfc-title-corpus beside the repository");
        List<String> rows = Files.readAllLines(corpus.get().resolve("titles.tsv"), StandardCharsets.UTF_8);

        List<Miss> misses = new ArrayList<>();
        int total = 0;
        int standIns = 0;
        for (String row : rows) {
            if (row.isBlank()) {
                continue;
            }
            String[] fields = row.split("\t", 2);
            int rfc = Integer.parseInt(fields[0].strip());
            String expected = fields[1].strip();
            Optional<String> read = RfcTitleReader.readTitle(corpus.get().resolve("heads").resolve("rfc" + rfc + ".txt"));
            total++;
            if (read.isEmpty()) {
                standIns++;
                misses.add(new Miss(rfc, expected, "(stand-in " + RfcTitleReader.fallbackTitle(rfc) + ")"));
            } else if (!sameTitle(read.get(), expected)) {
                misses.add(new Miss(rfc, expected, read.get()));
            }
        }

        double accuracy = (total - misses.size()) / (double) total;
        double standInRate = standIns / (double) total;
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "%d RFCs: %.2f%% right, %.2f%% stand-ins, %d misses%n", total, 100 * accuracy, 100 * standInRate,
                misses.size()));
        misses.forEach(miss -> report.append(String.format(Locale.ROOT, "  RFC %d%n    expected: %s%n    got:      %s%n",
                miss.rfc(), miss.expected(), miss.got())));
        System.out.print(report);

        assertThat(total).as("corpus size").isGreaterThan(0);
        assertThat(accuracy).as(report.toString()).isGreaterThanOrEqualTo(MIN_ACCURACY);
        assertThat(standInRate).as(report.toString()).isLessThanOrEqualTo(MAX_STAND_IN_RATE);
    }

    /**
     * The plain-layout shortcut gives exactly the general rules' title wherever it gives one, and it gives one for
     * the plain covers of today's RFCs, which are most of the series: without the second check a shortcut that never
     * answered would pass the first.
     */
    @Test
    void thePlainLayoutShortcutAgreesWithTheGeneralRules() throws IOException {
        Optional<Path> corpus = corpusDirectory();
        assumeTrue(corpus.isPresent(), "no shared/rfc-title-corpus beside the repository");
        List<String> disagreements = new ArrayList<>();
        int answered = 0;
        int modern = 0;
        try (var heads = Files.list(corpus.get().resolve("heads"))) {
            for (Path file : heads.sorted().toList()) {
                String head = RfcTitleReader.readHead(file);
                Optional<String> shortcut = RfcTitleReader.plainModernCoverTitle(head);
                if (head.contains("\nRequest for Comments: ") && head.contains("Category: ")) {
                    modern++;
                }
                if (shortcut.isEmpty()) {
                    continue;
                }
                answered++;
                Optional<String> general = RfcTitleReader.titleByEveryRule(head);
                if (!shortcut.equals(general)) {
                    disagreements.add(file.getFileName() + ": shortcut " + shortcut + ", general rules " + general);
                }
            }
        }
        System.out.printf(Locale.ROOT, "plain-layout shortcut: %d of the corpus's heads, %d with a modern header%n",
                answered, modern);
        assertThat(disagreements).isEmpty();
        assertThat(answered).as("heads read by the shortcut").isGreaterThanOrEqualTo(modern / 2);
    }

    @ParameterizedTest(name = "\"{0}\" read for \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
            "Post Office Protocol - Version 3 | Post Office Protocol: Version 3 | true",
            "Post Office Protocol: Version 3 | Post Office Protocol - Version 3 | true",
            "Response Time in Cross-network Debugging | Response time in cross network debugging | true",
            "International Meeting on Mini-Computers | International meeting on minicomputers | true",
            "The Tao of IETF | Tao of IETF | true",
            "Reservations for Network Working Group Meeting | Reservations for Network Group meeting | true",
            "Reservations for Network Group meeting | Reservations for Network Working Group Meeting | false",
            "Use of RSA in the CMS | Use of RSA in CMS | true",
            "Use of RSA in CMS | Use of RSA in the CMS | false",
            "Use of RSA in CMS Status of this Memo | Use of RSA in CMS | false",
            "Use of RSA in CMS | Use of DSA in CMS | false",
            "Data Exchange | Data Ex change | false",
            "Request for Comments Summary | Requests for Comments Summary | false"})
    void comparesAsTheCorpusReadmeSays(String read, String expected, boolean same) {
        assertThat(sameTitle(read, expected)).isEqualTo(same);
    }

    /**
     * The corpus README's fair comparison: case, punctuation, runs of spaces and a leading article do not count, and
     * "what counts as wrong is a wrong or missing word". Punctuation is ignored whichever way the metadata rewrote it:
     * "Cross-network" is "cross network" and "Mini-Computers" is "minicomputers". A word the document's title has and
     * the metadata dropped is neither wrong nor missing ("Network Working Group Meeting" for "Network Group meeting",
     * a third title line the metadata left out), as long as the metadata's words all come, in order, and the extra
     * words are few: at most {@link #MAX_EXTRA_WORD_SHARE} of the metadata's, so a reader that ran on into the text
     * would still miss.
     */
    static boolean sameTitle(String read, String expected) {
        return sameWords(read, expected) || withFewExtraWords(read, expected);
    }

    /** Whether the two have the same words, punctuation ignored either way. */
    private static boolean sameWords(String read, String expected) {
        String left = comparable(read);
        String right = comparable(expected);
        int i = 0;
        int j = 0;
        while (i < left.length() && j < right.length()) {
            char a = left.charAt(i);
            char b = right.charAt(j);
            if (a == b || (a == PUNCTUATION_GAP && b == ' ') || (a == ' ' && b == PUNCTUATION_GAP)) {
                i++;
                j++;
            } else if (a == PUNCTUATION_GAP) {
                i++;
            } else if (b == PUNCTUATION_GAP) {
                j++;
            } else {
                return false;
            }
        }
        return i == left.length() && j == right.length();
    }

    /** Whether every word of {@code expected} comes in {@code read}, in order, with few words more between them. */
    private static boolean withFewExtraWords(String read, String expected) {
        List<String> readWords = List.of(comparable(read).split("[ ~]"));
        List<String> expectedWords = List.of(comparable(expected).split("[ ~]"));
        int extra = readWords.size() - expectedWords.size();
        if (extra <= 0 || extra > MAX_EXTRA_WORD_SHARE * expectedWords.size()) {
            return false;
        }
        int next = 0;
        for (String word : readWords) {
            if (next < expectedWords.size() && word.equals(expectedWords.get(next))) {
                next++;
            }
        }
        return next == expectedWords.size();
    }

    /**
     * The title in lower case, its letters and digits kept, each gap between them one space, or {@link #PUNCTUATION_GAP}
     * where the gap holds punctuation; punctuation at either end and a leading article dropped.
     */
    static String comparable(String title) {
        StringBuilder words = new StringBuilder(title.length());
        boolean inGap = false;
        boolean gapHasPunctuation = false;
        for (int offset = 0; offset < title.length(); ) {
            int c = title.codePointAt(offset);
            offset += Character.charCount(c);
            if (Character.isLetterOrDigit(c)) {
                if (inGap && !words.isEmpty()) {
                    words.append(gapHasPunctuation ? PUNCTUATION_GAP : ' ');
                }
                words.appendCodePoint(Character.toLowerCase(c));
                inGap = false;
                gapHasPunctuation = false;
            } else {
                inGap = true;
                gapHasPunctuation |= !Character.isWhitespace(c) && !Character.isSpaceChar(c);
            }
        }
        return LEADING_ARTICLE.matcher(words).replaceFirst("");
    }

    /** Surefire runs in the module directory; the corpus is a sibling {@code shared} directory of the repository's. */
    private static Optional<Path> corpusDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(CORPUS_FROM_REPOSITORY_PARENT);
            if (Files.isRegularFile(candidate.resolve("titles.tsv"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
