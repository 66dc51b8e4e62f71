package dev.depot.memory;

import dev.depot.WriteOptions;
import dev.depot.spi.BlobPublish;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * Model checking of chunk reuse in {@link MemoryBlobs}: the lock-free read path (look up a blob,
 * count in with {@link MemoryBlobContent#tryRetain}, copy, count out) against publishes, copies
 * and deletes that let contents go and uploads that take their chunks from the pool. A blob is one
 * full chunk and one byte more, all of value {@code v}; a read returns the value, or -1 if its
 * bytes disagree (a chunk reused under it). Specification: a map from key to value ({@link Spec}).
 */
@Param(name = "k", gen = IntGen.class, conf = "0:1")
@Param(name = "v", gen = IntGen.class, conf = "1:3")
public class MemoryBlobReuseLincheckTest {
    private static final int SIZE = MemoryBlobs.CHUNK + 1;
    private static final byte[][] CONTENT = new byte[4][];

    static {
        for (int v = 1; v < CONTENT.length; v++) {
            CONTENT[v] = new byte[SIZE];
            Arrays.fill(CONTENT[v], (byte) v);
        }
    }

    private final MemoryBlobs store = new MemoryBlobs();

    private static String path(int k) {
        return "k" + k;
    }

    @Operation
    public void put(@Param(name = "k") int k, @Param(name = "v") int v) {
        MemoryBlobUpload upload = new MemoryBlobUpload(store, "b", path(k));
        upload.write(CONTENT[v], 0, SIZE);
        upload.publish(new BlobPublish(WriteOptions.defaults(), SIZE, "etag-" + v, Instant.EPOCH));
    }

    @Operation
    public int get(@Param(name = "k") int k) {
        Optional<InputStream> opened = store.open("b", path(k), 0, Long.MAX_VALUE);
        if (opened.isEmpty()) {
            return 0;
        }
        try (InputStream in = opened.get()) {
            byte[] got = in.readAllBytes();
            int v = got[0];
            return got.length == SIZE && got[MemoryBlobs.CHUNK - 1] == v && got[MemoryBlobs.CHUNK] == v ? v : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Operation
    public boolean copy(@Param(name = "k") int from, @Param(name = "k") int to) {
        return from != to && store.copy("b", path(from), path(to), Instant.EPOCH).isPresent();
    }

    @Operation
    public boolean delete(@Param(name = "k") int k) {
        return store.delete("b", path(k));
    }

    @Test
    void modelChecking() {
        boolean deep = Boolean.getBoolean("depot.deep");
        new ModelCheckingOptions()
                .iterations(Integer.getInteger("depot.lincheck.iterations", deep ? 50 : 5))
                .invocationsPerIteration(deep ? 2_000 : 100)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .sequentialSpecification(Spec.class)
                .check(MemoryBlobReuseLincheckTest.class);
    }

    /** The sequential specification: a map from key to value. */
    public static final class Spec {
        private final Map<Integer, Integer> map = new HashMap<>();

        public void put(int k, int v) {
            map.put(k, v);
        }

        public int get(int k) {
            return map.getOrDefault(k, 0);
        }

        public boolean copy(int from, int to) {
            if (from == to || !map.containsKey(from)) {
                return false;
            }
            map.put(to, map.get(from));
            return true;
        }

        public boolean delete(int k) {
            return map.remove(k) != null;
        }
    }
}
