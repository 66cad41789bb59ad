package net.p2pci.checker;

import static net.p2pci.checker.BrokenFakesTest.assertEveryCasePasses;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The client role run by hand: a person who reads each {@code >>>} line and makes the peer do what it says (here a
 * reader of the lines driving {@link FakePeer}) gets every case graded, as with --script.
 */
class InteractivePeerTest {
    private static final Pattern START = Pattern.compile(">>> start your peer now, with ([0-9.]+:[0-9]+) ");
    private static final Pattern LOOKUP = Pattern.compile(">>> make your peer LOOKUP RFC ([0-9]+)$");
    private static final Pattern GET = Pattern.compile(">>> make your peer download RFC ([0-9]+) ");

    /** Reads the checker's output line by line and does what each prompt asks. */
    private static final class Person extends OutputStream {
        private final FakePeer peer = new FakePeer(FakePeer.Fault.NONE);
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            if (b != '\n') {
                line.write(b);
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            Matcher start = START.matcher(text);
            Matcher lookup = LOOKUP.matcher(text);
            Matcher get = GET.matcher(text);
            if (start.find()) {
                peer.start(start.group(1));
            } else if (lookup.find()) {
                peer.lookup(Integer.parseInt(lookup.group(1)));
            } else if (text.equals(">>> make your peer LIST ALL")) {
                peer.list();
            } else if (get.find()) {
                peer.get(Integer.parseInt(get.group(1)));
            }
        }
    }

    @Test
    void aPersonFollowingThePromptsGetsEveryCaseGraded() throws Exception {
        Person person = new Person();
        PrintStream out = new PrintStream(person, true, StandardCharsets.UTF_8);
        CheckOptions options = CheckOptions.parse("client", "--port", "0").orElseThrow();
        try {
            assertEveryCasePasses(ClientRole.run(options, Timing.of(Duration.ofSeconds(2)), result -> { }, out,
                    new InteractivePeer(out)).results());
        } finally {
            person.peer.close();
        }
    }
}
