package net.p2pci.peer.library;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * "RFC: N" / "RFC N" / "NIC N", category, authors, date); typewritten covers may put a date, a page footer or
 * "Network Working Group" in blocks of their own before it, and labelled metadata ("Categories: ...") after it.
 * Some early covers name the title in the header itself: as the first column of a line that otherwise holds only
 * the date and the numbers ("ARPA NETWORK MAILING LISTS   May 1971   RFC 155   NIC 6760"), or at the head of a page
 * heading stacked in the top right corner above a date in parentheses and the RFC number; that is the title.
 * Otherwise the title is the first block after the header that reads like one: centred lines, or a first or last
 * line as wide as the page (a title too long to centre), wrapped over at most {@value #MAX_TITLE_LINES} lines and
 * ending at a byline or a date; on typewritten covers a line indented by eye or typed in capitals at the margin;
 * early RFCs give it as a "Title: ..." line. A generic "Request for Comments Summary", a line ending in a small word and a
 * subtitle set apart ("-- Protocol Specification --") go on in the next block; an underlined heading in a block of
 * its own under an underlined title ("CALL FOR PAPERS") follows it after a colon. Text with a sentence ending in it,
 * or going on in lower case, is a paragraph, not a title. Underlines ("-----") are ignored. The title is returned
 * on one line, whitespace collapsed, without control characters.
 *
 * <p>All-capital cover titles carry no case information, so they are re-cased: if a running page header
 * repeats the same title in mixed case (optionally without its trailing parenthesised abbreviation), that
 * wording is used; otherwise the title is converted to title case, keeping acronyms in capitals and small
 * words in lower case (a word is an acronym if ordinary sentences of the head, lines with words in lower case, give
 * it only in capitals). A single all-capital word (e.g. "HTTP/1.1") is left as it is.
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
    static final int MAX_TITLE_LINES = 4;

    private static final int TAB_WIDTH = 8;

    private static final String FALLBACK_TITLE_FORMAT = "RFC %d";

    /** "RFC: N", "NWG/RFC# N", "Request for Comments: #N", "Requests for Comments N", and the odd typing error. */
    private static final Pattern HEADER_NUMBER_LINE = Pattern.compile(
            "^(?:NWG/)?(?:RFC|Re[qg]uests?\\s+for\\s+Comments?)[\\s:#]*(?:RFC[\\s#]*)?[0-9]+\\b", Pattern.CASE_INSENSITIVE);

    /** An RFC number line on its own, as distinct from a title that names another RFC ("RFC 1643 to Historic Status"). */
    private static final Pattern RFC_NUMBER_COLUMN = Pattern.compile(
            "^(?:NWG/)?(?:RFC|Re[qg]uests?\\s+for\\s+Comments?)[\\s:#]*(?:RFC[\\s#]*)?[0-9]+(?:\\s+NIC\\s*#?\\s*[0-9]+)?[.,]?$",
            Pattern.CASE_INSENSITIVE);

    /** A sentence ends inside the text: a lower-case word and a full stop before a space or the line end. */
    private static final Pattern SENTENCE_END = Pattern.compile("[a-z]{4}\\.(?:\\s|$)");

    /** Authors named under the title: "A. Agarwal, M. J. O'Connor and D. L. Mills". */
    private static final Pattern BYLINE = Pattern.compile("(?:^|\\s)[A-Z]\\.\\s+(?:[A-Z]\\.\\s+)*[A-Z][a-z']+");

    private static final Pattern PAGE_FOOTER = Pattern.compile("\\[Page\\s+[0-9]+\\]\\s*$");

    /** Other numbered header lines of the early series: "NIC # 5806", "ISSN: 2070-1721". */
    private static final Pattern NUMBER_LABEL_LINE = Pattern.compile("^(?:NIC|ISSN)\\b[\\s:#]*[0-9]", Pattern.CASE_INSENSITIVE);

    /** Labelled metadata set at the left margin under the header ("Categories: D.4", "Obsoletes RFCs: 776"). */
    private static final Pattern HEADER_LABEL = Pattern.compile(
            "^(?:Category|Categories|Obsoletes|Updates|References|Online file|See Also|BCP|STD|FYI)\\b[^:]{0,12}:",
            Pattern.CASE_INSENSITIVE);

    /** Two columns of a header line are set apart by several spaces (three or more); titles never are. */
    private static final int COLUMN_GAP_WIDE = 3;

    /** Running page headers set their columns apart by two spaces or more. */
    private static final int COLUMN_GAP = 2;

    /** A title line ends where the date of a cover page begins ("July 30, 1987", "23 March 1971"). */
    private static final Pattern DATE_LINE = Pattern.compile(
            "^(?:[0-9]{1,2}\\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\\.?\\s+(?:[0-9]{1,2},?\\s+)?[0-9]{2,4}$",
            Pattern.CASE_INSENSITIVE);

    /** The name of the group an RFC comes from, which shares the header with the title on some early covers. */
    private static final Pattern GROUP_NAME = Pattern.compile("\\bGroup\\b|Task Force", Pattern.CASE_INSENSITIVE);

    /** An initial of a name: "J. North", "JEANNE B. NORTH". */
    private static final Pattern INITIAL = Pattern.compile("(?:^|\\s)[A-Z]\\.(?:\\s|$)");

    /** Titles that name a kind of document rather than its subject, which the next centred line completes. */
    private static final Pattern GENERIC_TITLE = Pattern.compile(
            "^Requests?\\s+for\\s+Comments?\\s+Summary$", Pattern.CASE_INSENSITIVE);

    /** A line set apart as a subtitle by dashes or asterisks: "-- Protocol Specification --", "***A WORKING PAPER***". */
    private static final Pattern SUBTITLE_LINE = Pattern.compile("^(?:--\\s.*|\\*+\\s*[^*]+?\\s*\\*+)$");

    /** Asterisks that set a subtitle apart are typing, not part of the title. */
    private static final Pattern SUBTITLE_ASTERISKS = Pattern.compile("^\\*+\\s*|\\s*\\*+$");

    private static final Pattern UNDERLINE = Pattern.compile("^[-=_]{3,}$");

    /** A footnote mark closing a title, "MESSAGES(1)", belongs to the footnote, not the title. */
    private static final Pattern FOOTNOTE_MARK = Pattern.compile("(?<=[A-Za-z])\\([0-9]\\)$");

    /** Blocks that may precede the header on a typewritten cover: a date, a page footer, "Network Working Group". */
    private static final int MAX_BLOCKS_BEFORE_HEADER = 3;

    /** Typewritten titles sit clear of both margins by at least this many columns. */
    private static final int MIN_TITLE_INDENT = 4;

    /** Shortest line taken for a title too wide to centre; body text that wide at the margin ends like a sentence. */
    private static final int FULL_WIDTH_MIN_CHARS = 66;

    private static final Pattern TITLE_LABEL = Pattern.compile("^Title\\s*:\\s*(.*)$", Pattern.CASE_INSENSITIVE);

    private static final Pattern ANY_LABEL = Pattern.compile("^[A-Za-z][A-Za-z ]*:(?:\\s|$)");

    private static final Pattern DECORATION_LINE = Pattern.compile("^[-=_*~.\\s]+$");

    private static final Pattern TRAILING_PARENTHETICAL = Pattern.compile("^(.*\\S)\\s*\\([^()]*\\)$");

    private static final Pattern MULTIPLE_SPACES = Pattern.compile(" {2,}");

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9]+");

    private static final Pattern LETTERS = Pattern.compile("[A-Za-z]+");

    private static final String VOWELS = "AEIOUYaeiouy";

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
        return titleFromHead(readHead(file));
    }

    /** The first {@link #HEAD_BYTES} bytes of {@code file} as text, cut after their last full line. */
    static String readHead(Path file) throws IOException {
        // One byte past the head says whether the file goes on; read straight into one array, as a directory of
        // thousands of RFCs is read at start-up.
        byte[] head = new byte[HEAD_BYTES + 1];
        int read;
        try (InputStream in = new FileInputStream(file.toFile())) {
            read = in.readNBytes(head, 0, head.length);
        }
        boolean fileIsLonger = read > HEAD_BYTES;
        // A line cut at the limit could pass for a shorter title and may end inside a UTF-8 sequence.
        int length = fileIsLonger ? lengthUpToLastLineBreak(head, HEAD_BYTES) : read;
        int start = startsWithUtf8Bom(head, length) ? 3 : 0;
        // new String(...) replaces malformed input with U+FFFD instead of throwing.
        return new String(head, start, length - start, StandardCharsets.UTF_8);
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
        Optional<String> plain = plainModernCoverTitle(text);
        return plain.isPresent() ? plain : titleByEveryRule(text);
    }

    /**
     * The title of a cover in today's plain layout, read without the general rules: header lines at the margin, each
     * two columns ending at the page's edge or one labelled column ("Category: ..."), one of them
     * "Request for Comments: N"; blank lines; one to {@value #MAX_TITLE_LINES} centred lines in mixed case; a blank
     * line; a line at the margin. Anything the general rules could read otherwise (a title line starting as a label, a date
     * or a number line does, a full stop that ends a sentence or an initial, a footnote mark, a last small word,
     * capitals only, tabs, CRs, form feeds, characters outside ASCII) leaves it empty, and {@link #titleByEveryRule} reads the
     * cover. A peer starting on thousands of files reads most of them here: the general rules run dozens of regular
     * expressions over every line, which a fresh JVM interprets and compiles at a cost of seconds per 10,000 files.
     * RfcTitleCorpusTest holds both to the same answer wherever this one gives one.
     */
    static Optional<String> plainModernCoverTitle(String text) {
        int[] cursor = {0};
        String line = nextLine(text, cursor);
        while (line != null && line.isEmpty()) {
            line = nextLine(text, cursor);
        }
        boolean numbered = false;
        int headerLines = 0;
        for (; line != null && !line.isEmpty(); line = nextLine(text, cursor)) {
            List<String> columns = columns(line, COLUMN_GAP_WIDE);
            if (!isPlainHeaderLine(line, columns)) {
                return Optional.empty();
            }
            numbered |= isPlainRfcNumberLine(columns.get(0));
            headerLines++;
        }
        if (!numbered || headerLines < 2) {
            return Optional.empty();
        }
        while (line != null && line.isEmpty()) {
            line = nextLine(text, cursor);
        }
        List<String> titleLines = new ArrayList<>(MAX_TITLE_LINES);
        for (; line != null && !line.isEmpty(); line = nextLine(text, cursor)) {
            if (titleLines.size() == MAX_TITLE_LINES || !isPlainTitleLine(line)) {
                return Optional.empty();
            }
            titleLines.add(line.strip());
        }
        while (line != null && line.isEmpty()) {
            line = nextLine(text, cursor);
        }
        boolean headingFollows = line != null && Character.isLetter(line.charAt(0));
        if (titleLines.isEmpty() || !headingFollows || endsWithSmallWord(titleLines)) {
            return Optional.empty();
        }
        Optional<String> title = joined(titleLines);
        boolean mixedCase = title.isPresent() && title.get().chars().anyMatch(c -> c >= 'a' && c <= 'z');
        return mixedCase ? title : Optional.empty();
    }

    /**
     * The next line from {@code cursor}, moving it on; empty for a line of spaces only; null at the end of the text
     * and for a line with a character other than printable ASCII, which the plain layout never has.
     */
    private static String nextLine(String text, int[] cursor) {
        int start = cursor[0];
        if (start >= text.length()) {
            return null;
        }
        int end = start;
        boolean blank = true;
        for (; end < text.length() && text.charAt(end) != '\n'; end++) {
            char c = text.charAt(end);
            if (c < ' ' || c > '~') {
                return null;
            }
            blank &= c == ' ';
        }
        cursor[0] = end + 1;
        return blank ? "" : text.substring(start, end);
    }

    /** Labels a plain header's one-column lines start with. */
    private static final List<String> PLAIN_HEADER_LABELS = List.of("Request for Comments:", "Category:", "ISSN:",
            "Obsoletes:", "Updates:", "BCP:", "STD:", "FYI:");

    /**
     * A header line: at the margin, two columns with the right one ending within {@value #PLAIN_RIGHT_MARGIN} columns
     * of the page's edge, or one column starting with a label; or the right column alone, going on from the lines
     * above ("Cisco Systems", the date). Never centred, where the general rules would take it for a title.
     */
    private static boolean isPlainHeaderLine(String line, List<String> columns) {
        if (leftMargin(line) > 0) {
            return columns.size() == 1 && rightMargin(line) <= PLAIN_RIGHT_MARGIN && !isCentred(line)
                    && Character.isLetter(columns.get(0).charAt(0));
        }
        if (!Character.isLetter(line.charAt(0))) {
            return false;
        }
        if (columns.size() == 2) {
            return rightMargin(line) <= PLAIN_RIGHT_MARGIN;
        }
        return columns.size() == 1 && PLAIN_HEADER_LABELS.stream().anyMatch(line::startsWith);
    }

    /** How far from the page's edge a plain header's right column may end: the general rules' header lines. */
    private static final int PLAIN_RIGHT_MARGIN = 8;

    /** "Request for Comments: 8636", nothing more. */
    private static boolean isPlainRfcNumberLine(String column) {
        String prefix = "Request for Comments:";
        if (!column.startsWith(prefix)) {
            return false;
        }
        String number = column.substring(prefix.length()).strip();
        return !number.isEmpty() && number.length() <= 5 && number.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    /**
     * A title line of the plain layout: centred, clear of the margin, one column, with nothing in it that a general
     * rule reads as something else: no full stop before a space or at the end (a sentence, a byline's initial), no
     * footnote mark ("(1)") at the end, no decoration, and not the start of a label, a date or a number line.
     */
    private static boolean isPlainTitleLine(String line) {
        String content = line.strip();
        if (!isCentred(line) || leftMargin(line) <= 2 || columns(content, COLUMN_GAP_WIDE).size() > 1
                || content.startsWith("-") || content.startsWith("*") || Character.isDigit(content.charAt(0))
                || endsWithFootnoteMark(content)) {
            return false;
        }
        boolean letterOrDigit = false;
        for (int i = 0; i < content.length(); i++) {
            char c = content.charAt(i);
            boolean stop = c == '.' && (i + 1 == content.length() || content.charAt(i + 1) == ' ');
            if (stop || c == '_' || c == '=' || c == '~') {
                return false;
            }
            letterOrDigit |= Character.isLetterOrDigit(c);
        }
        if (!letterOrDigit) {
            return false; // decoration (".*", "* * *"), which the general rules drop
        }
        // What a label, a date or a number line starts with: "Title:", "July 2019", "RFC 8636", "NIC 5806",
        // "ISSN ...", "NWG/RFC", "Requests for Comments".
        return PLAIN_TITLE_NEVER_STARTS.stream().noneMatch(start -> content.regionMatches(true, 0, start, 0, start.length()));
    }

    /** "MESSAGES(1)": what {@link #FOOTNOTE_MARK} takes off a title. */
    private static boolean endsWithFootnoteMark(String content) {
        int n = content.length();
        return n >= 4 && content.charAt(n - 1) == ')' && Character.isDigit(content.charAt(n - 2))
                && content.charAt(n - 3) == '(';
    }

    private static final List<String> PLAIN_TITLE_NEVER_STARTS = List.of("Title", "RFC", "NIC", "ISSN", "NWG", "Req", "Reg",
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

    /** The title by the general rules, which read covers of every era. */
    static Optional<String> titleByEveryRule(String text) {
        List<List<String>> pages = pagesOf(text);
        int coverIndex = 0;
        while (coverIndex < pages.size() && blocksOf(pages.get(coverIndex)).isEmpty()) {
            coverIndex++;
        }
        // A page footer alone before the first form feed ("M. Rose & D. Cass  [Page 1]") is not the cover page.
        if (coverIndex + 1 < pages.size() && isFooterOnly(blocksOf(pages.get(coverIndex)))) {
            coverIndex++;
        }
        if (coverIndex == pages.size()) {
            return Optional.empty();
        }
        List<List<String>> allBlocks = blocksOf(pages.get(coverIndex));
        List<List<String>> laterPages = pages.subList(coverIndex + 1, pages.size());
        // Typewritten covers may put a date, a page footer or "Network Working Group" in blocks of their own first.
        int headerIndex = 0;
        while (headerIndex < Math.min(allBlocks.size(), MAX_BLOCKS_BEFORE_HEADER + 1) && !isHeaderBlock(allBlocks.get(headerIndex))) {
            headerIndex++;
        }
        if (headerIndex == allBlocks.size() || headerIndex > MAX_BLOCKS_BEFORE_HEADER) {
            return Optional.empty();
        }
        List<List<String>> blocks = allBlocks.subList(headerIndex, allBlocks.size());
        // Some early covers name the title in the header itself, and the metadata takes it from there.
        Optional<String> inHeader = titleInHeaderLine(blocks.get(0)).or(() -> titleAboveCornerDate(blocks.get(0)));
        if (inHeader.isPresent()) {
            return inHeader.map(found -> recased(found, laterPages, text));
        }
        List<List<String>> candidates = new ArrayList<>();
        // A title set directly under the header, without a blank line, is the header block's centred tail.
        List<String> header = blocks.get(0);
        int tail = header.size();
        while (tail > 0 && isCentred(header.get(tail - 1)) && !isHeaderLine(header.get(tail - 1))) {
            tail--;
        }
        if (tail > 0 && tail < header.size()) {
            candidates.add(header.subList(tail, header.size()));
        }
        candidates.addAll(blocks.subList(1, blocks.size()));
        for (int i = 0; i < candidates.size(); i++) {
            List<String> block = candidates.get(i);
            if (isRightColumn(block) || isHeaderLine(block.get(0))) {
                continue;
            }
            Optional<String> labelled = labelledTitle(block);
            if (labelled.isPresent()) {
                return labelled.map(found -> recased(found, laterPages, text));
            }
            List<String> titleLines = titleLinesOf(block);
            if (titleLines.isEmpty()) {
                break;
            }
            if (titleLines.size() > MAX_TITLE_LINES) {
                return Optional.empty();
            }
            List<String> allLines = new ArrayList<>(titleLines);
            // Generic headings and subtitles in their own centred block continue the title ("-- Protocol Specification --").
            if (i + 1 < candidates.size()
                    && (isGenericTitle(titleLines) || endsWithSmallWord(titleLines) || continuesTitle(candidates.get(i + 1)))) {
                List<String> next = continuesTitle(candidates.get(i + 1)) ? candidates.get(i + 1) : titleLinesOf(candidates.get(i + 1));
                if (!next.isEmpty() && next.size() == candidates.get(i + 1).size()) {
                    next.forEach(line -> allLines.add(SUBTITLE_ASTERISKS.matcher(line.strip()).replaceAll("")));
                }
            }
            Optional<String> title = joined(allLines.stream().map(String::strip).toList())
                    .map(found -> FOOTNOTE_MARK.matcher(found).replaceFirst(""));
            if (title.isEmpty()) {
                continue;
            }
            String read = recased(title.get(), laterPages, text);
            // An underlined title's next underlined heading names what the document is ("CALL FOR PAPERS").
            if (i + 1 < candidates.size() && isUnderlinedAfter(block, titleLines.size())
                    && isUnderlinedHeading(candidates.get(i + 1))) {
                String heading = singleLine(candidates.get(i + 1).get(0));
                return Optional.of(read + ": " + recased(heading, laterPages, text));
            }
            return Optional.of(read);
        }
        return Optional.empty();
    }

    /**
     * The title as the first column of a one-line header that otherwise holds only the date and the numbers:
     * "ARPA NETWORK MAILING LISTS   May 1971   RFC 155   NIC 6760". Author and group columns rule it out.
     */
    private static Optional<String> titleInHeaderLine(List<String> header) {
        for (String line : header) {
            List<String> columns = columns(line, COLUMN_GAP_WIDE);
            if (columns.size() < 3 || !isHeaderTitleColumn(columns.get(0))) {
                continue;
            }
            boolean datesAndNumbersOnly = true;
            boolean hasRfcNumber = false;
            for (int i = 1; i < columns.size(); i++) {
                boolean rfcNumber = RFC_NUMBER_COLUMN.matcher(columns.get(i)).matches();
                hasRfcNumber |= rfcNumber;
                datesAndNumbersOnly &= rfcNumber || DATE_LINE.matcher(columns.get(i)).matches()
                        || NUMBER_LABEL_LINE.matcher(columns.get(i)).find();
            }
            if (hasRfcNumber && datesAndNumbersOnly) {
                return joined(List.of(columns.get(0)));
            }
        }
        return Optional.empty();
    }

    /**
     * A heading column has several words and no digits, and is neither the name of a group ("Network Working Group")
     * nor an author's ("J. NORTH").
     */
    private static boolean isHeaderTitleColumn(String column) {
        return column.contains(" ") && !hasDigit(column) && !GROUP_NAME.matcher(column).find()
                && !INITIAL.matcher(column).find();
    }

    /**
     * The title at the head of a page heading stacked in the top right corner, as the NIC's journal set it: the title,
     * the date in parentheses, then the RFC and NIC numbers ("File Transfer Protocol" / "(Aug. 12, 1973)" /
     * "RFC 542 NIC 17759"). Without the parenthesised date the lines above the number are authors.
     */
    private static Optional<String> titleAboveCornerDate(List<String> header) {
        int numberLine = 0;
        while (numberLine < header.size() && !hasRfcNumber(header.get(numberLine))) {
            numberLine++;
        }
        if (numberLine < 2 || numberLine == header.size()) {
            return Optional.empty();
        }
        String date = header.get(numberLine - 1).strip();
        boolean parenthesisedDate = date.startsWith("(") && date.endsWith(")")
                && DATE_LINE.matcher(date.substring(1, date.length() - 1).strip()).matches();
        List<String> above = header.subList(0, numberLine - 1);
        boolean inTheCorner = above.stream().allMatch(line -> leftMargin(line) >= PAGE_WIDTH / 3 && rightMargin(line) <= 2);
        if (!parenthesisedDate || !inTheCorner || above.size() > MAX_TITLE_LINES
                || above.stream().anyMatch(line -> GROUP_NAME.matcher(line).find())) {
            return Optional.empty();
        }
        return joined(above.stream().map(String::strip).toList());
    }

    /**
     * The leading lines of a block that can be a title: centred, or as wide as the page (a title too long to centre),
     * up to a date line; decorations are dropped. Empty if the block does not start like a title.
     */
    private static List<String> titleLinesOf(List<String> block) {
        List<String> lines = titleLinesIfNoSentence(strictTitleLinesOf(block));
        // A line that goes on in lower case continues a sentence: the lines before it began a paragraph.
        boolean sentenceGoesOn = lines.size() < block.size() && Character.isLowerCase(block.get(lines.size()).strip().charAt(0));
        if (!lines.isEmpty() && !sentenceGoesOn) {
            return lines;
        }
        // Typewritten titles are set on lines of their own, indented by eye rather than centred, and may have the
        // authors or the date directly under them; an indented line followed by more text is a paragraph's first.
        int indented = 0;
        while (indented < block.size() && isIndentedTitleLine(block.get(indented))
                && !(indented > 0 && BYLINE.matcher(block.get(indented)).find())) {
            indented++;
        }
        boolean endsTitle = indented == block.size() || isHeaderLine(block.get(indented))
                || BYLINE.matcher(block.get(indented)).find();
        if (indented > 0 && indented <= MAX_TITLE_LINES && endsTitle) {
            return titleLinesIfNoSentence(block.subList(0, indented));
        }
        if (block.size() == 1 && isCapitalsHeading(block.get(0))) {
            return block;
        }
        return List.of();
    }

    /** Justified body text can look centred or as wide as the page, but a title has no sentence ending inside it. */
    private static List<String> titleLinesIfNoSentence(List<String> lines) {
        return lines.stream().anyMatch(line -> SENTENCE_END.matcher(line).find()) ? List.of() : lines;
    }

    private static boolean isIndentedTitleLine(String line) {
        String content = line.strip();
        return leftMargin(line) >= MIN_TITLE_INDENT && rightMargin(line) >= MIN_TITLE_INDENT && !isHeaderLine(line)
                && !content.endsWith(".") && !content.endsWith(",") && !content.endsWith(":");
    }

    /** A title typed in capitals at the margin, on a line of its own: several words and not a sentence. */
    private static boolean isCapitalsHeading(String line) {
        String content = line.strip();
        return content.chars().noneMatch(Character::isLowerCase) && content.chars().filter(Character::isLetter).count() >= 8
                && content.contains(" ") && !content.endsWith(".") && !isHeaderLine(line)
                && !Character.isDigit(content.charAt(0));
    }

    private static boolean endsWithSmallWord(List<String> titleLines) {
        String last = titleLines.get(titleLines.size() - 1).strip();
        String lastWord = last.substring(last.lastIndexOf(' ') + 1).toLowerCase(Locale.ROOT);
        return SMALL_WORDS.contains(lastWord);
    }

    private static List<String> strictTitleLinesOf(List<String> block) {
        List<String> lines = new ArrayList<>();
        for (String line : block) {
            if (DECORATION_LINE.matcher(line).matches()) {
                // An underline marks where the title ends; the centred lines under it are details.
                if (!lines.isEmpty() && UNDERLINE.matcher(line.strip()).matches()) {
                    break;
                }
                continue;
            }
            boolean titleLike = (isCentred(line) || isFullWidth(line)) && !isHeaderLine(line);
            if (!titleLike || (!lines.isEmpty() && BYLINE.matcher(line.strip()).find())) {
                break;
            }
            lines.add(line);
        }
        return lines;
    }

    /** A title wider than the page allows for centring starts at the margin and runs to the edge, ending unlike a sentence. */
    private static boolean isFullWidth(String line) {
        String content = line.strip();
        return leftMargin(line) <= 2 && content.length() >= FULL_WIDTH_MIN_CHARS
                && !content.endsWith(".") && !content.endsWith(",") && !content.endsWith(";");
    }

    private static boolean isUnderlinedAfter(List<String> block, int lines) {
        return lines < block.size() && UNDERLINE.matcher(block.get(lines).strip()).matches();
    }

    /** A heading of one centred line and its underline, in a block of its own. */
    private static boolean isUnderlinedHeading(List<String> block) {
        return block.size() == 2 && isCentred(block.get(0)) && !isHeaderLine(block.get(0)) && isUnderlinedAfter(block, 1);
    }

    private static boolean isGenericTitle(List<String> titleLines) {
        return titleLines.size() == 1 && GENERIC_TITLE.matcher(titleLines.get(0).strip()).matches();
    }

    private static boolean continuesTitle(List<String> block) {
        return block.size() == 1 && SUBTITLE_LINE.matcher(block.get(0).strip()).matches();
    }

    /** The RFC number line may be the left or the right column of a header line, or the whole line. */
    private static boolean hasRfcNumber(String line) {
        return hasDigit(line)
                && (HEADER_NUMBER_LINE.matcher(line.strip()).find() || anyColumnFinds(line, HEADER_NUMBER_LINE));
    }

    private static boolean hasNicNumber(String line) {
        return hasDigit(line) && anyColumnFinds(line, NUMBER_LABEL_LINE);
    }

    /** Whether a column of {@code line} holds what {@code pattern} finds; each such pattern needs a digit. */
    private static boolean anyColumnFinds(String line, Pattern pattern) {
        if (!hasDigit(line)) {
            return false;
        }
        for (String column : columns(line, COLUMN_GAP_WIDE)) {
            if (pattern.matcher(column).find()) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDigit(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    /**
     * The columns of {@code line}, stripped: the text between runs of at least {@code minGap} whitespace characters
     * (as a regular expression's {@code \\s} counts them). A plain loop: every line of every cover is split so, and a
     * regular expression's split costs most of a cold start's title reading.
     */
    static List<String> columns(String line, int minGap) {
        String text = line.strip();
        List<String> columns = new ArrayList<>(4);
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            if (!isRegexSpace(text.charAt(i))) {
                i++;
                continue;
            }
            int gapEnd = i;
            while (gapEnd < text.length() && isRegexSpace(text.charAt(gapEnd))) {
                gapEnd++;
            }
            if (gapEnd - i >= minGap) {
                columns.add(text.substring(start, i));
                start = gapEnd;
            }
            i = gapEnd;
        }
        if (start < text.length() || columns.isEmpty()) {
            columns.add(text.substring(start));
        }
        return columns;
    }

    private static boolean isRegexSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
    }

    /** Header lines: the RFC number line, labelled metadata at the margin, and two-column author/date lines. */
    private static boolean isHeaderLine(String line) {
        String content = line.strip();
        if (DATE_LINE.matcher(content).matches() || hasNicNumber(line) || anyColumnFinds(line, RFC_NUMBER_COLUMN)) {
            return true;
        }
        if (leftMargin(line) <= 2 && HEADER_LABEL.matcher(content).find()) {
            return true;
        }
        return columns(content, COLUMN_GAP_WIDE).size() > 1 && rightMargin(line) <= 8;
    }

    private static boolean isFooterOnly(List<List<String>> blocks) {
        return blocks.size() == 1 && blocks.get(0).size() == 1 && PAGE_FOOTER.matcher(blocks.get(0).get(0)).find();
    }

    private static int lengthUpToLastLineBreak(byte[] head, int length) {
        for (int i = length - 1; i >= 0; i--) {
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
        return block.stream().anyMatch(line -> hasRfcNumber(line) || hasNicNumber(line));
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

    private static Optional<String> labelledTitle(List<String> block) {
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
        return Optional.empty();
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
        return fromRunningHeader(title, laterPages).orElseGet(() -> titleCase(title, acronymsIn(headText, title)));
    }

    /** Running headers are the author's own mixed-case wording, so they restore case where the cover page has none. */
    private static Optional<String> fromRunningHeader(String title, List<List<String>> laterPages) {
        Matcher parenthetical = TRAILING_PARENTHETICAL.matcher(title);
        String withoutParenthetical = parenthetical.matches() ? parenthetical.group(1) : title;
        for (List<String> page : laterPages) {
            List<String> headerLines = page.stream().filter(line -> !line.isBlank()).limit(2).toList();
            for (String line : headerLines) {
                for (String column : columns(line, COLUMN_GAP)) {
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
     * words that are merely emphasised in capitals also occur in lower case elsewhere. Only the title's own words
     * are looked up, in one pass without regular expressions, as this runs over the whole head of every file
     * whose title is in capitals, and typewritten RFCs mostly are.
     */
    private static Set<String> acronymsIn(String headText, String title) {
        Set<String> titleWords = new HashSet<>();
        int longestTitleWord = 0;
        Matcher titleWord = WORD.matcher(title);
        while (titleWord.find()) {
            titleWords.add(titleWord.group().toUpperCase(Locale.ROOT));
            longestTitleWord = Math.max(longestTitleWord, titleWord.group().length());
        }
        Map<String, Boolean> seenOnlyInCapitals = new HashMap<>();
        int lineStart = 0;
        while (lineStart < headText.length()) {
            int lineEnd = lineStart;
            boolean sentenceLine = false;
            while (lineEnd < headText.length() && !isLineBreak(headText.charAt(lineEnd))) {
                // A sentence has words in lower case; a header line's "May 1971" beside a title in capitals does not.
                sentenceLine |= Character.isLowerCase(headText.charAt(lineEnd))
                        && (lineEnd == lineStart || !Character.isLetter(headText.charAt(lineEnd - 1)));
                lineEnd++;
            }
            int wordStart = lineStart;
            while (wordStart < lineEnd) {
                if (!isAsciiWordChar(headText.charAt(wordStart))) {
                    wordStart++;
                    continue;
                }
                int wordEnd = wordStart;
                boolean capitalsOnly = true;
                while (wordEnd < lineEnd && isAsciiWordChar(headText.charAt(wordEnd))) {
                    capitalsOnly &= !Character.isLowerCase(headText.charAt(wordEnd));
                    wordEnd++;
                }
                String key = wordEnd - wordStart <= longestTitleWord
                        ? headText.substring(wordStart, wordEnd).toUpperCase(Locale.ROOT) : "";
                if (titleWords.contains(key)) {
                    if (!capitalsOnly) {
                        seenOnlyInCapitals.put(key, false);
                    } else if (sentenceLine && key.length() >= 2) {
                        seenOnlyInCapitals.putIfAbsent(key, true);
                    }
                }
                wordStart = wordEnd;
            }
            lineStart = lineEnd + 1;
        }
        Set<String> acronyms = new HashSet<>();
        seenOnlyInCapitals.forEach((word, onlyCapitals) -> {
            if (onlyCapitals) {
                acronyms.add(word);
            }
        });
        return acronyms;
    }

    private static boolean isLineBreak(char c) {
        return c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isAsciiWordChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
        if (isAcronym(word.replaceAll("[^A-Za-z0-9]", ""), acronyms) || hasDigit(word)) {
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
        return letters.length() >= 2 && (acronyms.contains(letters) || letters.chars().noneMatch(c -> VOWELS.indexOf(c) >= 0));
    }
}
