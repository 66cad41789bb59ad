package net.p2pci.bench.jmh;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.p2pci.protocol.AddRequest;
import net.p2pci.protocol.IndexResponse;
import net.p2pci.protocol.LookupRequest;
import net.p2pci.protocol.MessageReader;
import net.p2pci.protocol.MessageWriter;
import net.p2pci.protocol.Request;
import net.p2pci.protocol.RequestException;
import net.p2pci.protocol.RfcRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The wire format's cost per message: what the server spends parsing a request and writing its answer. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final LookupRequest lookup = new LookupRequest(2616, "peer-b.example", 6789, Optional.empty());
    private final AddRequest add =
            new AddRequest(2616, "peer-a.example", 5678, "Hypertext Transfer Protocol -- HTTP/1.1");
    private final IndexResponse oneRecord = IndexResponse.ok(List.of(
            new RfcRecord(2616, "Hypertext Transfer Protocol -- HTTP/1.1", "peer-a.example", 5678)));
    private final byte[] lookupBytes = MessageWriter.encode(lookup);
    private final byte[] addBytes = MessageWriter.encode(add);
    private final byte[] oneRecordBytes = MessageWriter.encode(oneRecord);

    @Benchmark
    public byte[] encodeLookupRequest() {
        return MessageWriter.encode(lookup);
    }

    @Benchmark
    public Optional<Request> parseLookupRequest() throws IOException, RequestException {
        return new MessageReader(new ByteArrayInputStream(lookupBytes)).readRequest();
    }

    @Benchmark
    public Optional<Request> parseAddRequest() throws IOException, RequestException {
        return new MessageReader(new ByteArrayInputStream(addBytes)).readRequest();
    }

    @Benchmark
    public byte[] encodeOneRecordResponse() {
        return MessageWriter.encode(oneRecord);
    }

    @Benchmark
    public IndexResponse parseOneRecordResponse() throws IOException {
        return new MessageReader(new ByteArrayInputStream(oneRecordBytes)).readIndexResponse();
    }
}
