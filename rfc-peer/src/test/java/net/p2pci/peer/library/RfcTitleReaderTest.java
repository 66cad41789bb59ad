package net.p2pci.peer.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Checks that RFC titles are read from real RFC files as the RFC index names them, and from crafted heads. */
final class RfcTitleReaderTest {

    private static final String HEADER = """
            Network Working Group                                          A. Author
            Request for Comments: 9999                                  Example Inc.
            Category: Informational                                       April 2024
            """;

    private static final String BODY = """

            Status of this Memo

               This memo provides information for the Internet community.
            """;

    /**
     * Index rows whose title is not the document's own wording, so an exact comparison is impossible without
     * special-casing the reader; each is compared with the smallest relaxation that explains the difference.
     */
    private static final Map<String, IndexDeviation> INDEX_DEVIATIONS = Map.of(
            // "DOMAIN NAMES - CONCEPTS AND FACILITIES"; running header "Domain Concepts and Facilities" is other wording.
            "rfc1034.txt", IndexDeviation.CASE_ONLY,
            // "DOMAIN NAMES - IMPLEMENTATION AND SPECIFICATION"; running header is "Domain Implementation and Specification".
            "rfc1035.txt", IndexDeviation.CASE_ONLY,
            // "A Standard for the Transmission of IP Datagrams on Avian Carriers", in mixed case on the cover page.
            "rfc1149.txt", IndexDeviation.LEADING_ARTICLE_AND_CASE);

    private enum IndexDeviation {
        /** The cover title is in capitals only; the index writes it in sentence case, which no rule can recover. */
        CASE_ONLY,
        /** The index drops the document's leading "A " and writes the rest in sentence case. */
        LEADING_ARTICLE_AND_CASE
    }

    private record IndexRow(String file, int rfc, String title) {

        @Override
        public String toString() {
            return file;
        }
    }

    @TempDir
    Path tempDir;

    // ---- Every sample file against SOURCES.md ------------------------------------------------------------

    static Stream<IndexRow> indexRows() {
        return readIndex().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexRows")
    void readsTheIndexTitleFromEverySampleFile(IndexRow row) throws IOException {
        Optional<String> read = RfcTitleReader.readTitle(sampleDirectory().resolve(row.file()));

        assertThat(read).as("title of %s", row.file()).isPresent();
        String title = read.get();
        IndexDeviation deviation = INDEX_DEVIATIONS.get(row.file());
        if (deviation == null) {
            assertThat(title).isEqualTo(row.title());
            return;
        }
        // Keeps the list of deviations minimal: an entry that now matches exactly must be removed.
        assertThat(title).as("%s is listed as deviating but matches exactly", row.file()).isNotEqualTo(row.title());
        switch (deviation) {
            case CASE_ONLY -> assertThat(title).isEqualToIgnoringCase(row.title());
            case LEADING_ARTICLE_AND_CASE -> assertThat(title).isEqualToIgnoringCase("A " + row.title());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("indexRows")
    void indexRowNamesTheRfcOfItsFile(IndexRow row) {
        assertThat(RfcFileName.parse(row.file())).hasValue(row.rfc());
    }

    @Test
    void indexCoversEverySampleFileAndEveryDeviationIsAnIndexRow() throws IOException {
        Set<String> indexed = readIndex().stream().map(IndexRow::file).collect(Collectors.toSet());
        Set<String> sampleFiles;
        try (Stream<Path> files = Files.list(sampleDirectory())) {
            sampleFiles = files.map(file -> file.getFileName().toString())
                    .filter(name -> name.endsWith(".txt"))
                    .collect(Collectors.toSet());
        }

        assertThat(sampleFiles).isNotEmpty();
        assertThat(indexed).isEqualTo(sampleFiles);
        assertThat(indexed).containsAll(INDEX_DEVIATIONS.keySet());
    }

    // ---- Title layouts ---------------------------------------------------------------------------------

    @Test
    void readsCentredTitle() {
        String head = HEADER + "\n\n" + centred("The Example Protocol") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The Example Protocol");
    }

    /**
     * Today's plain cover is read by the shortcut, and each thing the general rules read otherwise sends the cover to
     * them: the title is the same either way (RfcTitleCorpusTest compares the two over the whole corpus).
     */
    @Test
    void plainCoversTakeTheShortcutAndOthersTheGeneralRules() {
        String plain = HEADER + " ".repeat(60) + "Example Inc.\n\n"
                + centred("The Example Protocol Version 2") + "\n" + BODY;
        assertThat(RfcTitleReader.plainModernCoverTitle(plain)).hasValue("The Example Protocol Version 2");

        for (String title : List.of("THE EXAMPLE PROTOCOL", "An Example of", "Request for Comments Summary",
                "Example Messages(1)", "Notes by J. Postel", "July 2019", "-- Example --")) {
            String head = HEADER + "\n\n" + centred(title) + "\n" + BODY;
            assertThat(RfcTitleReader.plainModernCoverTitle(head)).as(title).isEmpty();
        }
        String decorated = HEADER + "\n\n" + centred("Example Protocol") + "\n" + centred(".*") + "\n" + BODY;
        assertThat(RfcTitleReader.plainModernCoverTitle(decorated)).isEmpty();
        assertThat(RfcTitleReader.titleFromHead(decorated)).hasValue("Example Protocol");
        assertThat(RfcTitleReader.plainModernCoverTitle(plain.replace("Example Inc.", "Example\tInc."))).isEmpty();
        assertThat(RfcTitleReader.plainModernCoverTitle(plain.replace("\n", "\r\n"))).isEmpty();
        assertThat(RfcTitleReader.titleFromHead(plain.replace("\n", "\r\n"))).hasValue("The Example Protocol Version 2");
    }

    @Test
    void joinsTitleWrappedOverTwoLines() {
        assertThat(titleOfCentredLines("The Hyper Text Coffee Pot Control Protocol", "for Tea Efflux Appliances (HTCPCP-TEA)"))
                .hasValue("The Hyper Text Coffee Pot Control Protocol for Tea Efflux Appliances (HTCPCP-TEA)");
    }

    @Test
    void joinsTitleWrappedOverThreeLines() {
        String head = HEADER + "\n\n" + centred("Guidelines for Writing an IANA Considerations") + "\n"
                + centred("Section in RFCs When the Title Is") + "\n"
                + centred("Long Enough to Need Three Lines") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue(
                "Guidelines for Writing an IANA Considerations Section in RFCs When the Title Is Long Enough to Need Three Lines");
    }

    @Test
    void joinsCompoundBrokenAfterItsHyphen() {
        assertThat(titleOfCentredLines("Common Format for Comma-", "Separated Values")).hasValue("Common Format for Comma-Separated Values");
    }

    @Test
    void centredBlockOfMoreLinesThanATitleHasIsNotATitle() {
        String head = HEADER + "\n" + centred("One") + "\n" + centred("Two") + "\n" + centred("Three") + "\n"
                + centred("Four") + "\n" + centred("Five") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).isEmpty();
    }

    @Test
    void readsOldStyleHeaderAndIgnoresUnderline() {
        String head = """


                RFC 768                                                        J. Postel
                                                                                     ISI
                                                                          28 August 1980



                                         User Datagram Protocol
                                         ----------------------

                Introduction
                ------------
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("User Datagram Protocol");
    }

    @Test
    void readsLabelledTitleOfEarlyRfcs() {
        String head = """
                Network Working Group                                   Steve Crocker
                Request for Comments: 1                                          UCLA
                                                                         7 April 1969


                                         Title:   Host Software
                                        Author:   Steve Crocker
                                          Date:   7 April 1969

                CONTENTS
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Host Software");
    }

    @Test
    void skipsRightColumnThatContinuesAfterABlankLine() {
        String head = HEADER + "\n" + " ".repeat(63) + "B. Author\n" + " ".repeat(61) + "Example Org\n\n"
                + centred("The Example Protocol") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The Example Protocol");
    }

    // ---- Layouts of every era, as the title corpus found them ------------------------------------------

    @Test
    void readsFirstLineAsWideAsThePageWithCentredContinuation() {
        String head = HEADER + "\n" + "Private Session Initiation Protocol (SIP) Proxy-to-Proxy Extensions for\n"
                + centred("Supporting the PacketCable Distributed Call Signaling Architecture") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue(
                "Private Session Initiation Protocol (SIP) Proxy-to-Proxy Extensions for"
                        + " Supporting the PacketCable Distributed Call Signaling Architecture");
    }

    @Test
    void readsTitleAsWideAsThePageOnItsOwn() {
        String head = HEADER + "\n" + "Multimedia Congestion Control: Circuit Breakers for Unicast RTP Sessions\n"
                + "\nAbstract\n";

        assertThat(RfcTitleReader.titleFromHead(head))
                .hasValue("Multimedia Congestion Control: Circuit Breakers for Unicast RTP Sessions");
    }

    @Test
    void justifiedParagraphUnderTheHeaderIsNotATitle() {
        String head = HEADER + "\n"
                + "   The purpose of this RFC is to report on the recent status of most\n"
                + "   Network Hosts.  During September 27 through September 29 the BBN\n"
                + "   prototype Terminal IMP was inaccessible due to hardware debugging.\n";

        assertThat(RfcTitleReader.titleFromHead(head)).isEmpty();
    }

    @Test
    void readsTitleSetDirectlyUnderTheHeader() {
        String head = HEADER + centred("The US Domain") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The US Domain");
    }

    @Test
    void readsTitleAttachedToTheFollowingHeading() {
        String head = HEADER + "\n" + centred("Concise MIB Definitions") + "\nStatus of this Memo\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Concise MIB Definitions");
    }

    @Test
    void readsTitleOfFourLines() {
        assertThat(titleOfCentredLines("The Point-to-Point Protocol (PPP)", "for the", "Transmission of Multi-protocol Datagrams",
                "over Point-to-Point Links")).hasValue(
                "The Point-to-Point Protocol (PPP) for the Transmission of Multi-protocol Datagrams over Point-to-Point Links");
    }

    @Test
    void titleNamingAnotherRfcIsNotAHeaderLine() {
        assertThat(titleOfCentredLines("Applicability Statement for Reclassification of", "RFC 1643 to Historic Status"))
                .hasValue("Applicability Statement for Reclassification of RFC 1643 to Historic Status");
    }

    @Test
    void recognisesTheHeaderNumberLineInItsVariants() {
        for (String numberLine : List.of("Requests for Comments 1277", "Request for Comments: #489", "Request for Comments # 107",
                "Request for Comments: RFC 1006", "NWG/RFC# 748", "RFC #   733")) {
            String head = "Network Working Group" + " ".repeat(40) + "A. Author\n" + numberLine + "\n\n"
                    + centred("The Example Protocol") + "\n" + BODY;

            assertThat(RfcTitleReader.titleFromHead(head)).as(numberLine).hasValue("The Example Protocol");
        }
    }

    @Test
    void readsHeaderWhoseNumberIsInTheRightColumn() {
        String head = """
                Richard Kalin                                Network Working Group
                MIT Lincoln Laboratory                       Request for Comments #150
                5 May 1971                                   NIC 6754

                                      The Example Protocol

                This material has not been reviewed for public release.
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The Example Protocol");
    }

    @Test
    void readsTitleGivenAsTheFirstColumnOfTheHeaderLine() {
        String head = "ARPA NETWORK MAILING LISTS      May 1971        RFC 155         NIC 6760\n\n"
                + centred("LIST TO RECEIVE RFC'S") + "\n\nNote:  This list includes all Liaisons of the ARPA network.\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("ARPA Network Mailing Lists");
    }

    @Test
    void groupOrAuthorInTheHeaderLineIsNotATitle() {
        String group = "Network Working Group     May 1971     RFC 155     NIC 6760\n\n" + centred("The Example Protocol") + "\n";
        String author = "Jeanne B. North     May 1971     RFC 155     Stanford Research Institute\n\n"
                + centred("The Example Protocol") + "\n";

        String authorInCapitals = "JEANNE B. NORTH     May 1971     RFC 155     NIC 6760\n\n" + centred("The Example Protocol") + "\n";

        assertThat(RfcTitleReader.titleFromHead(group)).hasValue("The Example Protocol");
        assertThat(RfcTitleReader.titleFromHead(author)).hasValue("The Example Protocol");
        assertThat(RfcTitleReader.titleFromHead(authorInCapitals)).hasValue("The Example Protocol");
    }

    @Test
    void readsTitleAtTheHeadOfAPageHeadingInTheCorner() {
        String head = " ".repeat(50) + "File Transfer Protocol\n" + " ".repeat(57) + "(Aug. 12, 1973)\n"
                + " ".repeat(55) + "RFC 542 NIC 17759\n\n\nNancy J. Neigus                            See Also:  RFCs 354, 454\n"
                + "Bolt Beranek and Newman, Inc.\n\n" + centred("File Transfer Protocol for the ARPA Network") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("File Transfer Protocol");
    }

    @Test
    void authorsInTheCornerWithoutAParenthesisedDateAreNotATitle() {
        String head = " ".repeat(57) + "Marshall Abrams\n" + " ".repeat(69) + "NBS\n" + " ".repeat(64) + "7 May 80\n"
                + "Network Working Group\nRequest for Comments:  763\n\n" + centred("Role Mailboxes") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Role Mailboxes");
    }

    @Test
    void findsHeaderAfterBlocksThatPrecedeItOnTypewrittenCovers() {
        String head = " ".repeat(62) + "March 1979\n\nIEN: 85\nRFC: 753\n\n" + centred("INTERNET MESSAGE PROTOCOL") + "\n\n"
                + centred("Jonathan B. Postel") + "\n";
        String centredHeader = centred("Network Working Group") + "\n\n" + centred("Request for Comment 147") + "\n\n"
                + centred("NIC 6750") + "\n\n" + centred("The Definition of a Socket") + "\n\n" + centred("Joel M. Winett") + "\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Internet Message Protocol");
        assertThat(RfcTitleReader.titleFromHead(centredHeader)).hasValue("The Definition of a Socket");
    }

    @Test
    void skipsPageFooterAloneBeforeTheCoverPage() {
        String head = "M. Rose & D. Cass" + " ".repeat(47) + "[Page 1]\n\f\n" + HEADER + "\n"
                + centred("ISO Transport Service on top of the TCP") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("ISO Transport Service on top of the TCP");
    }

    @Test
    void skipsLabelledMetadataUnderTheHeader() {
        String head = """
                Network Working Group                           Alex McKenzie
                Request for Comments #224                       BBN
                NIC #7623                                       14 September 1971

                Categories:  D.7
                Obsoletes RFCs:  776, 770, 762,
                755, 750

                                  Comments on Mailbox Protocol

                     It should be noted that the Terminal IMP will be unable to
                directly implement the currently-proposed mailbox protocol.
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Comments on Mailbox Protocol");
    }

    @Test
    void readsTypewrittenTitleIndentedByEye() {
        String head = """
                Network Working Group                                Michael Beeler (BBN-TENEX)
                Request for Comments: 685                                        April 16, 1975
                NIC #32298

                            Response Time in Cross-network Debugging

                Cross-network debugging is a means whereby a programmer at one
                computer on a network can debug a program which executes on another.
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Response Time in Cross-network Debugging");
    }

    @Test
    void indentedFirstLineOfAParagraphIsNotATitle() {
        String head = HEADER + "\n     It should be noted that the Terminal IMP will be unable to\n"
                + "directly implement the currently-proposed mailbox protocol for\n";

        assertThat(RfcTitleReader.titleFromHead(head)).isEmpty();
    }

    @Test
    void readsTitleTypedInCapitalsAtTheMargin() {
        String head = """
                NIC 11122                                          Lawrence McDaniel
                NWG/RFC 382                                        Center for Advanced
                                                                   August 3, 1972

                MATHEMATICAL SOFTWARE ON THE ARPA NETWORK

                There have been several efforts in the past few years to develop high
                quality libraries of mathematical subroutines on the ARPA network.
                """;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Mathematical Software on the ARPA Network");
    }

    @Test
    void titleStopsAtTheBylineAndTheDate() {
        String head = "RFC 803\n\n          Dacom 450/500 Facsimile Data Transcoding\n"
                + "         A. Agarwal, M. J. O'Connor and D. L. Mills\n" + centred("2 November 1981") + "\n\n1.  Introduction\n";
        String centredDate = HEADER + "\n" + centred("Report of the Workshop on Environments") + "\n" + centred("July 30, 1987")
                + "\n" + centred("ACM SIGGRAPH Conference") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Dacom 450/500 Facsimile Data Transcoding");
        assertThat(RfcTitleReader.titleFromHead(centredDate)).hasValue("Report of the Workshop on Environments");
    }

    @Test
    void summaryTitleTakesTheNextCentredLine() {
        String head = HEADER + "\n" + centred("Request for Comments Summary") + "\n\n" + centred("RFC Numbers 2600-2699") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Request for Comments Summary RFC Numbers 2600-2699");
    }

    @Test
    void subtitleSetApartByDashesOrAsterisksContinuesTheTitle() {
        String dashes = HEADER + "\n" + centred("Core Based Trees (CBT version 2) Multicast Routing") + "\n\n"
                + centred("-- Protocol Specification --") + "\n" + BODY;
        String asterisks = HEADER + "\n" + centred("The Use of IPC Facilities") + "\n\n***A Working Paper***\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(dashes))
                .hasValue("Core Based Trees (CBT version 2) Multicast Routing -- Protocol Specification --");
        assertThat(RfcTitleReader.titleFromHead(asterisks)).hasValue("The Use of IPC Facilities A Working Paper");
    }

    @Test
    void underlineEndsTheTitleAndTheCentredDetailsUnderItAreNotPartOfIt() {
        String head = HEADER + "\n     International Meeting on Mini-Computers and Data Communication\n"
                + "     --------------------------------------------------------------\n"
                + "           To be held in Liege (Palais des Congres), Belgium\n" + centred("January 20-22 1975") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("International Meeting on Mini-Computers and Data Communication");
    }

    @Test
    void underlinedHeadingUnderAnUnderlinedTitleNamesWhatTheDocumentIs() {
        String head = HEADER + "\n\n     International Meeting on Mini-Computers and Data Communication\n"
                + "     --------------------------------------------------------------\n"
                + "           To be held in Liege (Palais des Congres), Belgium\n" + centred("January 20-22 1975") + "\n\n"
                + centred("CALL FOR PAPERS") + "\n" + centred("---------------") + "\n\n"
                + "    Authors are requested to submit papers.\n";
        String notUnderlined = HEADER + "\n\n" + centred("The Example Protocol") + "\n\n" + centred("CALL FOR PAPERS") + "\n"
                + centred("---------------") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head))
                .hasValue("International Meeting on Mini-Computers and Data Communication: Call for Papers");
        assertThat(RfcTitleReader.titleFromHead(notUnderlined)).hasValue("The Example Protocol");
    }

    @Test
    void centredLineAfterTheTitleIsNotPartOfIt() {
        String head = "RFC 850" + " ".repeat(33) + "June 1983\n\n" + centred("Standard for Interchange of USENET Messages")
                + "\n\n" + centred("Mark R. Horton") + "\n\n[ This memo is distributed as an RFC. ]\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Standard for Interchange of USENET Messages");
    }

    @Test
    void doubleSpacedTitleEndingInASmallWordContinuesAndDropsItsFootnoteMark() {
        String head = "RFC #   733\nNIC # 41952\n\n" + centred("STANDARD FOR THE FORMAT OF") + "\n\n"
                + centred("ARPA NETWORK TEXT MESSAGES(1)") + "\n\n" + centred("21 November 1977") + "\n\n"
                + "   This standard specifies a syntax for text messages passed on the ARPA network.\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Standard for the Format of ARPA Network Text Messages");
    }

    // ---- All-capital titles ------------------------------------------------------------------------------

    @Test
    void takesCaseOfAllCapitalTitleFromRunningHeader() {
        String head = "RFC:  791\n\n" + centred("INTERNET PROTOCOL") + "\n\n" + centred("DARPA INTERNET PROGRAM") + "\n"
                + "\f\n\f\n\nSeptember 1981\n" + " ".repeat(55) + "Internet Protocol\n\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Internet Protocol");
    }

    @Test
    void runningHeaderMayOmitTheParenthesisedAbbreviation() {
        String head = HEADER + "\n" + centred("FILE TRANSFER PROTOCOL (FTP)") + "\n" + BODY
                + "\f\nRFC 9999" + " ".repeat(52) + "April 2024\nFile Transfer Protocol\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("File Transfer Protocol");
    }

    @Test
    void titleCasesAllCapitalTitleWithoutRunningHeader() {
        String head = HEADER + "\n" + centred("DOMAIN NAMES - CONCEPTS AND FACILITIES") + "\n\n"
                + "   The DOMAIN NAME SPACE is described here; a domain name is a name.\n"
                + "\f\nRFC 9999" + " ".repeat(10) + "Domain Concepts and Facilities" + " ".repeat(14) + "April 2024\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Domain Names - Concepts and Facilities");
    }

    @Test
    void keepsAcronymsOfAllCapitalTitleInCapitals() {
        String head = HEADER + "\n" + centred("THE TFTP PROTOCOL (REVISION 2) OVER IP") + "\n\n"
                + "   TFTP is a very simple protocol used to transfer files over IP.\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The TFTP Protocol (Revision 2) over IP");
    }

    @Test
    void leavesSingleAllCapitalWordAsItIs() {
        String head = HEADER + "\n" + centred("HTTP/1.1") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("HTTP/1.1");
    }

    @Test
    void keepsMixedCaseTitleExactlyAsWritten() {
        String head = HEADER + "\n" + centred("A Universally Unique IDentifier (UUID) URN Namespace") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("A Universally Unique IDentifier (UUID) URN Namespace");
    }

    // ---- Encoding, line ends, page breaks, control characters --------------------------------------------

    @Test
    void readsFileWithUtf8ByteOrderMark() throws IOException {
        Path file = write("rfc9999.txt", bytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                ("\n\n" + HEADER + "\n\n" + centred("HTTP Semantics") + "\n" + BODY).getBytes(StandardCharsets.UTF_8)));

        assertThat(RfcTitleReader.readTitle(file)).hasValue("HTTP Semantics");
    }

    @Test
    void byteOrderMarkDirectlyBeforeHeaderIsNotPartOfIt() {
        String head = "\uFEFFRFC: 9999\n\n" + centred("Example") + "\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("Example");
    }

    @Test
    void replacesMalformedUtf8InsteadOfFailing() throws IOException {
        // A lone 0xE9 is "e acute" in Latin-1 but malformed in UTF-8.
        byte[] title = (centred("CafX Protocol") + "\n").getBytes(StandardCharsets.US_ASCII);
        title[new String(title, StandardCharsets.US_ASCII).indexOf('X')] = (byte) 0xE9;
        Path file = write("rfc9999.txt", bytes(HEADER.getBytes(StandardCharsets.US_ASCII), "\n".getBytes(StandardCharsets.US_ASCII),
                title, BODY.getBytes(StandardCharsets.US_ASCII)));

        assertThat(RfcTitleReader.readTitle(file)).hasValue("Caf\uFFFD Protocol");
    }

    @Test
    void readsCrlfLineEnds() throws IOException {
        String lf = HEADER + "\n" + centred("The Hyper Text Coffee Pot Control Protocol") + "\n"
                + centred("for Tea Efflux Appliances") + "\n" + BODY;
        Path file = write("rfc9999.txt", lf.replace("\n", "\r\n").getBytes(StandardCharsets.US_ASCII));

        assertThat(RfcTitleReader.readTitle(file))
                .hasValue("The Hyper Text Coffee Pot Control Protocol for Tea Efflux Appliances");
    }

    @Test
    void readsTitleOfPaginatedFile() {
        String head = "\f\n" + HEADER + "\n" + centred("The Example Protocol") + "\f\n" + BODY
                + "\nAuthor" + " ".repeat(56) + "[Page 1]\n\f\nRFC 9999" + " ".repeat(10) + "Example" + " ".repeat(20)
                + "April 2024\n";

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The Example Protocol");
    }

    @Test
    void doesNotLookForTitleBeyondTheCoverPage() {
        String head = HEADER + "\f\n\n" + centred("Appendix Title") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).isEmpty();
    }

    @Test
    void replacesControlCharactersAndCollapsesWhitespace() {
        String head = HEADER + "\n" + centred("The\u0007Example \u00A0 Protocol\u200B") + "\n" + BODY;

        assertThat(RfcTitleReader.titleFromHead(head)).hasValue("The Example Protocol");
    }

    // ---- No title --------------------------------------------------------------------------------------

    @Test
    void textWithoutRfcHeaderHasNoTitle() {
        String head = "Shopping list\n\n" + centred("Milk and Bread") + "\n\nRemember the eggs.\n";

        assertThat(RfcTitleReader.titleFromHead(head)).isEmpty();
    }

    @Test
    void headerFollowedDirectlyByBodyHasNoTitle() {
        assertThat(RfcTitleReader.titleFromHead(HEADER + BODY)).isEmpty();
    }

    @Test
    void emptyOrBlankTextHasNoTitle() {
        assertThat(RfcTitleReader.titleFromHead("")).isEmpty();
        assertThat(RfcTitleReader.titleFromHead("\uFEFF\n \f\t\n")).isEmpty();
        assertThat(RfcTitleReader.titleFromHead(HEADER + "\n" + centred("\u0007 \u0001") + "\n" + BODY)).isEmpty();
    }

    @Test
    void rejectsNullText() {
        assertThatNullPointerException().isThrownBy(() -> RfcTitleReader.titleFromHead(null));
    }

    @Test
    void readsTitleJustInsideTheHeadLimit() throws IOException {
        String title = centred("Late Title") + "\n";
        int blankLines = RfcTitleReader.HEAD_BYTES - HEADER.length() - title.length();
        Path file = write("rfc9999.txt", (HEADER + "\n".repeat(blankLines) + title + BODY).getBytes(StandardCharsets.US_ASCII));

        assertThat(RfcTitleReader.readTitle(file)).hasValue("Late Title");
    }

    @Test
    void ignoresTitleBeyondTheHeadLimit() throws IOException {
        Path file = write("rfc9999.txt", (HEADER + "\n".repeat(RfcTitleReader.HEAD_BYTES) + centred("Late Title") + "\n" + BODY)
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(RfcTitleReader.readTitle(file)).isEmpty();
    }

    @Test
    void ignoresTitleLineCutByTheHeadLimit() throws IOException {
        String title = centred("Late Title") + "\n";
        // Puts the limit between "Late" and "Title", where a shorter, wrong title would otherwise appear.
        int blankLines = RfcTitleReader.HEAD_BYTES - HEADER.length() - title.indexOf("Title");
        Path file = write("rfc9999.txt", (HEADER + "\n".repeat(blankLines) + title + BODY).getBytes(StandardCharsets.US_ASCII));

        assertThat(RfcTitleReader.readTitle(file)).isEmpty();
    }

    @Test
    void fallbackTitleNamesTheRfc() {
        assertThat(RfcTitleReader.fallbackTitle(2616)).isEqualTo("RFC 2616");
        assertThat(RfcTitleReader.fallbackTitle(1)).isEqualTo("RFC 1");
    }

    // ---- Helpers -----------------------------------------------------------------------------------------

    /** Centres {@code text} in the 72 columns RFCs are set in, as the RFC Editor's tools do. */
    private static String centred(String text) {
        return " ".repeat(Math.max(0, (72 - text.length()) / 2)) + text;
    }

    /** The title read from a cover page whose title block is {@code lines}, each centred, under the header. */
    private static Optional<String> titleOfCentredLines(String... lines) {
        StringBuilder head = new StringBuilder(HEADER).append('\n');
        for (String line : lines) {
            head.append(centred(line)).append('\n');
        }
        return RfcTitleReader.titleFromHead(head + BODY);
    }

    private Path write(String name, byte[] content) throws IOException {
        return Files.write(tempDir.resolve(name), content);
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        Arrays.stream(parts).forEach(all::writeBytes);
        return all.toByteArray();
    }

    /** Surefire runs in the module directory, so the samples are found by walking up to the repository root. */
    private static Path sampleDirectory() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("sample-rfcs").resolve("SOURCES.md"))) {
                return dir.resolve("sample-rfcs");
            }
        }
        throw new IllegalStateException("No sample-rfcs/SOURCES.md above " + Path.of("").toAbsolutePath());
    }

    /** Reads the "Files" table of SOURCES.md, locating its columns by their header names. */
    private static List<IndexRow> readIndex() {
        List<String> lines;
        try {
            lines = Files.readAllLines(sampleDirectory().resolve("SOURCES.md"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<IndexRow> rows = new ArrayList<>();
        List<String> columns = null;
        for (String line : lines) {
            if (!line.startsWith("|")) {
                columns = null;
                continue;
            }
            List<String> cells = cells(line);
            if (columns == null) {
                columns = cells;
            } else if (columns.containsAll(List.of("File", "RFC", "Title")) && !cells.get(0).startsWith("---")) {
                rows.add(new IndexRow(cells.get(columns.indexOf("File")),
                        Integer.parseInt(cells.get(columns.indexOf("RFC"))),
                        cells.get(columns.indexOf("Title"))));
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("SOURCES.md has no table with File, RFC and Title columns");
        }
        return rows;
    }

    private static List<String> cells(String tableLine) {
        String inner = tableLine.strip();
        inner = inner.substring(1, inner.endsWith("|") ? inner.length() - 1 : inner.length());
        return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
    }

    /** Every string of up to 7 characters over {a, CR, LF, FF}: the same breaks as the regular expression had. */
    @Test
    void lineBreaksBecomeLineFeedsAsTheRegularExpressionHadThem() {
        java.util.regex.Pattern lineBreak = java.util.regex.Pattern.compile("\r*\n|\r");
        char[] alphabet = {'a', '\r', '\n', '\f'};
        List<String> texts = new ArrayList<>(List.of(""));
        int checked = 0;
        for (int length = 1; length <= 7; length++) {
            List<String> longer = new ArrayList<>();
            for (String text : texts) {
                for (char c : alphabet) {
                    longer.add(text + c);
                }
            }
            texts = longer;
            for (String text : texts) {
                assertThat(RfcTitleReader.withLineFeeds(text)).as(text.replace("\r", "CR").replace("\n", "LF"))
                        .isEqualTo(lineBreak.matcher(text).replaceAll("\n"));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(4 + 16 + 64 + 256 + 1024 + 4096 + 16384);
    }
}
