package net.p2pci.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.xml.parsers.DocumentBuilderFactory;
import net.p2pci.server.LingeringQueueFactory.LingeringQueue;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.util.PluginManager;
import org.apache.logging.log4j.core.config.plugins.util.PluginType;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The log queue's linger, and that the server's own logging configuration uses it. */
class LingeringQueueFactoryTest {
    private static final Duration LONG_LINGER = Duration.ofMillis(300);

    @Test
    void aWaitingLineMeansNotEmptyWithoutLingering() {
        LingeringQueue<String> queue = new LingeringQueue<>(4, Duration.ofDays(1));
        queue.add("line");

        // Were it to linger with a line waiting, the call would take a day.
        boolean empty = assertTimeoutPreemptively(Duration.ofSeconds(10), queue::isEmpty);

        assertThat(empty).isFalse();
    }

    @Test
    void anEmptyQueueIsEmptyOnlyOnceTheLingerHasPassed() {
        LingeringQueue<String> queue = new LingeringQueue<>(4, LONG_LINGER);

        long start = System.nanoTime();
        boolean empty = queue.isEmpty();

        assertThat(empty).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(LONG_LINGER);
    }

    @Test
    void aLineArrivingDuringTheLingerEndsTheBatchLater() throws Exception {
        LingeringQueue<String> queue = new LingeringQueue<>(4, Duration.ofSeconds(2));
        AtomicReference<Thread> asker = new AtomicReference<>();
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(() -> {
            asker.set(Thread.currentThread());
            return queue.isEmpty();
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> asker.get() != null
                && asker.get().getState() == Thread.State.TIMED_WAITING);

        queue.add("line");

        assertThat(answer.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(queue).containsExactly("line");
    }

    @Test
    void log4jKnowsTheQueueByTheNameTheConfigurationUses() {
        PluginManager core = new PluginManager(Node.CATEGORY);
        core.collectPlugins();

        PluginType<?> type = core.getPluginType("LingeringQueue");

        assertThat(type).isNotNull();
        assertThat(type.getPluginClass()).isEqualTo(LingeringQueueFactory.class);
    }

    @Test
    void theServersAsyncAppenderIsGivenTheLingeringQueue() throws Exception {
        Document configuration;
        try (InputStream in = CiServer.class.getResourceAsStream("/log4j2.xml")) {
            assertThat(in).isNotNull();
            configuration = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
        }

        NodeList async = configuration.getElementsByTagName("Async");

        assertThat(async.getLength()).isEqualTo(1);
        assertThat(((Element) async.item(0)).getElementsByTagName("LingeringQueue").getLength()).isEqualTo(1);
    }
}
