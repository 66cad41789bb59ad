package net.p2pci.peer.library;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the title of an RFC from the cover page of its plain-text file.
 *
 * <p>The cover page starts with a header block (working group, "Request for Comments: N" or the old
 * "RFC: N" / "RFC N", category, authors, date). The title is the first block of centred lines after it,
 * wrapped over at most {@value #MAX_TITLE_LINES} lines; early RFCs instead give it as a centred
 * "Title: ..." line. Underlines ("-----") are ignored. The title is returned on one line, whitespace
 * collapsed, without control characters.
 *
 * <p>All-capital cover titles carry no case information, so they are re-cased: if a running page header
 * repeats the same title in mixed case (optionally without its trailing parenthesised abbreviation), that
 * wording is used; otherwise the title is converted to title case, keeping acronyms in capitals and small
 * words in lower case. A single all-capital word (e.g. "HTTP/1.1") is left as it is.
 *
 * <p>When no title is found, callers show {@link #fallbackTitle(int)}, e.g. "RFC 2616".
 */
public final class RfcTitleReader {

    /** How much of a file is read: cover page and first running header fit in a few KB, and RFCs reach 500 KB. */
    public static final int HEAD_BYTES = 16 * 1024;

    /** RFC style (RFC 7322) sets text in 72 columns, which is the width titles are centred in. */
    private static final int PAGE_WIDTH = 72;

    /** Authors centred titles by hand, so margins differ by a few columns. */
    private static final int CENTRING_TOLERANCE = 6;

    /** Titles wrap over at most three lines; a longer centred block is an address or a figure. */
    static final int MAX_TITLE_LINES = 3;

    private static final int TAB_WIDTH = 8;

    private static final String FALLBACK_TITLE_FORMAT = "RFC %d";

    private static final Pattern HEADER_NUMBER_LINE = Pattern.compile(
            "^(?:NWG/)?(?:RFC|Request\\s+for\\s+Comments?)\\s*[:#]?\\s*[0-9]+\\b", Pattern.CASE_INSENSITIVE);

    private static final Pattern TITLE_LABEL = Pattern.compile("^Title\\s*:\\s*(.*)$", Pattern.CASE_INSENSITIVE);

    private static final Pattern ANY_LABEL = Pattern.compile("^[A-Za-z][A-Za-z ]*:(?:\\s|$)");

    private static final Pattern DECORATION_LINE = Pattern.compile("^[-=_*~.\\s]+$");

    private static final Pattern TRAILING_PARENTHETICAL = Pattern.compile("^(.*\\S)\\s*\\([^()]*\\)$");

    private static final Pattern MULTIPLE_SPACES = Pattern.compile(" {2,}");

    private static final Pattern COLUMN_GAP = Pattern.compile("\\s{2,}");

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]+");

    private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");

    private static final Pattern HAS_DIGIT = Pattern.compile(".*[0-9].*");

    private static final Pattern HAS_VOWEL = Pattern.compile(".*[AEIOUYaeiouy].*");

    private static final Set<String> SMALL_WORDS = Set.of(
            "a", "an", "and", "as", "at", "but", "by", "for", "from", "in", "into", "nor", "of", "on",
            "or", "over", "per", "the", "to", "via", "vs", "with");

    private RfcTitleReader() {
    }

    /** Returns the title shown for RFC {@code number} when its file has no recognisable title. */
    public static String fallbackTitle(int number) {
        return String.format(Locale.ROOT, FALLBACK_TITLE_FORMAT, number);
    }

    /**
     * Reads the title from the first {@link #HEAD_BYTES} bytes of {@code file}, decoded as UTF-8.
     *
     * @return the title, or empty if the head of the file has no recognisable title
     * @throws IOException if the file cannot be read
     */
    public static Optional<String> readTitle(Path file) throws IOException {
        byte[] head;
        boolean fileIsLonger;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(HEAD_BYTES);
            fileIsLonger = in.read() != -1;
        }
        // A line cut at the limit could pass for a shorter title and may end inside a UTF-8 sequence.
        int length = fileIsLonger ? lengthUpToLastLineBreak(head) : head.length;
        int start = startsWithUtf8Bom(head, length) ? 3 : 0;
        // new String(...) replaces malformed input with U+FFFD instead of throwing.
        return titleFromHead(new String(head, start, length - start, StandardCharsets.UTF_8));
    }

    /**
     * Finds the title in the text of the head of an RFC file.
     *
     * @param headText the decoded beginning of the file; may start with a BOM and use CRLF or CR line ends
     * @return the title on a single line, or empty if none is recognisable
     */
    public static Optional<String> titleFromHead(String headText) {
        Objects.requireNonNull(headText, "headText");
        String text = headText.startsWith("\uFEFF") ? headText.substring(1) : headText;
        List<List<String>> pages = pagesOf(text);
        int coverIndex = 0;
        while (coverIndex < pages.size() && blocksOf(pages.get(coverIndex)).isEmpty()) {
            coverIndex++;
        }
        if (coverIndex == pages.size()) {
            return Optional.empty();
        }
        List<List<String>> blocks = blocksOf(pages.get(coverIndex));
        List<List<String>> laterPages = pages.subList(coverIndex + 1, pages.size());
        if (!isHeaderBlock(blocks.get(0))) {
            return Optional.empty();
        }
        for (List<String> block : blocks.subList(1, blocks.size())) {
            if (isRightColumn(block)) {
                continue;
            }
            if (!block.stream().allMatch(RfcTitleReader::isCentred)) {
                break;
            }
            Optional<String> title = titleOfBlock(block);
            if (title.isPresent()) {
                return title.map(found -> recased(found, laterPages, text));
            }
        }
        return Optional.empty();
    }

    private static int lengthUpToLastLineBreak(byte[] head) {
        for (int i = head.length - 1; i >= 0; i--) {
            if (head[i] == '\n' || head[i] == '\r' || head[i] == '\f') {
                return i + 1;
            }
        }
        return 0;
    }

    private static boolean startsWithUtf8Bom(byte[] bytes, int length) {
        return length >= 3 && (bytes[0] & 0xFF) == 0xEF && (bytes[1] & 0xFF) == 0xBB && (bytes[2] & 0xFF) == 0xBF;
    }

    /** Splits the text at form feeds, which separate the pages of paginated RFCs, into lines with tabs expanded. */
    private static List<List<String>> pagesOf(String text) {
        List<List<String>> pages = new ArrayList<>();
        for (String page : withLineFeeds(text).split("\f", -1)) {
            List<String> lines = new ArrayList<>();
            for (String line : page.split("\n", -1)) {
                lines.add(expandTabs(line));
            }
            pages.add(lines);
        }
        return pages;
    }

    /**
     * The text with each line break made one LF: a CRLF, a LF after several CRs, and a CR on its own. A loop rather
     * than a regular expression, as the scan runs over every file of a library and most have no CR at all.
     */
    static String withLineFeeds(String text) {
        int firstCr = text.indexOf('\r');
        if (firstCr < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length()).append(text, 0, firstCr);
        for (int i = firstCr; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\r') {
                out.append(c);
                continue;
            }
            int afterCrs = i;
            while (afterCrs < text.length() && text.charAt(afterCrs) == '\r') {
                afterCrs++;
            }
            out.append('\n');
            if (afterCrs < text.length() && text.charAt(afterCrs) == '\n') {
                i = afterCrs; // the CRs and their LF are one break
            }
        }
        return out.toString();
    }

    private static String expandTabs(String line) {
        if (line.indexOf('\t') < 0) {
            return line;
        }
        StringBuilder expanded = new StringBuilder();
        for (char c : line.toCharArray()) {
            if (c == '\t') {
                expanded.append(" ".repeat(TAB_WIDTH - expanded.length() % TAB_WIDTH));
            } else {
                expanded.append(c);
            }
        }
        return expanded.toString();
    }

    /** Groups a page's lines into runs of non-blank lines, as blank lines are what separate header, title and body. */
    private static List<List<String>> blocksOf(List<String> lines) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String line : lines) {
            if (line.isBlank()) {
                if (!current.isEmpty()) {
                    blocks.add(current);
                    current = new ArrayList<>();
                }
            } else {
                current.add(line);
            }
        }
        if (!current.isEmpty()) {
            blocks.add(current);
        }
        return blocks;
    }

    private static boolean isHeaderBlock(List<String> block) {
        return block.stream().anyMatch(line -> HEADER_NUMBER_LINE.matcher(line).find());
    }

    /** Author and date lines that continue the header's right column after a blank line are not a title. */
    private static boolean isRightColumn(List<String> block) {
        return block.stream().allMatch(line -> leftMargin(line) >= PAGE_WIDTH / 2 && rightMargin(line) <= 2);
    }

    private static boolean isCentred(String line) {
        int left = leftMargin(line);
        return left > 0 && Math.abs(left - rightMargin(line)) <= CENTRING_TOLERANCE;
    }

    private static int leftMargin(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static int rightMargin(String line) {
        return PAGE_WIDTH - line.stripTrailing().length();
    }

    private static Optional<String> titleOfBlock(List<String> block) {
        List<String> lines = block.stream().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            Matcher label = TITLE_LABEL.matcher(lines.get(i));
            if (label.matches()) {
                List<String> titleLines = new ArrayList<>(List.of(label.group(1)));
                for (String next : lines.subList(i + 1, lines.size())) {
                    if (ANY_LABEL.matcher(next).find()) {
                        break;
                    }
                    titleLines.add(next);
                }
                return joined(titleLines);
            }
        }
        List<String> titleLines = lines.stream().filter(line -> !DECORATION_LINE.matcher(line).matches()).toList();
        if (titleLines.size() > MAX_TITLE_LINES) {
            return Optional.empty();
        }
        return joined(titleLines);
    }

    private static Optional<String> joined(List<String> lines) {
        StringBuilder title = new StringBuilder();
        for (String line : lines) {
            String clean = singleLine(line);
            if (clean.isEmpty()) {
                continue;
            }
            // A compound broken after its hyphen ("Comma-" / "Separated") is one word again.
            boolean brokenCompound = title.length() >= 2 && title.charAt(title.length() - 1) == '-'
                    && Character.isLetter(title.charAt(title.length() - 2));
            if (!title.isEmpty() && !brokenCompound) {
                title.append(' ');
            }
            title.append(clean);
        }
        return title.isEmpty() ? Optional.empty() : Optional.of(title.toString());
    }

    private static String singleLine(String text) {
        StringBuilder clean = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            boolean invisible = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
            clean.appendCodePoint(invisible || Character.isWhitespace(c) || Character.isSpaceChar(c) ? ' ' : c);
        });
        return MULTIPLE_SPACES.matcher(clean.toString().trim()).replaceAll(" ");
    }

    private static String recased(String title, List<List<String>> laterPages, String headText) {
        boolean allCapitals = title.chars().anyMatch(Character::isLetter) && title.chars().noneMatch(Character::isLowerCase);
        if (!allCapitals || !title.contains(" ")) {
            return title;
        }
        return fromRunningHeader(title, laterPages).orElseGet(() -> titleCase(title, acronymsIn(headText)));
    }

    /** Running headers are the author's own mixed-case wording, so they restore case where the cover page has none. */
    private static Optional<String> fromRunningHeader(String title, List<List<String>> laterPages) {
        Matcher parenthetical = TRAILING_PARENTHETICAL.matcher(title);
        String withoutParenthetical = parenthetical.matches() ? parenthetical.group(1) : title;
        for (List<String> page : laterPages) {
            List<String> headerLines = page.stream().filter(line -> !line.isBlank()).limit(2).toList();
            for (String line : headerLines) {
                for (String column : COLUMN_GAP.split(line.strip())) {
                    String candidate = singleLine(column);
                    boolean mixedCase = candidate.chars().anyMatch(Character::isLowerCase);
                    if (mixedCase && (candidate.equalsIgnoreCase(title) || candidate.equalsIgnoreCase(withoutParenthetical))) {
                        return Optional.of(candidate);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Words written in capitals inside ordinary sentences, and never otherwise, are acronyms (e.g. "TFTP");
     * words that are merely emphasised in capitals also occur in lower case elsewhere.
     */
    private static Set<String> acronymsIn(String headText) {
        Map<String, Boolean> seenOnlyInCapitals = new HashMap<>();
        for (String line : withLineFeeds(headText).split("\n")) {
            boolean sentenceLine = line.chars().anyMatch(Character::isLowerCase);
            Matcher word = WORD.matcher(line);
            while (word.find()) {
                String text = word.group();
                String key = text.toUpperCase(Locale.ROOT);
                if (!text.equals(key)) {
                    seenOnlyInCapitals.put(key, false);
                } else if (sentenceLine && text.length() >= 2) {
                    seenOnlyInCapitals.putIfAbsent(key, true);
                }
            }
        }
        Set<String> acronyms = new HashSet<>();
        seenOnlyInCapitals.forEach((word, onlyCapitals) -> {
            if (onlyCapitals) {
                acronyms.add(word);
            }
        });
        return acronyms;
    }

    private static String titleCase(String title, Set<String> acronyms) {
        String[] words = title.split(" ");
        StringBuilder result = new StringBuilder();
        boolean startsPhrase = true;
        for (int i = 0; i < words.length; i++) {
            String word = words[i];
            boolean mustCapitalise = startsPhrase || i == words.length - 1;
            if (i > 0) {
                result.append(' ');
            }
            result.append(titleCaseWord(word, mustCapitalise, acronyms));
            startsPhrase = word.endsWith(":") || word.chars().allMatch(c -> c == '-');
        }
        return result.toString();
    }

    private static String titleCaseWord(String word, boolean mustCapitalise, Set<String> acronyms) {
        if (isAcronym(word.replaceAll("[^A-Za-z0-9]", ""), acronyms) || HAS_DIGIT.matcher(word).matches()) {
            return word;
        }
        StringBuilder result = new StringBuilder();
        Matcher letters = LETTERS.matcher(word);
        int copied = 0;
        boolean firstPart = true;
        while (letters.find()) {
            result.append(word, copied, letters.start());
            String part = letters.group();
            String lower = part.toLowerCase(Locale.ROOT);
            if (isAcronym(part, acronyms)) {
                result.append(part);
            } else if (SMALL_WORDS.contains(lower) && !(firstPart && mustCapitalise)) {
                result.append(lower);
            } else {
                result.append(Character.toUpperCase(lower.charAt(0))).append(lower, 1, lower.length());
            }
            copied = letters.end();
            firstPart = false;
        }
        return result.append(word, copied, word.length()).toString();
    }

    private static boolean isAcronym(String letters, Set<String> acronyms) {
        return letters.length() >= 2 && (acronyms.contains(letters) || !HAS_VOWEL.matcher(letters).matches());
    }
}
