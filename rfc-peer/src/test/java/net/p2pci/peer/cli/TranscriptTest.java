package net.p2pci.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import net.p2pci.protocol.GetRequest;
import org.junit.jupiter.api.Test;

/** Where the transcript's lines go: the stream, above a shell's prompt, and to whoever follows it. */
final class TranscriptTest {
    private final ByteArrayOutputStream stream = new ByteArrayOutputStream();
    private final Transcript transcript = new Transcript(new PrintStream(stream, true, StandardCharsets.UTF_8));

    @Test
    void everyLinePrintedIsCopiedAsPrintedWireMessagesLineByLineWithTheirEmptyLine() {
        List<String> copied = new CopyOnWriteArrayList<>();
        transcript.copyLinesTo(copied::add);

        transcript.note("LIST: %d records", 2);
        transcript.message(new GetRequest(2616, "peer-a.example", Optional.of("TestOS 1.0")));
        transcript.error("no holder");
        transcript.event("Lost the index server: %s; reconnecting", "reset");

        assertThat(copied).containsExactly("[Peer] LIST: 2 records", "GET RFC 2616 P2P-CI/1.0",
                "Host: peer-a.example", "OS: TestOS 1.0", "", "[Peer] Error: no holder",
                "[Peer] Lost the index server: reset; reconnecting");
        assertThat(stream.toString(StandardCharsets.UTF_8).lines().toList()).isEqualTo(copied);
    }

    @Test
    void whatAnotherThreadPrintsWhileThePromptIsUpGoesAboveItAndTheShellsOwnLinesToTheStream() throws Exception {
        List<String> above = new CopyOnWriteArrayList<>();
        transcript.printEventsWith(above::add);

        transcript.note("typed");
        Thread page = Thread.ofVirtual().start(() -> {
            transcript.note("clicked");
            transcript.message(new GetRequest(1149, "peer-a.example", Optional.empty()));
        });
        page.join();

        assertThat(stream.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly("[Peer] typed");
        String separator = System.lineSeparator();
        assertThat(above).containsExactly("[Peer] clicked",
                "GET RFC 1149 P2P-CI/1.0" + separator + "Host: peer-a.example" + separator);

        transcript.printEventsToStream();
        Thread.ofVirtual().start(() -> transcript.note("after the shell")).join();
        assertThat(stream.toString(StandardCharsets.UTF_8)).endsWith("[Peer] after the shell" + separator);
    }

    @Test
    void aBatchsLinesComeOutWholeAndInOrderEventsAmongThemWhenItClosesAndLinesBeforeItAtOnce() throws Exception {
        transcript.note("before");
        assertThat(stream.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly("[Peer] before");

        try (Transcript.Batch batch = transcript.batch()) {
            for (int i = 1; i <= 2000; i++) {
                transcript.noteText("Registering RFC " + i + ": Title " + i);
                if (i == 1000) {
                    Thread.ofVirtual().start(() -> transcript.event("Lost the index server: %s", "reset")).join();
                }
            }
        }

        List<String> lines = stream.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(2002);
        assertThat(lines.get(1)).isEqualTo("[Peer] Registering RFC 1: Title 1");
        assertThat(lines.get(1000)).isEqualTo("[Peer] Registering RFC 1000: Title 1000");
        assertThat(lines.get(1001)).isEqualTo("[Peer] Lost the index server: reset");
        assertThat(lines.get(2001)).isEqualTo("[Peer] Registering RFC 2000: Title 2000");
    }
}
