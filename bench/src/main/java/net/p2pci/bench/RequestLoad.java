package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.p2pci.protocol.Extensions;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.RfcRecord;
import net.p2pci.protocol.Status;
import org.HdrHistogram.Histogram;

/**
 * Simulated peers that send requests back to back, one at a time each (no pipelining), on their persistent
 * connections: the {@code lookup}, {@code add}, {@code list} and {@code mixed} scenarios, and the LOOKUP load of
 * {@code hold}. Each peer runs on a virtual thread of its own.
 */
final class RequestLoad {
    /** What the peers send during the measured phase. */
    enum Mix {
        /** LOOKUP of a random RFC held by exactly one peer; the answer must be that one record. */
        LOOKUP,
        /** ADD of a new RFC each time; the answer must echo it. */
        ADD,
        /** LIST ALL; the answer must hold every record. */
        LIST,
        /** 90 % LOOKUP, 9 % repeated ADD of a peer's own RFC (the record count stays the same), 1 % LIST. */
        MIXED,
        /**
         * SEARCH (the extension) for two words of a random RFC's title, one of them its number: the answer must be
         * that one record. A word index finds it among all; a scan would read every title.
         */
        SEARCH,
        /**
         * SEARCH for a word every title has: the answer must be the first 1000 records by number, cut there and
         * saying so. The worst case of a word index: every record is a candidate.
         */
        SEARCH_BROAD;

        /** The mix of the scenario named {@code scenario} ({@code search-broad} is SEARCH_BROAD). */
        static Mix of(String scenario) {
            return valueOf(scenario.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** Upload ports of simulated peers start here; they are only numbers, nothing listens on them. */
    static final int FIRST_PEER_PORT = 10_000;

    /**
     * What a measured phase saw ({@code loop}: latencies, peers lost, the server's CPU); and, by server instance,
     * the requests sent to each, with the LOOKUPs answered right with a record ADDed through another instance than
     * the one asked.
     */
    record Measured(ClosedLoop.Measured loop, List<Long> requestsByInstance, long lookupsAcrossInstances) {
        Measured {
            requestsByInstance = List.copyOf(requestsByInstance);
        }

        long requests() {
            return loop.requests();
        }

        double seconds() {
            return loop.seconds();
        }

        int peersLost() {
            return loop.workersLost();
        }

        Histogram latencies() {
            return loop.latencies();
        }
    }

    /**
     * Peers that each registered and ADDed {@code recordsEach} RFCs: peer {@code i} holds RFCs
     * {@code i*K+1 .. i*K+K}, so the one right answer to every LOOKUP is known. Peer {@code i} is connected to
     * server instance {@code i % instances}, the instance it registered and ADDs through.
     */
    record Population(List<SimulatedPeer> peers, int recordsEach, int instances) implements AutoCloseable {
        int recordCount() {
            return peers.size() * recordsEach;
        }

        int holderIndexOf(int number) {
            return (number - 1) / recordsEach;
        }

        RfcRecord holderOf(int number) {
            return peers.get(holderIndexOf(number)).recordOf(number);
        }

        int instanceOf(int peerIndex) {
            return peerIndex % instances;
        }

        @Override
        public void close() {
            for (SimulatedPeer peer : peers) {
                try {
                    peer.close();
                } catch (IOException e) {
                    // closing is all there is left to do
                }
            }
        }
    }

    private RequestLoad() {
    }

    /** Connects {@code count} peers at once, each ADDing its {@code recordsEach} RFCs before this returns. */
    static Population register(InetSocketAddress server, int count, int recordsEach, String hostPrefix, Errors errors)
            throws IOException {
        return register(List.of(server), count, recordsEach, hostPrefix, errors);
    }

    /**
     * As {@link #register(InetSocketAddress, int, int, String, Errors)}, with the peers spread evenly over
     * {@code servers}, instances sharing one index: peer {@code i} connects to {@code servers[i % servers.size()]}.
     */
    static Population register(List<InetSocketAddress> servers, int count, int recordsEach, String hostPrefix,
            Errors errors) throws IOException {
        List<SimulatedPeer> peers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SimulatedPeer>> connecting = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int index = i;
                connecting.add(threads.submit(() -> {
                    SimulatedPeer peer = SimulatedPeer.connect(servers.get(index % servers.size()), null,
                            hostPrefix + index, FIRST_PEER_PORT + index);
                    if (!peer.addAll(index * recordsEach + 1, recordsEach)) {
                        errors.count("wrong-answer");
                    }
                    return peer;
                }));
            }
            IOException failure = null;
            for (Future<SimulatedPeer> peer : connecting) {
                try {
                    peers.add(peer.get());
                } catch (ExecutionException e) {
                    failure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = new IOException("interrupted", e);
                }
            }
            if (failure != null) {
                new Population(peers, recordsEach, servers.size()).close();
                throw new IOException("could not register " + count + " peers: " + failure, failure);
            }
        }
        return new Population(peers, recordsEach, servers.size());
    }

    /** Runs {@code mix} on every peer for {@code warmup} unmeasured, then {@code duration} measured. */
    static Measured measure(Population population, Mix mix, Duration warmup, Duration duration, Errors errors) {
        return measure(population, mix, warmup, duration, errors, Optional.empty());
    }

    /**
     * As the other {@code measure}, in {@link ClosedLoop}, reading {@code server}'s CPU time over the measured phase
     * when it is given.
     */
    static Measured measure(Population population, Mix mix, Duration warmup, Duration duration, Errors errors,
                            Optional<ProcessCpu> server) {
        // New RFC numbers for the ADD mix, shared by every peer, above every preloaded number: dense and rising, as
        // real RFC numbers are. (Ranges far apart, one per peer, made the server's hash map of RFC numbers collide
        // into tree bins, a cost no real index sees.)
        AtomicInteger newNumbers = new AtomicInteger(population.recordCount());
        // Each peer's slot is written by its own worker only, and read after the loop has joined it.
        long[] lookupsAcross = new long[population.peers().size()];
        ClosedLoop.Measured loop = ClosedLoop.run(population.peers().size(),
                index -> measured -> {
                    if (step(population, index, mix, newNumbers) && measured) {
                        lookupsAcross[index]++;
                    }
                },
                ClosedLoop.Connections.PERSISTENT, ClosedLoop.Phases.of(warmup, duration), errors, server);
        long[] requestsByInstance = new long[population.instances()];
        for (int i = 0; i < population.peers().size(); i++) {
            requestsByInstance[population.instanceOf(i)] += loop.requestsByWorker()[i];
        }
        return new Measured(loop, Arrays.stream(requestsByInstance).boxed().toList(),
                Arrays.stream(lookupsAcross).sum());
    }

    /**
     * One request of peer {@code index}, its answer checked; true when it was a LOOKUP answered with a record ADDed
     * through another instance than the one asked.
     */
    private static boolean step(Population population, int index, Mix mix, AtomicInteger newNumbers)
            throws IOException, WrongAnswer {
        SimulatedPeer peer = population.peers().get(index);
        int recordsEach = population.recordsEach();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean right;
        boolean acrossInstances = false;
        Mix step = mix == Mix.MIXED ? pickMixed(random) : mix;
        switch (step) {
            case LOOKUP -> {
                int number = 1 + random.nextInt(population.recordCount());
                IndexResponse answer = peer.lookup(number);
                right = answer.status() == Status.OK_200
                        && answer.records().equals(List.of(population.holderOf(number)));
                acrossInstances = population.instanceOf(population.holderIndexOf(number))
                        != population.instanceOf(index);
            }
            case ADD -> {
                if (mix == Mix.MIXED) {
                    right = peer.add(index * recordsEach + 1 + random.nextInt(recordsEach));
                } else {
                    right = peer.add(newNumbers.incrementAndGet());
                }
            }
            case LIST -> {
                IndexResponse answer = peer.list();
                right = answer.status() == Status.OK_200 && answer.records().size() == population.recordCount();
            }
            case SEARCH -> {
                int number = 1 + random.nextInt(population.recordCount());
                IndexResponse answer = peer.search("benchmark " + number);
                right = answer.status() == Status.OK_200
                        && answer.records().equals(List.of(population.holderOf(number)));
            }
            case SEARCH_BROAD -> {
                IndexResponse answer = peer.search("ordinary title");
                int expected = Math.min(population.recordCount(), Extensions.MAX_RESULT_LINES);
                right = answer.status() == Status.OK_200 && answer.records().size() == expected
                        && answer.records().getFirst().equals(population.holderOf(1))
                        && (answer.header(Extensions.TRUNCATED_HEADER) != null)
                                == (population.recordCount() > Extensions.MAX_RESULT_LINES);
            }
            default -> throw new IllegalStateException("mix " + step);
        }
        if (!right) {
            throw new WrongAnswer("wrong-answer");
        }
        return acrossInstances;
    }

    private static Mix pickMixed(ThreadLocalRandom random) {
        int roll = random.nextInt(100);
        return roll < 90 ? Mix.LOOKUP : roll < 99 ? Mix.ADD : Mix.LIST;
    }
}
