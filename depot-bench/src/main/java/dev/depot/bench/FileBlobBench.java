package dev.depot.bench;

import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Depot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1 MiB blobs on the local disk, one thread: Depot's {@code file:DIR} blobs ({@code depotWrite}:
 * {@code put(path, bytes)} replacing the previous content; {@code depotRead}: {@code get(path)})
 * against the JDK doing the same in a sibling directory ({@code filesWrite}: {@code Files.write};
 * {@code filesRead}: {@code Files.readAllBytes}), in one run. {@code fsync=false} (the default here)
 * compares like with like, since {@code Files.write} does not sync; {@code fsync=true} shows what
 * Depot's durable default costs. One op is one whole blob: MB/s = ops/s × 1.048576. Files go to a
 * temporary directory removed at the end.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar org.openjdk.jmh.Main FileBlobBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class FileBlobBench {
    static final int SIZE = 1 << 20;

    @Param({"false", "true"})
    public boolean fsync;

    final byte[] bytes = new byte[SIZE];
    Path dir;
    Depot depot;
    Blobs blobs;
    Path plainWrite;
    Path plainRead;

    @Setup
    public void setUp() throws IOException {
        new Random(42).nextBytes(bytes);
        dir = Files.createTempDirectory("depot-filebench");
        depot = Depot.open("file:" + dir.resolve("depot") + (fsync ? "" : "?fsync=false"));
        blobs = depot.blobs("bench");
        blobs.put("read.bin", bytes);
        Path plain = Files.createDirectories(dir.resolve("plain"));
        plainWrite = plain.resolve("write.bin");
        plainRead = Files.write(plain.resolve("read.bin"), bytes);
    }

    @TearDown
    public void tearDown() throws IOException {
        depot.close();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public BlobInfo depotWrite() {
        return blobs.put("write.bin", bytes);
    }

    @Benchmark
    public byte[] depotRead() {
        return blobs.get("read.bin");
    }

    @Benchmark
    public Path filesWrite() throws IOException {
        return Files.write(plainWrite, bytes);
    }

    @Benchmark
    public byte[] filesRead() throws IOException {
        return Files.readAllBytes(plainRead);
    }
}
