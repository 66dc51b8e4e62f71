package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Engine internals the conformance kit cannot see: old versions are pruned once no snapshot needs
 * them, snapshots are always deregistered, index entries of overwritten values disappear.
 */
class MemoryEngineTest {
    record Item(String id, String tag, long rank) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class)
            .key(Item::id)
            .index("tag", String.class, Item::tag)
            .uniqueIndex("rank", Long.class, Item::rank)
            .build();

    Depot depot;
    Records<String, Item> items;

    @BeforeEach
    void open() {
        depot = Depot.open("memory:engine-test");
        items = depot.records(ITEMS);
    }

    @AfterEach
    void close() {
        depot.close();
    }

    private MemoryCollection collection() {
        return MemoryStores.peek("engine-test").collections().get("items");
    }

    @Test
    void overwrittenVersionsArePrunedAndStaleIndexEntriesCompacted() {
        items.insert(new Item("a", "red", 1));
        int updates = 20_000;
        for (int i = 2; i <= updates; i++) {
            items.update(new Item("a", "tag" + i, i));
        }
        MemoryCollection c = collection();
        c.mergeRunsIfDue(); // merges run in the background; finish any due one before measuring
        assertThat(c.heads.get("a").prev).isNull();
        assertThat(c.indexes[0].size()).isLessThan(6 * 2048); // not 20,000: garbage was compacted
        assertThat(items.query().where(Q.field("tag").eq("red")).list()).isEmpty();
        assertThat(items.query().where(Q.field("tag").startsWith("tag")).count()).isEqualTo(1);
        assertThat(items.query().where(Q.field("rank").eq(updates)).list()).extracting(Item::tag).containsExactly("tag" + updates);
    }

    @Test
    void deletedKeysLeaveNothingBehind() {
        items.insert(new Item("a", "red", 1));
        assertThat(items.delete("a")).isTrue();
        MemoryCollection c = collection();
        assertThat(c.heads.isEmpty()).isTrue();
        assertThat(items.query().list()).isEmpty();
        assertThat(items.query().where(Q.field("tag").eq("red")).count()).isZero();
        assertThat(MemoryStores.peek("engine-test").commits.openSnapshots()).isZero();
    }

    @Test
    void versionsNeededByAnOpenSnapshotSurviveUntilItCloses() throws Exception {
        items.insert(new Item("a", "red", 1));
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch written = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<String> reader = pool.submit(() -> depot.transact(tx -> {
                var r = tx.records(ITEMS);
                r.get("a");
                read.countDown();
                await(written);
                return r.get("a").orElseThrow().tag() + "/" + r.query().where(Q.field("tag").eq("red")).count();
            }));
            read.await(10, TimeUnit.SECONDS);
            items.update(new Item("a", "blue", 1));
            assertThat(collection().heads.get("a").prev).isNotNull();
            written.countDown();
            assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo("red/1");
        } finally {
            pool.shutdownNow();
        }
        items.update(new Item("a", "green", 1));
        assertThat(collection().heads.get("a").prev).isNull();
        assertThat(items.query().where(Q.field("tag").eq("red")).count()).isZero();
        assertThat(items.query().where(Q.field("tag").eq("green")).count()).isEqualTo(1);
    }

    @Test
    void losersOfARaceGetAConflictAndLeaveNoTrace() {
        items.insert(new Item("a", "red", 1));
        assertThatThrownBy(() -> depot.transact(tx -> {
            tx.records(ITEMS).update(new Item("a", "mine", 1));
            items.update(new Item("a", "theirs", 1)); // commits first, outside the transaction
            return null;
        })).isInstanceOf(ConflictException.class);
        assertThat(items.get("a").orElseThrow().tag()).isEqualTo("theirs");
        assertThat(MemoryStores.peek("engine-test").commits.openSnapshots()).isZero();
    }

    @Test
    void anUnchangedIndexValueKeepsItsEntryThroughUpdatesAndCompactions() {
        items.insert(new Item("a", "red", 1));
        MemoryCollection c = collection();
        long elements = c.runElements();
        for (int i = 0; i < 1_000; i++) {
            items.update(new Item("a", "red", 1)); // same index values: no new entry
        }
        assertThat(c.runElements()).isEqualTo(elements);
        OrderedRuns.minMerge = 4; // merge and compact all the time
        try {
            for (int i = 0; i < 2_000; i++) {
                String tag = i % 2 == 0 ? "blue" : "red"; // garbage in "tag"; "rank" entry shared throughout
                items.update(new Item("a", tag, 1));
                c.mergeRunsIfDue();
                assertThat(items.query().where(Q.field("rank").eq(1L)).list()).extracting(Item::tag).containsExactly(tag);
                assertThat(items.query().where(Q.field("tag").eq(tag)).count()).isEqualTo(1);
                assertThat(items.query().where(Q.field("tag").eq(i % 2 == 0 ? "red" : "blue")).count()).isZero();
            }
        } finally {
            OrderedRuns.minMerge = OrderedRuns.DEFAULT_MIN_MERGE;
        }
    }

    @Test
    void descendingOrderKeepsTiesInKeyOrder() {
        items.saveAll(List.of(new Item("c", "x", 3), new Item("a", "x", 1), new Item("b", "y", 2), new Item("d", null, 4)));
        assertThat(items.query().orderBy("tag", Direction.DESC).list()).extracting(Item::id).containsExactly("b", "a", "c", "d");
        assertThat(items.query().orderBy("tag").list()).extracting(Item::id).containsExactly("d", "a", "c", "b");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
