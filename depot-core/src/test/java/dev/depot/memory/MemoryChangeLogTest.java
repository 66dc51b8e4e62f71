package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Readers of the memory feed racing writers and retention: every {@code since} is a run of
 * consecutive sequences after the asked one (or from the oldest retained), none beyond the last
 * sequence read before it, even when a read spans several holds of the lock ({@link
 * MemoryChangeLog#copyChunk}, made small here) and retention drops events between them.
 */
class MemoryChangeLogTest {
    record Item(String id, long n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id).build();
    private static final int CHUNK = 4;
    private static final int RETAINED = 64;
    private static final int WRITERS = 3;
    private static final int READERS = 3;
    private static final int WRITES_PER_WRITER = 40_000;

    @Test
    void everyReadIsAConsecutiveRunWhileWritersAndRetentionRace() throws Exception {
        DepotOptions options = DepotOptions.defaults().changeRetention(Duration.ofDays(1), RETAINED);
        int chunk = MemoryChangeLog.copyChunk;
        MemoryChangeLog.copyChunk = CHUNK;
        try (Depot depot = Depot.open("memory:", options)) {
            Records<String, Item> items = depot.records(ITEMS);
            AtomicBoolean writing = new AtomicBoolean(true);
            ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            CountDownLatch writersDone = new CountDownLatch(WRITERS);
            int[] reads = new int[READERS];
            Thread[] threads = new Thread[WRITERS + READERS];
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads[w] = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < WRITES_PER_WRITER; i++) {
                            items.save(new Item("w" + writer + "-" + (i % 500), i));
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        writersDone.countDown();
                    }
                });
            }
            for (int r = 0; r < READERS; r++) {
                int reader = r;
                threads[WRITERS + r] = Thread.ofPlatform().start(() -> {
                    SplittableRandom random = new SplittableRandom(reader);
                    try {
                        while (writing.get()) {
                            long last = depot.changes().lastSequence();
                            long after = Math.max(0, last - random.nextLong(RETAINED + 16));
                            int limit = 1 + random.nextInt(2 * RETAINED);
                            List<ChangeEvent> got = depot.changes().since(after, limit);
                            assertThat(got.size()).isLessThanOrEqualTo(limit);
                            for (int i = 0; i < got.size(); i++) {
                                long seq = got.get(i).sequence();
                                assertThat(seq).isGreaterThan(after);
                                if (i > 0) {
                                    assertThat(seq).as("read after %d", after).isEqualTo(got.get(i - 1).sequence() + 1);
                                }
                            }
                            reads[reader]++;
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    }
                });
            }
            writersDone.await();
            writing.set(false);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(failures).isEmpty();
            assertThat(java.util.Arrays.stream(reads).min().orElseThrow()).as("reads per reader").isPositive();
            long last = depot.changes().lastSequence();
            assertThat(last).isEqualTo((long) WRITERS * WRITES_PER_WRITER);
            List<ChangeEvent> tail = depot.changes().since(0, 2 * RETAINED);
            assertThat(tail).hasSize(RETAINED);
            assertThat(tail.getFirst().sequence()).isEqualTo(last - RETAINED + 1);
            assertThat(tail.getLast().sequence()).isEqualTo(last);
        } finally {
            MemoryChangeLog.copyChunk = chunk;
        }
    }
}
