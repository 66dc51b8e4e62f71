package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Memory comes back (issue 7, item 16): while a snapshot is open only the versions it sees are
 * kept, not one per update; once it closes the rest goes without any later write; {@code clear()}
 * releases versions and index runs. Measured by counting retained versions and run elements, not
 * by heap size or timing.
 */
class MemoryReclaimTest {
    record Item(String id, long rank, String tag) {}

    static final Schema<String, Item> ITEMS = Schema.of("reclaim", String.class, Item.class)
            .key(Item::id)
            .index("rank", Long.class, Item::rank)
            .index("tag", String.class, Item::tag)
            .build();

    Depot depot;
    Records<String, Item> items;
    ExecutorService pool = Executors.newSingleThreadExecutor();

    @BeforeEach
    void open() {
        // Compaction waits for garbage above max(minMerge, half the run): lower the floor so the
        // bounds below are about proportions, not about the 2048-element production floor.
        OrderedRuns.minMerge = 16;
        depot = Depot.open("memory:reclaim-test");
        items = depot.records(ITEMS);
    }

    @AfterEach
    void close() {
        OrderedRuns.minMerge = OrderedRuns.DEFAULT_MIN_MERGE;
        pool.shutdownNow();
        depot.close();
    }

    private MemoryCollection collection() {
        return MemoryStores.peek("reclaim-test").collections().get("reclaim");
    }

    /** Opens a transaction on another thread that reads (so holds a snapshot) until {@code release}. */
    private Future<Long> holdSnapshot(CountDownLatch holding, CountDownLatch release) {
        return pool.submit(() -> depot.transact(tx -> {
            long n = tx.records(ITEMS).query().where(Q.field("tag").eq("old")).count();
            holding.countDown();
            await(release);
            return n + 1000 * tx.records(ITEMS).query().where(Q.field("tag").eq("old")).count();
        }));
    }

    @Test
    void anOpenSnapshotKeepsOneOldVersionPerKeyAndClosingItReclaimsTheRest() throws Exception {
        int keys = 10;
        for (int k = 0; k < keys; k++) {
            items.insert(new Item("k" + k, k, "old"));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> reader = holdSnapshot(holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 5_000; i++) {
            items.update(new Item("k" + (i % keys), 100 + i, "new" + i));
        }
        MemoryCollection c = collection();
        assertThat(c.retainedVersions()).as("heads + what the open snapshot sees, not one per update").isEqualTo(2L * keys);
        assertThat(c.revisit).hasSize(keys);
        release.countDown();
        assertThat(reader.get(10, TimeUnit.SECONDS)).as("the snapshot still saw its versions").isEqualTo(10_010L);

        awaitTrue(() -> c.retainedVersions() == keys && c.revisit.isEmpty());
        awaitTrue(() -> c.runElements() < 3L * keys + 200);
        assertThat(items.query().where(Q.field("tag").eq("old")).count()).isZero();
        assertThat(items.query().orderBy("rank").list()).hasSize(keys);
    }

    @Test
    void clearReleasesVersionsAndIndexRuns() {
        for (int i = 0; i < 5_000; i++) {
            items.save(new Item("k" + i, i, "t" + (i % 7)));
        }
        MemoryCollection c = collection();
        assertThat(c.runElements()).isGreaterThanOrEqualTo(15_000L);
        items.clear();
        assertThat(c.retainedVersions()).isZero();
        assertThat(c.heads.isEmpty()).isTrue();
        assertThat(c.runElements()).as("keys and index entries of cleared records").isLessThan(100L);
        assertThat(items.count()).isZero();
        items.insert(new Item("again", 1, "t"));
        assertThat(items.query().where(Q.field("rank").eq(1L)).list()).extracting(Item::id).containsExactly("again");
    }

    @Test
    void clearUnderAnOpenSnapshotReleasesOnceItCloses() throws Exception {
        for (int i = 0; i < 2_000; i++) {
            items.save(new Item("k" + i, i, "old"));
        }
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> reader = holdSnapshot(holding, release);
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        items.clear();
        MemoryCollection c = collection();
        assertThat(c.retainedVersions()).as("tombstones + the versions the snapshot sees").isEqualTo(4_000L);
        release.countDown();
        assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(2_002_000L);
        awaitTrue(() -> c.retainedVersions() == 0 && c.heads.isEmpty());
        awaitTrue(() -> c.runElements() < 100L);
    }

    /** Waits (bounded) for background reclaim; the bound is a safety net, not a timing assertion. */
    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not reached within 30 s").isLessThan(until);
            Thread.sleep(5);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
