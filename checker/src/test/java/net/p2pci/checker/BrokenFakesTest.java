package net.p2pci.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of every role can fail: run against a fake that is right in everything but one fault, exactly that
 * case ends FAIL (or NON-STRICT, where the fault is a deviation liberal readers cope with). The same fakes without a
 * fault pass every case, so the verdict comes from the fault. A case added without a fake here fails the coverage
 * test.
 */
@Execution(ExecutionMode.CONCURRENT)
class BrokenFakesTest {
    /** Short, as the faults make cases wait for it; room enough for a busy machine to answer in time when right. */
    private static final Timing TIMING = Timing.of(Duration.ofSeconds(2));

    /** One case and the fault that must break it; {@code fault} is a fake's enum constant. */
    record Broken(String caseId, Enum<?> fault, Verdict expected) {
        @Override
        public String toString() {
            return caseId + " <- " + fault + " = " + expected.label();
        }
    }

    static List<Broken> table() {
        return List.of(
                fails("3.6-list-empty", FakeIndexServer.Fault.PRELOADED_RECORD),
                fails("3.5-add-echo", FakeIndexServer.Fault.ADD_WITHOUT_ECHO),
                fails("2.3-utf8-title", FakeIndexServer.Fault.LATIN1_ANSWERS),
                fails("3.6-lookup-hit", FakeIndexServer.Fault.LOOKUP_FIRST_HOLDER_ONLY),
                new Broken("3.6-lookup-miss-404", FakeIndexServer.Fault.MISS_WITHOUT_FINAL_EMPTY_LINE,
                        Verdict.NON_STRICT),
                fails("3.6-list-populated", FakeIndexServer.Fault.LIST_OWN_RECORDS_ONLY),
                fails("2.1-lf-request", FakeIndexServer.Fault.REFUSES_LF),
                fails("3.3-one-write", FakeIndexServer.Fault.WRITES_LINE_BY_LINE),
                fails("3.8-pipelining", FakeIndexServer.Fault.DROPS_PIPELINED),
                fails("3.7-concurrent-peers", FakeIndexServer.Fault.AT_MOST_10_PEERS),
                fails("1.2-purge-on-close", FakeIndexServer.Fault.KEEPS_RECORDS_ON_CLOSE),
                fails("1.2-purge-on-reset", FakeIndexServer.Fault.KEEPS_RECORDS_ON_RESET),
                fails("6.2-claim-coexists", FakeIndexServer.Fault.REFUSES_SECOND_CLAIM),
                fails("5-bad-method-400", FakeIndexServer.Fault.UNKNOWN_METHOD_OK),
                fails("5-bad-number-400", FakeIndexServer.Fault.BAD_NUMBER_404),
                fails("5-missing-title-400", FakeIndexServer.Fault.MISSING_TITLE_ACCEPTED),
                fails("5-bad-port-400", FakeIndexServer.Fault.BAD_PORT_ACCEPTED),
                fails("5-version-505", FakeIndexServer.Fault.VERSION_IGNORED),
                fails("5-garbage-nul", FakeIndexServer.Fault.NUL_STOPS_SERVER),
                fails("5-garbage-control", FakeIndexServer.Fault.CONTROL_BYTES_ACCEPTED),
                fails("6.11-line-too-long-400", FakeIndexServer.Fault.NO_LINE_LIMIT),
                fails("6.11-huge-line", FakeIndexServer.Fault.HUGE_LINE_STALLS),
                fails("8.1-discovery", FakeIndexServer.Fault.DISCOVERY_WITHOUT_FINAL_EMPTY_LINE),
                fails("8.2-search", FakeIndexServer.Fault.SEARCH_ANY_WORD),
                fails("8.3-peers", FakeIndexServer.Fault.PEERS_WITHOUT_COUNTS),
                fails("8.4-withdraw", FakeIndexServer.Fault.WITHDRAW_EVERY_CLAIM),

                fails("4.2-get-status-and-headers", FakeUploadServer.Fault.NO_EMPTY_LINE_BEFORE_BODY),
                new Broken("4.2-get-date-format", FakeUploadServer.Fault.ASCTIME_DATES, Verdict.NON_STRICT),
                fails("4.2-get-content-length", FakeUploadServer.Fault.LENGTH_OFF_BY_ONE),
                new Broken("4.2-get-content-type", FakeUploadServer.Fault.TEXT_TEXT, Verdict.NON_STRICT),
                new Broken("4.2-get-close-after-body", FakeUploadServer.Fault.STAYS_OPEN, Verdict.NON_STRICT),
                fails("2.1-get-lf-request", FakeUploadServer.Fault.REFUSES_LF),
                fails("4.3-get-not-held-404", FakeUploadServer.Fault.NOT_HELD_SILENT_CLOSE),
                fails("4.3-get-bad-request-400", FakeUploadServer.Fault.BAD_NUMBER_404),
                fails("4.3-get-version-505", FakeUploadServer.Fault.VERSION_IGNORED),
                fails("6.1-get-path-traversal-400", FakeUploadServer.Fault.PATHS_SERVED),
                fails("6.1-get-huge-number-400", FakeUploadServer.Fault.HUGE_NUMBER_404),
                fails("6.1-get-negative-400", FakeUploadServer.Fault.NEGATIVE_404),
                fails("6.1-get-leading-zeros", FakeUploadServer.Fault.LEADING_ZEROS_404),
                fails("9.2-get-digest", FakeUploadServer.Fault.WRONG_DIGEST),
                fails("9.3-get-range", FakeUploadServer.Fault.RANGE_OFF_BY_ONE),

                fails("3.1-client-add-request", FakePeer.Fault.ADD_WITHOUT_RFC_TOKEN),
                fails("3.1-client-lookup-request", FakePeer.Fault.LOOKUP_WITHOUT_PORT),
                fails("3.1-client-list-request", FakePeer.Fault.LIST_WITHOUT_ALL),
                fails("4.1-client-get-request", FakePeer.Fault.GET_WITHOUT_OS),
                fails("2.1-client-copes-lf-answers", FakePeer.Fault.NEEDS_CRLF),
                fails("3.4-client-copes-no-empty-lines", FakePeer.Fault.NEEDS_EMPTY_LINES),
                fails("3.2-client-copes-record-without-rfc", FakePeer.Fault.NEEDS_RFC_TOKEN),
                fails("5-client-copes-phrase-spelling", FakePeer.Fault.NEEDS_EXACT_PHRASE),
                fails("3.6-client-copes-empty-list-404", FakePeer.Fault.LIST_404_FATAL),
                fails("3.6-client-copes-lookup-miss-200", FakePeer.Fault.LOOKUP_200_NEEDS_RECORD),
                fails("3.3-client-copes-answer-in-pieces", FakePeer.Fault.SINGLE_RECV),
                fails("4.2-client-copes-get-lf-headers", FakePeer.Fault.GET_NEEDS_CRLF),
                fails("4.2-client-copes-get-no-content-length", FakePeer.Fault.GET_NEEDS_CONTENT_LENGTH),
                fails("4.2-client-copes-get-loose-headers", FakePeer.Fault.GET_NEEDS_TEXT_PLAIN),
                fails("4.2-client-copes-get-no-empty-line", FakePeer.Fault.GET_NEEDS_EMPTY_LINE),
                fails("4.2-client-copes-get-capital-headers", FakePeer.Fault.GET_NAMES_CASE_SENSITIVE),
                fails("4.2-client-copes-get-left-open", FakePeer.Fault.GET_WAITS_FOR_CLOSE),
                fails("4.3-client-copes-error-without-content-length", FakePeer.Fault.ERROR_NEEDS_CONTENT_LENGTH));
    }

    private static Broken fails(String caseId, Enum<?> fault) {
        return new Broken(caseId, fault, Verdict.FAIL);
    }

    static Stream<Arguments> brokenCases() {
        return table().stream().map(Arguments::of);
    }

    @Test
    void everyCaseOfEveryRoleHasAFakeThatBreaksIt() {
        Set<String> ids = new HashSet<>();
        ServerCases.all().forEach(c -> ids.add(c.id()));
        UploadCases.all().forEach(c -> ids.add(c.id()));
        ClientCases.all().forEach(c -> ids.add(c.id()));
        List<String> covered = table().stream().map(Broken::caseId).toList();

        assertThat(covered).doesNotHaveDuplicates();
        assertThat(new HashSet<>(covered)).isEqualTo(ids);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenCases")
    void theFaultMakesExactlyItsCaseFail(Broken broken) throws Exception {
        List<CaseResult> results = run(broken.fault(), broken.caseId());

        assertThat(results).hasSize(1);
        CaseResult result = results.getFirst();
        assertThat(result.id()).isEqualTo(broken.caseId());
        assertThat(result.verdict()).as(result.outcome().detail()).isEqualTo(broken.expected());
        assertThat(result.outcome().detail()).isNotEmpty();
    }

    @Test
    void theIndexFakeWithoutAFaultPassesEveryStandardServerCase() throws Exception {
        assertEveryCasePasses(run(FakeIndexServer.Fault.NONE, "").stream()
                .filter(result -> !result.id().startsWith("8.2") && !result.id().startsWith("8.3")
                        && !result.id().startsWith("8.4"))
                .toList());
    }

    @Test
    void theStandardIndexFakeIsToldTheExtensionsWereNotOffered() throws Exception {
        List<CaseResult> results = run(FakeIndexServer.Fault.NONE, "8.*");

        assertThat(results).extracting(CaseResult::id)
                .containsExactly("8.1-discovery", "8.2-search", "8.3-peers", "8.4-withdraw");
        assertThat(results).extracting(CaseResult::verdict)
                .containsExactly(Verdict.PASS, Verdict.SKIP, Verdict.SKIP, Verdict.SKIP);
        assertThat(results).extracting(result -> result.outcome().detail()).containsExactly(
                "no extensions offered: answered 400, as a standard server does", "SEARCH not offered",
                "PEERS not offered", "WITHDRAW not offered");
    }

    @Test
    void theIndexFakeOfferingExtensionsWithoutAFaultPassesEveryServerCase() throws Exception {
        List<CaseResult> results = run(FakeIndexServer.Fault.EXTENSIONS, "");

        assertEveryCasePasses(results);
        assertThat(results).filteredOn(result -> result.id().startsWith("8."))
                .allSatisfy(result -> assertThat(result.outcome().detail()).isEmpty());
    }

    @Test
    void theUploadFakeWithoutAFaultPassesEveryUploadCase() throws Exception {
        assertEveryCasePasses(run(FakeUploadServer.Fault.NONE, ""));
    }

    @Test
    void aStandardUploadServerHasTheExtensionCasesSkippedAndPassesTheRest() throws Exception {
        List<CaseResult> results = run(FakeUploadServer.Fault.STANDARD_ONLY, "");

        assertThat(results).filteredOn(result -> result.id().startsWith("9."))
                .extracting(CaseResult::id, CaseResult::verdict)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("9.2-get-digest", Verdict.SKIP),
                        org.assertj.core.groups.Tuple.tuple("9.3-get-range", Verdict.SKIP));
        assertEveryCasePasses(results.stream().filter(result -> !result.id().startsWith("9.")).toList());
    }

    @Test
    void thePeerFakeWithoutAFaultPassesEveryClientCase() throws Exception {
        assertEveryCasePasses(run(FakePeer.Fault.NONE, ""));
    }

    static void assertEveryCasePasses(List<CaseResult> results) {
        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(result -> assertThat(result.verdict())
                .as(result.id() + ": " + result.outcome().detail()).isEqualTo(Verdict.PASS));
    }

    /** Runs the cases matching {@code pattern} of the role the fault belongs to against a fake with that fault. */
    private static List<CaseResult> run(Enum<?> fault, String pattern) throws Exception {
        return switch (fault) {
            case FakeIndexServer.Fault indexFault -> {
                try (FakeIndexServer fake = new FakeIndexServer(indexFault)) {
                    yield CaseRunner.run(CaseRunner.select(ServerCases.all(), pattern),
                            new ServerRun(fake.target(), TIMING, RunNames.fresh()), result -> { });
                }
            }
            case FakeUploadServer.Fault uploadFault -> {
                try (FakeUploadServer fake = new FakeUploadServer(uploadFault)) {
                    yield CaseRunner.run(CaseRunner.select(UploadCases.all(), pattern),
                            new UploadRun(fake.target(), TIMING, FakeUploadServer.HELD), result -> { });
                }
            }
            case FakePeer.Fault peerFault -> {
                CheckOptions options = CheckOptions.parse("client", "--port", "0", "--case", pattern.isEmpty() ? "*"
                        : pattern).orElseThrow();
                PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
                yield ClientRole.run(options, TIMING, result -> { }, quiet, new FakePeer(peerFault)).results();
            }
            default -> throw new IllegalArgumentException("no fake has the fault " + fault);
        };
    }
}
