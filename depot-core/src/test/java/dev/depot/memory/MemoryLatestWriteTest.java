package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.VersionConflictException;
import dev.depot.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Single-key auto-commit writes, which are decided on the latest committed state under the key's
 * lock without a snapshot ({@link MemoryTransaction#writeLatest}): under many racing threads no
 * update is lost, a unique value goes to one key only, the feed stays gap-free and in order, and
 * no snapshot is left registered.
 */
class MemoryLatestWriteTest {
    record Counter(String id, long n, String slot) {}

    static final Schema<String, Counter> COUNTERS = Schema.of("counters", String.class, Counter.class)
            .key(Counter::id)
            .uniqueIndex("slot", String.class, Counter::slot)
            .build();

    static final int THREADS = 8;

    Depot depot;
    Records<String, Counter> counters;
    ExecutorService pool;

    @BeforeEach
    void open() {
        depot = Depot.open("memory:latest-write-test");
        counters = depot.records(COUNTERS);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void close() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        depot.close();
    }

    private <T> List<T> race(Callable<T> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Future<T>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                return work.call();
            }));
        }
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    @Test
    void versionedIncrementsFromManyThreadsLoseNothing() throws Exception {
        int keys = 3;
        long before = depot.changes().lastSequence();
        for (int k = 0; k < keys; k++) {
            counters.insert(new Counter("k" + k, 0, null));
        }
        AtomicInteger next = new AtomicInteger();
        List<int[]> won = race(() -> {
            int[] mine = new int[keys];
            for (int i = 0; i < 3_000; i++) {
                int k = Math.floorMod(next.getAndIncrement(), keys);
                Versioned<Counter> v = counters.getVersioned("k" + k).orElseThrow();
                try {
                    counters.update(new Counter("k" + k, v.value().n() + 1, null), v.version());
                    mine[k]++;
                } catch (VersionConflictException lost) {
                    // another thread updated the key since our read: a real outcome, not counted
                }
            }
            return mine;
        });
        Map<String, Long> expectedVersion = new HashMap<>();
        for (int k = 0; k < keys; k++) {
            long wins = 0;
            for (int[] w : won) {
                wins += w[k];
            }
            Versioned<Counter> v = counters.getVersioned("k" + k).orElseThrow();
            assertThat(v.value().n()).isEqualTo(wins); // every successful update saw the one before it
            assertThat(v.version()).isEqualTo(wins + 1);
            expectedVersion.put("k" + k, 0L);
        }
        List<ChangeEvent> feed = depot.changes().since(before, Integer.MAX_VALUE);
        long seq = before;
        for (ChangeEvent e : feed) {
            assertThat(e.sequence()).isEqualTo(++seq); // gap-free, in order
            long previous = expectedVersion.get(e.key());
            assertThat(e.version()).isEqualTo(previous + 1); // each key's versions in commit order
            expectedVersion.put(e.key(), e.version());
        }
        assertThat(seq).isEqualTo(depot.changes().lastSequence());
        assertThat(MemoryStores.peek("latest-write-test").commits.openSnapshots()).isZero();
    }

    @Test
    void aContestedUniqueValueGoesToExactlyOneKey() throws Exception {
        for (int round = 0; round < 50; round++) {
            String slot = "slot-" + round;
            AtomicInteger id = new AtomicInteger();
            List<Boolean> inserted = race(() -> {
                try {
                    counters.insert(new Counter("r" + id.getAndIncrement() + "-" + slot, 0, slot));
                    return true;
                } catch (UniqueConstraintException taken) {
                    return false;
                }
            });
            assertThat(inserted).containsOnlyOnce(true);
            // Moving the value away and deleting frees it for exactly one next claimant.
            String holder = counters.query().list().stream()
                    .filter(c -> slot.equals(c.slot())).map(Counter::id).findFirst().orElseThrow();
            assertThat(counters.delete(holder)).isTrue();
            List<Boolean> again = race(() -> {
                try {
                    counters.save(new Counter("again-" + slot + "-" + id.getAndIncrement(), 0, slot));
                    return true;
                } catch (UniqueConstraintException taken) {
                    return false;
                }
            });
            assertThat(again).containsOnlyOnce(true);
        }
        assertThat(counters.count()).isEqualTo(50);
        assertThat(MemoryStores.peek("latest-write-test").commits.openSnapshots()).isZero();
    }

    @Test
    void aSnapshotKeepsSeeingTheVersionALatestWriteReplaced() {
        counters.insert(new Counter("a", 1, null));
        depot.transact(tx -> {
            Records<String, Counter> r = tx.records(COUNTERS);
            assertThat(r.get("a").orElseThrow().n()).isEqualTo(1); // snapshot registered here
            for (int i = 2; i <= 100; i++) {
                counters.update(new Counter("a", i, null)); // auto-commit, outside the transaction
            }
            assertThat(r.get("a").orElseThrow().n()).isEqualTo(1); // pruning kept the old version
            return null;
        });
        assertThat(counters.get("a").orElseThrow().n()).isEqualTo(100);
        MemoryCollection c = MemoryStores.peek("latest-write-test").collections().get("counters");
        MemoryStores.peek("latest-write-test").sweepOnce(); // the sweep is otherwise on the common pool
        assertThat(c.heads.get("a").prev).isNull();
    }
}
