package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Blobs;
import dev.depot.Depot;
import dev.depot.NotFoundException;
import dev.depot.PathConflictException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Chunk reuse under load: writers replace, copy, move and delete a few blobs (whose chunks keep
 * going back to the pool and into new uploads) while readers read them whole, in ranges and in
 * small steps through streams held open across the churn. Every blob is one byte value {@code v}
 * repeated {@code 2 × CHUNK + v} times, so any read that mixed two contents, or read a chunk an
 * upload was overwriting, shows a second value or a length that does not match its value.
 */
class MemoryBlobReuseStressTest {
    private static final int WRITERS = 4;
    private static final int READERS = 4;
    private static final int ROUNDS = Integer.getInteger("depot.stress.rounds", 400);
    private static final String[] PATHS = {"a", "b", "c", "d/e"};

    private static byte[] content(int v) {
        byte[] b = new byte[2 * MemoryBlobs.CHUNK + v];
        Arrays.fill(b, (byte) v);
        return b;
    }

    /** The value of a whole blob's bytes, failing on anything but one value at its length. */
    private static int check(byte[] whole) {
        int v = whole[0] & 0xff;
        assertThat(whole.length).as("length of a blob of value %d", v).isEqualTo(2 * MemoryBlobs.CHUNK + v);
        for (byte b : whole) {
            if ((b & 0xff) != v) {
                throw new AssertionError("a blob of value " + v + " holds byte " + (b & 0xff));
            }
        }
        return v;
    }

    private static String any(ThreadLocalRandom r) {
        return PATHS[r.nextInt(PATHS.length)];
    }

    @Test
    void readersSeeOneWholeContentWhileChunksAreReused() throws Exception {
        try (Depot depot = Depot.open("memory:")) {
            Blobs blobs = depot.blobs("stress");
            AtomicLong reads = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS + READERS);
            try {
                List<Future<?>> all = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    all.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < ROUNDS; i++) {
                            try {
                                switch (r.nextInt(6)) {
                                    case 0, 1, 2 -> blobs.put(any(r), content(1 + r.nextInt(255)));
                                    case 3 -> blobs.copy(any(r), any(r));
                                    case 4 -> blobs.move(any(r), any(r));
                                    default -> blobs.delete(any(r));
                                }
                            } catch (NotFoundException | PathConflictException expected) {
                                // the source went away meanwhile, or d is a directory: nothing changed
                            }
                        }
                        return null;
                    }));
                }
                for (int rd = 0; rd < READERS; rd++) {
                    all.add(pool.submit(() -> {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < ROUNDS; i++) {
                            String path = any(r);
                            try {
                                switch (r.nextInt(3)) {
                                    case 0 -> check(blobs.get(path));
                                    case 1 -> readInSteps(blobs, path, r);
                                    default -> readRange(blobs, path, r);
                                }
                                reads.incrementAndGet();
                            } catch (NotFoundException | PathConflictException expected) {
                                // nothing there at the time
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) {
                    f.get(5, TimeUnit.MINUTES); // hang guard only
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(reads.get()).as("reads that found a blob").isPositive();
            for (String p : PATHS) {
                if (blobs.exists(p)) {
                    byte[] whole = blobs.get(p);
                    check(whole);
                    assertThat(blobs.stat(p).orElseThrow().etag()).isEqualTo(dev.depot.spi.ContentHash.of(whole));
                }
            }
        }
    }

    /** A stream held open while writers churn, read a few KiB at a time with pauses in between. */
    private static void readInSteps(Blobs blobs, String path, ThreadLocalRandom r) {
        try (InputStream in = blobs.read(path)) {
            byte[] step = new byte[1 + r.nextInt(20_000)];
            int v = -1;
            long total = 0;
            int n;
            while ((n = in.read(step, 0, step.length)) > 0) {
                for (int i = 0; i < n; i++) {
                    int b = step[i] & 0xff;
                    if (v < 0) {
                        v = b;
                    } else if (b != v) {
                        throw new AssertionError("a stream of value " + v + " read byte " + b + " at " + (total + i));
                    }
                }
                total += n;
                Thread.yield();
            }
            assertThat(total).isEqualTo(2L * MemoryBlobs.CHUNK + v);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A range across the chunk boundary: one value throughout. */
    private static void readRange(Blobs blobs, String path, ThreadLocalRandom r) {
        int offset = MemoryBlobs.CHUNK - r.nextInt(1000);
        try (InputStream in = blobs.read(path, offset, 2000)) {
            byte[] got = in.readAllBytes();
            assertThat(got).hasSize(2000);
            for (byte b : got) {
                if (b != got[0]) {
                    throw new AssertionError("a range of value " + (got[0] & 0xff) + " holds byte " + (b & 0xff));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
