package net.p2pci.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import net.p2pci.protocol.RfcRecord;

/**
 * The {@code redis-get} and {@code redis-set} scenarios: the same closed loop as LOOKUP and ADD ({@link ClosedLoop},
 * {@link WireConnection}, one request at a time per connection, no pipelining) against a Redis server already
 * running on loopback, so that a ratio of the two is taken with one client. Connection {@code i} first SETs K keys
 * of its own, as peer {@code i} ADDs K RFCs; {@code redis-get} then GETs a random one of them, which must come back
 * with its value, and {@code redis-set} SETs a new key each time, which must answer {@code +OK}.
 */
final class RedisScenario {
    private RedisScenario() {
    }

    /** The key of record {@code number}. */
    static String keyOf(int number) {
        return "p2pci-bench:" + number;
    }

    /**
     * The value of record {@code number}: the record a LOOKUP of it answers with, as a line, so that a GET carries
     * as many bytes as a LOOKUP's record.
     */
    static byte[] valueOf(int number) {
        RfcRecord record = new RfcRecord(number, SimulatedPeer.titleOf(number), "bench-peer-0",
                RequestLoad.FIRST_PEER_PORT);
        return (record.number() + " " + record.title() + " " + record.host() + " " + record.port())
                .getBytes(StandardCharsets.UTF_8);
    }

    static Result run(Settings settings, InetSocketAddress server, boolean set) throws IOException {
        Result result = new Result(settings.scenario(), settings.describe() + " redis="
                + server.getAddress().getHostAddress() + ":" + server.getPort());
        Errors errors = new Errors();
        int recordsEach = settings.records();
        int recordCount = settings.connections() * recordsEach;
        List<WireConnection<RespReader>> connections = new ArrayList<>();
        ClosedLoop.Measured measured;
        try {
            for (int i = 0; i < settings.connections(); i++) {
                WireConnection<RespReader> connection = WireConnection.open(server, null,
                        WireConnection.READ_TIMEOUT, RespReader::new);
                connections.add(connection);
                for (int number = i * recordsEach + 1; number <= (i + 1) * recordsEach; number++) {
                    set(connection, number);
                }
            }
            AtomicInteger newNumbers = new AtomicInteger(recordCount);
            measured = ClosedLoop.run(settings.connections(), index -> {
                WireConnection<RespReader> connection = connections.get(index);
                if (set) {
                    return measuredPhase -> set(connection, newNumbers.incrementAndGet());
                }
                return measuredPhase -> {
                    int number = 1 + ThreadLocalRandom.current().nextInt(recordCount);
                    byte[] expected = valueOf(number);
                    connection.exchange(RespReader.command("GET", keyOf(number)), reader -> {
                        reader.expectBulk(expected);
                        return null;
                    });
                };
            }, ClosedLoop.Connections.PERSISTENT, ClosedLoop.Phases.of(settings.warmup(), settings.duration()),
                    errors, settings.serverPid().map(ProcessCpu::of));
        } catch (WrongAnswer e) {
            throw new IOException("Redis did not store the keys before the run: " + e.kind());
        } finally {
            for (WireConnection<RespReader> connection : connections) {
                connection.close();
            }
        }
        ClosedLoop.report(result, "", measured);
        ClosedLoop.check(result, errors, measured, "connections");
        return result;
    }

    private static void set(WireConnection<RespReader> connection, int number) throws IOException, WrongAnswer {
        connection.exchange(RespReader.command("SET", keyOf(number),
                new String(valueOf(number), StandardCharsets.UTF_8)), reader -> {
                    reader.expectOk();
                    return null;
                });
    }
}
