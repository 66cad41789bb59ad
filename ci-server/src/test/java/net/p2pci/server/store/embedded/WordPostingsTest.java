package net.p2pci.server.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import net.p2pci.protocol.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One word's numbers as 64-number blocks of bits: the set, its order, and a walk beside the writer. */
class WordPostingsTest {
    /** All the numbers of {@code postings}, in the order its walk gives them. */
    private static List<Integer> walk(WordPostings postings) {
        List<Integer> numbers = new ArrayList<>();
        postings.forEachAscending(numbers::add);
        return numbers;
    }

    @Test
    void numbersAcrossBlockEdgesAreWalkedInAscendingOrderAndCounted() {
        WordPostings postings = new WordPostings();
        int[] numbers = {Protocol.MAX_RFC_NUMBER, 128, 64, 63, 1, 0, 65, 127, 1_000_000};
        for (int number : numbers) {
            assertThat(postings.add(number)).isTrue();
        }

        assertThat(walk(postings)).containsExactly(0, 1, 63, 64, 65, 127, 128, 1_000_000, Protocol.MAX_RFC_NUMBER);
        assertThat(postings.size()).isEqualTo(numbers.length);
        assertThat(postings.contains(64)).isTrue();
        assertThat(postings.contains(66)).isFalse();
    }

    @Test
    void addingTwiceOrRemovingWhatIsAbsentChangesNothing() {
        WordPostings postings = new WordPostings();
        postings.add(7);

        assertThat(postings.add(7)).isFalse();
        assertThat(postings.remove(8)).isFalse();
        assertThat(postings.remove(7 + 64)).as("another block").isFalse();
        assertThat(postings.size()).isEqualTo(1);
        assertThat(postings.remove(7)).isTrue();
        assertThat(postings.remove(7)).isFalse();
        assertThat(postings.isEmpty()).isTrue();
        assertThat(walk(postings)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3})
    void randomChangesLeaveTheSameSetAsASortedSet(int seed) {
        Random random = new Random(seed);
        WordPostings postings = new WordPostings();
        TreeSet<Integer> expected = new TreeSet<>();
        for (int i = 0; i < 20_000; i++) {
            int number = random.nextInt(2_000);
            if (random.nextBoolean()) {
                assertThat(postings.add(number)).isEqualTo(expected.add(number));
            } else {
                assertThat(postings.remove(number)).isEqualTo(expected.remove(number));
            }
        }

        assertThat(walk(postings)).containsExactlyElementsOf(expected);
        assertThat(postings.size()).isEqualTo(expected.size());
    }

    @Test
    void aWalkStopsWhenItsVisitorSaysSo() {
        WordPostings postings = new WordPostings();
        for (int number = 1; number <= 200; number++) {
            postings.add(number);
        }
        List<Integer> seen = new ArrayList<>();

        boolean whole = postings.forEachAscending(number -> seen.add(number) && seen.size() < 70);

        assertThat(whole).isFalse();
        assertThat(seen).hasSize(70).startsWith(1).endsWith(70);
    }

    /**
     * Readers walk while one writer adds and removes numbers in the same blocks and in blocks of their own (which
     * come and go whole): every walk is ascending and has every number that stays throughout (the even ones below
     * the range's end), however the others come and go around them.
     */
    @Test
    void walksBesideTheWriterSeeEveryStayingNumberInOrder() throws Exception {
        int range = 4_096;
        WordPostings postings = new WordPostings();
        for (int number = 0; number < range; number += 2) {
            postings.add(number);
        }
        Random random = new Random(42);
        walkBesideTheWriter(() -> postings, numbers -> {
            assertThat(numbers).isSorted().doesNotHaveDuplicates();
            assertThat(numbers.stream().filter(n -> n < range && n % 2 == 0).count()).isEqualTo(range / 2);
        }, () -> {
            int passing = random.nextBoolean() ? 2 * random.nextInt(range / 2) + 1 : range + random.nextInt(640);
            if (!postings.add(passing)) {
                postings.remove(passing);
            }
        });

        assertThat(walk(postings).stream().filter(n -> n < range && n % 2 == 0).count()).isEqualTo(range / 2);
    }

    @Test
    void aWordOfOneBlockGrowsIntoManyAndBack() {
        WordPostings postings = new WordPostings();
        postings.add(70);
        postings.add(65);
        assertThat(walk(postings)).containsExactly(65, 70);

        postings.add(3);
        postings.add(1_000);
        assertThat(walk(postings)).containsExactly(3, 65, 70, 1_000);
        postings.remove(65);
        postings.remove(70);
        postings.remove(1_000);
        assertThat(walk(postings)).containsExactly(3);
        assertThat(postings.contains(3)).isTrue();
        assertThat(postings.contains(67)).isFalse();
        postings.remove(3);
        assertThat(postings.isEmpty()).isTrue();
        postings.add(200);
        assertThat(walk(postings)).containsExactly(200);
    }

    /**
     * Readers walk word after word while the writer grows each from one block into several: a number that stays
     * from the word's start (5) is in every walk, whatever block came or went, and the walk is in order.
     */
    @Test
    void walksBesideAWordGrowingFromOneBlockSeeItsStayingNumber() throws Exception {
        AtomicReference<WordPostings> current = new AtomicReference<>(new WordPostings());
        current.get().add(5);
        Random random = new Random(7);
        AtomicInteger words = new AtomicInteger();
        walkBesideTheWriter(current::get,
                numbers -> assertThat(numbers).isSorted().doesNotHaveDuplicates().contains(5),
                () -> {
                    WordPostings word = new WordPostings();
                    word.add(5);
                    current.set(word);
                    for (int i = 0; i < 50; i++) {
                        int passing = 6 + random.nextInt(300);
                        if (!word.add(passing)) {
                            word.remove(passing);
                        }
                    }
                    words.incrementAndGet();
                });

        assertThat(words.get()).isPositive();
    }

    /**
     * Two readers walk {@code postings} over and over, each walk held to {@code check}, while this thread makes
     * {@code writerStep} for half a second (or until a walk fails); fails with the first walk that failed.
     */
    private static void walkBesideTheWriter(Supplier<WordPostings> postings, Consumer<List<Integer>> check,
            Runnable writerStep) throws InterruptedException {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger walks = new AtomicInteger();
        List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(Thread.ofPlatform().start(() -> {
                try {
                    while (writing.get()) {
                        check.accept(walk(postings.get()));
                        walks.incrementAndGet();
                    }
                } catch (Throwable e) { // a race may show as any exception, not only a failed check
                    failure.compareAndSet(null, e);
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < deadline && failure.get() == null) {
            writerStep.run();
        }
        writing.set(false);
        for (Thread reader : readers) {
            reader.join(Duration.ofSeconds(10));
        }
        assertThat(failure.get()).isNull();
        assertThat(walks.get()).as("walks made beside the writer").isPositive();
    }
}
