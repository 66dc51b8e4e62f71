package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A commit applies whole or not at all, whatever is thrown inside it: an {@link OutOfMemoryError}
 * is injected at each point of the commit path (through {@link MemoryStore#faults}), and afterwards
 * reads, queries, counts and the change feed agree with the state before, sequences stay gap-free
 * and the store stays usable. A failing merge is logged and changes nothing visible.
 */
class MemoryFaultTest {
    record Row(String id, long v, String tag, Long u) {}

    static final Schema<String, Row> ROWS = Schema.of("faults", String.class, Row.class)
            .key(Row::id)
            .index("v", Long.class, Row::v)
            .index("tag", String.class, Row::tag)
            .uniqueIndex("u", Long.class, Row::u)
            .build();

    Depot depot;
    Records<String, Row> rows;
    MemoryStore store;

    @BeforeEach
    void open() {
        depot = Depot.open("memory:fault-test");
        rows = depot.records(ROWS);
        store = MemoryStores.peek("fault-test");
        for (int i = 0; i < 20; i++) {
            rows.insert(new Row("k" + i, i % 5, "t" + (i % 3), (long) i));
        }
    }

    @AfterEach
    void close() {
        store.faults = FaultProbe.NONE;
        OrderedRuns.minMerge = OrderedRuns.DEFAULT_MIN_MERGE;
        depot.close();
    }

    /** Throws at the {@code n}-th time the commit path passes {@code point}. */
    private AtomicInteger failAt(FaultProbe.Point point, int n) {
        AtomicInteger hits = new AtomicInteger();
        store.faults = p -> {
            if (p == point && hits.incrementAndGet() == n) {
                throw new OutOfMemoryError("injected at " + point + " #" + n);
            }
        };
        return hits;
    }

    @ParameterizedTest
    @EnumSource(value = FaultProbe.Point.class, names = "MERGE", mode = EnumSource.Mode.EXCLUDE)
    void aSaveAllFailingAnywhereInsideItsCommitAppliesNothing(FaultProbe.Point point) {
        for (int n : new int[] {1, 2, 7, 29}) {
            State before = State.of(depot, rows);
            List<Row> batch = new ArrayList<>();
            for (int i = 0; i < 15; i++) {
                batch.add(new Row("k" + (i * 2), 100 + i, "new", 1_000L + i)); // updates
                batch.add(new Row("n" + i, 200 + i, "new", 2_000L + i)); // inserts
            }
            AtomicInteger hits = failAt(point, n);
            if (expectFailure(() -> rows.saveAll(batch), hits, n)) {
                store.faults = FaultProbe.NONE;
                assertThat(State.of(depot, rows)).as("%s #%d", point, n).isEqualTo(before);
            }
            store.faults = FaultProbe.NONE;
            assertUsableAndGapFree(before.last);
        }
    }

    @ParameterizedTest
    @EnumSource(value = FaultProbe.Point.class, names = "MERGE", mode = EnumSource.Mode.EXCLUDE)
    void aTransactionFailingAnywhereInsideItsCommitAppliesNothing(FaultProbe.Point point) {
        for (int n : new int[] {1, 3, 8}) {
            State before = State.of(depot, rows);
            AtomicInteger hits = failAt(point, n);
            boolean failed = expectFailure(() -> depot.transact(tx -> {
                Records<String, Row> r = tx.records(ROWS);
                r.delete("k1");
                r.update(new Row("k3", 77, "moved", 3L));
                r.insert(new Row("x", 1, "t0", 1_001L));
                r.save(new Row("k5", 0, null, null));
                return null;
            }), hits, n);
            store.faults = FaultProbe.NONE;
            if (failed) {
                assertThat(State.of(depot, rows)).as("%s #%d", point, n).isEqualTo(before);
            }
            assertUsableAndGapFree(before.last);
            depot.transact(tx -> { // put the rows back for the next round
                Records<String, Row> r = tx.records(ROWS);
                r.delete("x");
                r.save(new Row("k1", 1, "t1", 1L));
                r.save(new Row("k3", 3, "t0", 3L));
                r.save(new Row("k5", 0, "t2", 5L));
                return null;
            });
        }
    }

    @Test
    void aGetWaitingOnAFailingCommitReturnsTheOldVersion() {
        failAt(FaultProbe.Point.AFTER_EVENTS, 1);
        Row old = rows.get("k4").orElseThrow();
        assertThatThrownBy(() -> rows.save(new Row("k4", 9, "t9", 4L))).isInstanceOf(OutOfMemoryError.class);
        store.faults = FaultProbe.NONE;
        assertThat(rows.get("k4")).contains(old);
        rows.save(new Row("k4", 9, "t9", 4L));
        assertThat(rows.get("k4").orElseThrow().v()).isEqualTo(9);
    }

    @Test
    void aFailingMergeIsLoggedAndLeavesTheRunsValid() {
        OrderedRuns.minMerge = 4;
        AtomicInteger merges = new AtomicInteger();
        store.faults = p -> {
            if (p == FaultProbe.Point.MERGE && merges.incrementAndGet() % 2 == 1) {
                throw new OutOfMemoryError("injected in a merge");
            }
        };
        for (int round = 0; round < 300; round++) {
            rows.save(new Row("k" + (round % 20), round % 7, "t" + (round % 4), (long) round % 20));
        }
        assertThat(merges.get()).as("merges ran").isGreaterThan(2);
        store.faults = FaultProbe.NONE;
        MemoryCollection c = store.collections().get("faults");
        c.mergeRunsIfDue();
        assertThat(rows.count()).isEqualTo(20);
        assertThat(rows.query().orderBy("v").list()).hasSize(20);
        for (int i = 0; i < 20; i++) {
            Row r = rows.get("k" + i).orElseThrow();
            assertThat(rows.query().where(Q.field("v").eq(r.v())).list()).contains(r);
            assertThat(rows.query().where(Q.field("u").eq(r.u())).list()).containsExactly(r);
        }
    }

    @Test
    void aRedeclaredCollectionRefusesTheOldHandleAndAppliesNothing() {
        record Other(String id, long v, String tag, Long u) {}
        Schema<String, Other> redeclared = Schema.of("faults", String.class, Other.class)
                .key(Other::id)
                .index("tag", String.class, Other::tag)
                .build();
        State before = State.of(depot, rows);
        Records<String, Other> other = depot.records(redeclared); // reindexes the collection
        assertThatThrownBy(() -> rows.insert(new Row("new", 1, "t", 99L)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("faults");
        assertThatThrownBy(() -> rows.query().where(Q.field("v").eq(1L)).list())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("faults");
        assertThat(other.count()).isEqualTo(before.count);
        assertThat(other.query().list()).hasSize((int) before.count);
        assertThat(depot.changes().lastSequence()).isEqualTo(before.last);

        // a transaction that wrote through the old declaration before the redeclaration
        Records<String, Row> again = depot.records(ROWS); // back to the first declaration
        assertThatThrownBy(() -> depot.transact(tx -> {
            tx.records(ROWS).save(new Row("late", 1, "t", 98L));
            // Someone else redeclares while the transaction is open (this thread may not: it used the collection).
            java.util.concurrent.CompletableFuture.runAsync(() -> depot.records(redeclared),
                    r -> Thread.ofPlatform().start(r)).join();
            return null;
        })).isInstanceOf(IllegalStateException.class).hasMessageContaining("faults");
        assertThat(other.get("late")).isEmpty();
        assertThat(depot.changes().lastSequence()).isEqualTo(before.last);
        assertThat(again).isNotNull();
    }

    /** Runs {@code call}; returns whether it failed with the injected error (false: the point was never hit n times). */
    private static boolean expectFailure(Runnable call, AtomicInteger hits, int n) {
        try {
            call.run();
        } catch (OutOfMemoryError e) {
            assertThat(e).hasMessageContaining("injected");
            return true;
        }
        assertThat(hits.get()).as("succeeded though the fault point was hit").isLessThan(n);
        return false;
    }

    /** A write succeeds after the failure and takes the next sequence: none was lost or skipped. */
    private void assertUsableAndGapFree(long lastBefore) {
        long last = depot.changes().lastSequence();
        List<ChangeEvent> all = depot.changes().since(0, 100_000);
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i).sequence()).isEqualTo(all.get(i - 1).sequence() + 1);
        }
        assertThat(all.isEmpty() ? 0 : all.get(all.size() - 1).sequence()).isEqualTo(last);
        rows.save(new Row("probe", 1, "p", null));
        assertThat(depot.changes().since(last)).extracting(ChangeEvent::sequence).containsExactly(last + 1);
        assertThat(rows.delete("probe")).isTrue();
        assertThat(last).isGreaterThanOrEqualTo(lastBefore);
    }

    /** Everything a reader can observe of the collection and the feed. */
    record State(List<Row> all, long count, List<Row> byV, List<Row> byVDesc, List<List<Row>> eqV, List<List<Row>> eqU,
            List<Row> tagT0, long last, List<ChangeEvent> events) {
        static State of(Depot depot, Records<String, Row> r) {
            List<List<Row>> eqV = new ArrayList<>();
            for (long v = 0; v < 5; v++) {
                eqV.add(r.query().where(Q.field("v").eq(v)).list());
            }
            List<List<Row>> eqU = new ArrayList<>();
            for (long u = 0; u < 20; u++) {
                eqU.add(r.query().where(Q.field("u").eq(u)).list());
            }
            long last = depot.changes().lastSequence();
            return new State(r.query().list(), r.count(), r.query().orderBy("v").list(),
                    r.query().orderBy("v", Direction.DESC).list(), eqV, eqU,
                    r.query().where(Q.field("tag").eq("t0")).list(), last, depot.changes().since(0, 100_000));
        }
    }

}
