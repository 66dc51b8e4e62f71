package dev.depot.bench;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import dev.depot.BlobInfo;
import dev.depot.Blobs;
import dev.depot.Depot;
import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * 1 MiB blobs in memory on one thread: Depot's {@code memory:} blobs ({@code depotWrite}: {@code
 * put(path, bytes)} replacing the previous content; {@code depotRead}: {@code get(path)}) against
 * Jimfs doing the same moves ({@code Files.write}, {@code Files.readAllBytes}) and a bare
 * {@code System.arraycopy} of 1 MiB ({@code arraycopy}), the memory-bandwidth ceiling, in one run.
 * The bytes are random (incompressible). One op is one whole blob: MB/s = ops/s × 1.048576.
 *
 * <pre>
 * java -cp depot-bench/target/benchmarks.jar org.openjdk.jmh.Main MemoryBlobBench
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MemoryBlobBench {
    static final int SIZE = 1 << 20;

    final byte[] bytes = new byte[SIZE];
    final byte[] copy = new byte[SIZE];
    Depot depot;
    Blobs blobs;
    FileSystem jimfs;
    Path jimWrite;
    Path jimRead;

    @Setup
    public void setUp() throws IOException {
        new Random(42).nextBytes(bytes);
        depot = Depot.open("memory:");
        blobs = depot.blobs("bench");
        blobs.put("read.bin", bytes);
        jimfs = Jimfs.newFileSystem(Configuration.unix());
        jimWrite = jimfs.getPath("/write.bin");
        jimRead = Files.write(jimfs.getPath("/read.bin"), bytes);
    }

    @TearDown
    public void tearDown() throws IOException {
        depot.close();
        jimfs.close();
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
    public Path jimfsWrite() throws IOException {
        return Files.write(jimWrite, bytes);
    }

    @Benchmark
    public byte[] jimfsRead() throws IOException {
        return Files.readAllBytes(jimRead);
    }

    @Benchmark
    public byte[] arraycopy() {
        System.arraycopy(bytes, 0, copy, 0, SIZE);
        return copy;
    }
}
