package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.BlobEntry;
import dev.depot.BlobInfo;
import dev.depot.BucketStats;
import dev.depot.ListOptions;
import dev.depot.NotFoundException;
import dev.depot.BlobOutputStream;
import dev.depot.PreconditionFailedException;
import dev.depot.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Writers racing on one path, and readers during a replace: one wins, nothing is ever mixed. */
abstract class BlobConcurrencyTests extends BlobFeatureTests {
    private static final int SIZE = 200_000;

    BlobConcurrencyTests(DepotConformanceSuite suite) {
        super(suite);
    }

    static byte[] uniform(int value, int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) value);
        return b;
    }

    /** All bytes one value, and the full size: what a reader must always see. */
    static void assertWhole(byte[] content, int size) {
        assertThat(content).as("size").hasSize(size);
        byte first = content[0];
        for (int i = 1; i < content.length; i++) {
            if (content[i] != first) {
                throw new AssertionError("mixed content: byte " + i + " is " + content[i] + ", byte 0 is " + first);
            }
        }
    }

    @Test
    void concurrentWritersToOnePathLeaveOneWholeBlob() {
        int writers = 6;
        for (int round = 0; round < 4; round++) {
            CyclicBarrier beforeClose = new CyclicBarrier(writers);
            Concurrently.run(writers, w -> {
                byte[] piece = uniform(w + 1, 7_000);
                try (BlobOutputStream out = blobs().write("hot")) {
                    for (int written = 0; written < SIZE; written += piece.length) {
                        out.write(piece, 0, Math.min(piece.length, SIZE - written));
                    }
                    Concurrently.await(beforeClose); // every stream full, then all publish at once
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            byte[] content = blobs().get("hot");
            assertWhole(content, SIZE);
            assertThat(blobs().stat("hot").orElseThrow().etag()).isEqualTo(blobs().put("probe", content).etag());
        }
    }

    @Test
    void ofConcurrentCreateOnlyWritersExactlyOneWins() {
        int writers = 8;
        AtomicInteger won = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        CyclicBarrier together = new CyclicBarrier(writers);
        Concurrently.run(writers, w -> {
            BlobOutputStream out = blobs().write("only-once", WriteOptions.ifNoneMatch());
            try {
                out.write(uniform(w + 1, 1000));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Concurrently.await(together);
            try {
                out.close();
                won.incrementAndGet();
            } catch (PreconditionFailedException e) {
                refused.incrementAndGet();
            }
        });

        assertThat(won.get()).isEqualTo(1);
        assertThat(refused.get()).isEqualTo(writers - 1);
        assertWhole(blobs().get("only-once"), 1000);
    }

    @Test
    void replacedTellsWhetherThePublishCreatedTheBlob() throws IOException {
        BlobOutputStream first = blobs().write("told");
        assertThatThrownBy(first::replaced).isInstanceOf(IllegalStateException.class);
        first.write(1);
        first.close();
        assertThat(first.replaced()).as("first write creates").isFalse();
        BlobOutputStream second = blobs().write("told");
        second.write(2);
        second.close();
        assertThat(second.replaced()).as("second write replaces").isTrue();
        blobs().delete("told");
        BlobOutputStream third = blobs().write("told", WriteOptions.defaults());
        third.close();
        assertThat(third.replaced()).as("a write after a delete creates again").isFalse();
        BlobOutputStream aborted = blobs().write("told");
        aborted.abort();
        assertThatThrownBy(aborted::replaced).isInstanceOf(IllegalStateException.class);
    }

    /**
     * Unconditional writers of a new path racing each other and deleters: every write says whether it
     * created or replaced as decided at its publish, so creates minus successful deletes is whether a
     * blob remains. A check before the write (exists, then write) lets two writers both claim to have
     * created it.
     */
    @Test
    void ofConcurrentWritersOfANewPathExactlyOneCreatesBetweenDeletes() {
        int writers = 6;
        for (int round = 0; round < 20; round++) {
            String path = "created-" + round;
            AtomicInteger created = new AtomicInteger();
            AtomicInteger deleted = new AtomicInteger();
            CyclicBarrier together = new CyclicBarrier(writers + 2);
            Concurrently.run(writers + 2, w -> {
                if (w >= writers) {
                    Concurrently.await(together);
                    for (int i = 0; i < 3; i++) {
                        if (blobs().delete(path)) {
                            deleted.incrementAndGet();
                        }
                    }
                    return;
                }
                BlobOutputStream out = blobs().write(path);
                try {
                    out.write(uniform(w + 1, 100));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Concurrently.await(together);
                out.close();
                if (!out.replaced()) {
                    created.incrementAndGet();
                }
            });
            int remaining = blobs().exists(path) ? 1 : 0;
            assertThat(created.get() - deleted.get()).as("round %d: creates minus deletes", round).isEqualTo(remaining);
            assertThat(created.get()).as("round %d: creates", round).isPositive();
        }
    }

    @Test
    void ofConcurrentConditionalDeletesOfOneVersionExactlyOneWins() {
        int deleters = 6;
        for (int round = 0; round < 5; round++) {
            String etag = blobs().put("doomed", utf8("version " + round)).etag();
            AtomicInteger won = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CyclicBarrier together = new CyclicBarrier(deleters);
            Concurrently.run(deleters, d -> {
                Concurrently.await(together);
                try {
                    blobs().deleteIfMatch("doomed", etag);
                    won.incrementAndGet();
                } catch (PreconditionFailedException e) {
                    refused.incrementAndGet();
                }
            });
            assertThat(won.get()).as("round %d", round).isEqualTo(1);
            assertThat(refused.get()).isEqualTo(deleters - 1);
            assertThat(blobs().exists("doomed")).isFalse();
        }
    }

    /**
     * Threads race on one path, each reading the blob and then deleting it if it still has that etag,
     * or replacing it (if it still has that etag, or if any blob is there), or creating it when none
     * is. Every content is unique, so its etag names one version: each version ends at most once (by
     * one delete or one replace that named it), and only creates make a blob appear, so creates minus
     * deletes is whether a blob is there at the end. A check-then-act delete or replace breaks both.
     *
     * <p>Which calls win is up to the scheduler: on a loaded machine every replace of a batch can lose
     * its race. So batches run (at most 20, each with fresh contents) until both a delete and a replace
     * have won, and only then are the invariants checked — the test proves them on races that happened.
     */
    @Test
    void conditionalDeletesAndRewritesRacingOnOnePathEndEachVersionOnce() {
        int threads = 6;
        int rounds = 100;
        Queue<String> ended = new ConcurrentLinkedQueue<>();
        AtomicInteger created = new AtomicInteger();
        AtomicInteger deleted = new AtomicInteger();
        AtomicInteger replaced = new AtomicInteger();
        for (int batch = 0; batch < 20 && (deleted.get() == 0 || replaced.get() == 0); batch++) {
            int b = batch;
            CyclicBarrier start = new CyclicBarrier(threads);
            Concurrently.run(threads, t -> {
                Concurrently.await(start);
                for (int i = 0; i < rounds; i++) {
                    byte[] content = utf8("batch " + b + " thread " + t + " write " + i);
                    Optional<BlobInfo> seen = blobs().stat("race");
                    try {
                        if (seen.isEmpty()) {
                            blobs().put("race", content, WriteOptions.ifNoneMatch());
                            created.incrementAndGet();
                            continue;
                        }
                        String etag = seen.get().etag();
                        switch ((t + i) % 3) {
                            case 0 -> {
                                blobs().deleteIfMatch("race", etag);
                                ended.add(etag);
                                deleted.incrementAndGet();
                            }
                            case 1 -> {
                                blobs().put("race", content, WriteOptions.ifMatch(etag));
                                ended.add(etag);
                                replaced.incrementAndGet();
                            }
                            default -> blobs().put("race", content, WriteOptions.ifExists());
                        }
                    } catch (PreconditionFailedException e) {
                        // lost the race: someone changed the blob since it was read
                    }
                }
            });
        }

        assertThat(ended).as("each version ends once").doesNotHaveDuplicates();
        assertThat(created.get() - deleted.get()).as("creates minus deletes")
                .isEqualTo(blobs().exists("race") ? 1 : 0);
        assertThat(deleted.get()).as("some deletes won (in 20 batches)").isPositive();
        assertThat(replaced.get()).as("some replaces won (in 20 batches)").isPositive();
    }

    /**
     * Conditional deletes (of the etag just read) and creates racing moves and copies among the same
     * paths: each call does its whole change or fails with {@link PreconditionFailedException} or
     * {@link NotFoundException}; afterwards every blob holds the content its etag names and the
     * bucket's counts are its listing's.
     */
    @Test
    void conditionalDeletesRacingMovesAndCopiesLeaveEveryBlobWhole() {
        Map<String, byte[]> byEtag = new ConcurrentHashMap<>();
        String[] paths = {"m/p0", "m/p1", "m/p2", "m/q"};
        for (int v = 0; v < 3; v++) {
            byEtag.put(blobs().put(paths[v], utf8("content " + v)).etag(), utf8("content " + v));
        }
        CyclicBarrier start = new CyclicBarrier(4);
        Concurrently.run(4, t -> {
            Random random = new Random(t);
            Concurrently.await(start);
            for (int i = 0; i < 50; i++) {
                String from = paths[random.nextInt(paths.length)];
                String to = paths[random.nextInt(paths.length)];
                try {
                    switch (t) {
                        case 0 -> blobs().move(from, to);
                        case 1 -> blobs().copy(from, to);
                        default -> {
                            Optional<BlobInfo> seen = blobs().stat(from);
                            if (seen.isPresent()) {
                                blobs().deleteIfMatch(from, seen.get().etag());
                            } else {
                                blobs().put(from, utf8("content " + random.nextInt(3)), WriteOptions.ifNoneMatch());
                            }
                        }
                    }
                } catch (PreconditionFailedException | NotFoundException e) {
                    // lost a race
                }
            }
        });

        long count = 0;
        long bytes = 0;
        for (BlobEntry e : listAll(blobs(), ListOptions.all())) {
            BlobInfo info = e.blob();
            assertThat(byEtag).as("etag of %s", info.path()).containsKey(info.etag());
            assertThat(blobs().get(info.path())).as(info.path()).isEqualTo(byEtag.get(info.etag()));
            count++;
            bytes += info.size();
        }
        assertThat(depot().stats().blobs().getOrDefault(BUCKET, new BucketStats(0, 0))).isEqualTo(new BucketStats(count, bytes));
    }

    @Test
    void readersDuringAReplaceSeeTheOldOrTheNewContentNeverAMix() {
        blobs().put("doc", uniform(1, SIZE));
        int replacements = 40;
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        Concurrently.run(3, t -> {
            if (t == 0) {
                try {
                    for (int v = 2; v <= replacements; v++) {
                        int value = v;
                        blobs().write("doc", WriteOptions.defaults(), out -> {
                            byte[] half = uniform(value, SIZE / 2);
                            out.write(half);
                            out.write(half);
                        });
                    }
                } finally {
                    done.set(true);
                }
                return;
            }
            while (!done.get() || reads.get() < 4) {
                assertWhole(blobs().get("doc"), SIZE);
                byte[] range = readRange(SIZE / 2 - 100, 200);
                assertWhole(range, 200);
                reads.incrementAndGet();
            }
        });
        assertWhole(blobs().get("doc"), SIZE);
        assertThat(blobs().get("doc")[0]).isEqualTo((byte) replacements);
    }

    @Test
    void aReadStreamKeepsReadingTheContentItOpenedThroughAReplaceAndADelete() throws IOException {
        byte[] original = bytes(3 * MIB + 5, 7); // several chunks on every backend
        blobs().put("kept", original);
        InputStream replaced = blobs().read("kept");
        InputStream deleted = blobs().read("kept", MIB - 3, 2 * MIB);
        byte[] head = replaced.readNBytes(10);

        blobs().put("kept", bytes(3 * MIB + 5, 8));
        byte[] rest = replaced.readAllBytes();
        blobs().delete("kept");
        byte[] range = deleted.readAllBytes();
        replaced.close();
        deleted.close();

        byte[] whole = new byte[original.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(rest, 0, whole, head.length, rest.length);
        assertThat(head.length + rest.length).isEqualTo(original.length);
        assertThat(whole).as("read through a replace").isEqualTo(original);
        assertThat(range).as("read through a delete").isEqualTo(Arrays.copyOfRange(original, MIB - 3, 3 * MIB - 3));
        assertThat(blobs().exists("kept")).isFalse();
    }

    private byte[] readRange(long offset, int length) {
        try (InputStream in = blobs().read("doc", offset, length)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
