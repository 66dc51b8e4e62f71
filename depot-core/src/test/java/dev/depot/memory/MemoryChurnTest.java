package dev.depot.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.depot.AlreadyExistsException;
import dev.depot.ConflictException;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.NotFoundException;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Long random churn of the memory engine against a model ({@link TreeMap}), with merges and
 * compactions of the index runs made to happen constantly ({@link OrderedRuns#minMerge} lowered).
 * Writes rewrite keys to earlier values on purpose: that is what lost index entries (issue 7).
 *
 * <p>Bounded by time: {@code depot.churn.seconds} per test (default 5; 60 with {@code
 * -Ddepot.deep=true}). Every failure message names the seed and the step.
 */
class MemoryChurnTest {
    record Row(String id, long v, String tag, Long u) {}

    static final Schema<String, Row> ROWS = Schema.of("churn", String.class, Row.class)
            .key(Row::id)
            .index("v", Long.class, Row::v)
            .index("tag", String.class, Row::tag)
            .uniqueIndex("u", Long.class, Row::u)
            .build();

    static final long SECONDS = Long.getLong("depot.churn.seconds", Boolean.getBoolean("depot.deep") ? 60 : 5);
    /** Merge threshold of the index runs during these tests (production: 2048). */
    static final int MIN_MERGE = Integer.getInteger("depot.churn.minMerge", 32);
    static final String[] TAGS = {"a", "ab", "abc", "b", "bc", "c", null};

    @BeforeAll
    static void tinyRuns() {
        OrderedRuns.minMerge = MIN_MERGE; // merge and compact all the time
    }

    @AfterAll
    static void normalRuns() {
        OrderedRuns.minMerge = OrderedRuns.DEFAULT_MIN_MERGE;
    }

    /** The issue's program, bounded: one thread, background merges, rewrites to earlier values. */
    @Test
    void issueProgramKeepsEveryRecordIndexed() {
        OrderedRuns.minMerge = OrderedRuns.DEFAULT_MIN_MERGE; // as users run it
        record Item(String id, long v) {}
        Schema<String, Item> items = Schema.of("items", String.class, Item.class).key(Item::id).index("v", Long.class, Item::v).build();
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Item> r = depot.records(items);
            for (int i = 0; i < 1000; i++) {
                r.insert(new Item("k" + i, i));
            }
            Random random = new Random(42);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
            for (int i = 0; System.nanoTime() < until; i++) {
                r.save(new Item("k" + random.nextInt(1000), random.nextInt(1000)));
                if (i % 50 == 0) {
                    assertThat(r.query().orderBy("v", Direction.ASC).limit(10_000).page().items()).as("step %d", i).hasSize(1000);
                }
            }
        } finally {
            OrderedRuns.minMerge = MIN_MERGE;
        }
    }

    @Test
    void singleThreadFollowsTheModel() {
        long seed = System.nanoTime();
        try (Depot depot = Depot.open("memory:")) {
            new Worker(depot, new Random(seed), "s" + seed + "-", 0, 200).run(deadline(SECONDS));
        }
    }

    @Test
    void threadsOnDisjointKeysEachFollowTheirModel() throws Exception {
        int threads = 4;
        long seed = System.nanoTime();
        try (Depot depot = Depot.open("memory:")) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                long until = deadline(SECONDS);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Worker w = new Worker(depot, new Random(seed + t), "t" + t + "-", t, 100);
                    done.add(pool.submit(() -> w.run(until)));
                }
                for (Future<?> f : done) {
                    f.get(SECONDS + 60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Threads write one shared key set; a checker asserts the invariants a snapshot must show: every
     * live record is found by every index query that matches it, and no unique value is held twice.
     */
    @Test
    void threadsOnSharedKeysKeepTheInvariants() throws Exception {
        int writers = 3;
        int keys = 150;
        long seed = System.nanoTime();
        try (Depot depot = Depot.open("memory:")) {
            Records<String, Row> rows = depot.records(ROWS);
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            AtomicBoolean stop = new AtomicBoolean();
            try {
                long until = deadline(SECONDS);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < writers; t++) {
                    Random random = new Random(seed + t);
                    done.add(pool.submit(() -> {
                        while (System.nanoTime() < until) {
                            sharedWrite(depot, rows, random, keys);
                        }
                        return null;
                    }));
                }
                Future<Integer> checker = pool.submit(() -> {
                    int checks = 0;
                    while (!stop.get()) {
                        depot.transact(tx -> {
                            checkInvariants(tx.records(ROWS), "seed " + seed);
                            return null;
                        });
                        checks++;
                    }
                    return checks;
                });
                for (Future<?> f : done) {
                    f.get(SECONDS + 60, TimeUnit.SECONDS);
                }
                stop.set(true);
                assertThat(checker.get(60, TimeUnit.SECONDS)).isPositive();
            } finally {
                stop.set(true);
                pool.shutdownNow();
            }
            checkInvariants(rows, "seed " + seed + ", at the end");
        }
    }

    private static void sharedWrite(Depot depot, Records<String, Row> rows, Random random, int keys) {
        try {
            switch (random.nextInt(10)) {
                case 0 -> rows.delete("k" + random.nextInt(keys));
                case 1 -> depot.transact(tx -> {
                    Records<String, Row> r = tx.records(ROWS);
                    for (int i = 0; i < 3; i++) {
                        r.save(randomRow(random, "k" + random.nextInt(keys), 0, keys));
                    }
                    if (random.nextBoolean()) {
                        throw new Rollback();
                    }
                    return null;
                });
                case 2 -> {
                    Map<String, Row> batch = new LinkedHashMap<>();
                    for (int i = 0; i < 4; i++) {
                        Row row = randomRow(random, "k" + random.nextInt(keys), 0, keys);
                        batch.put(row.id(), row);
                    }
                    rows.saveAll(batch.values());
                }
                default -> rows.save(randomRow(random, "k" + random.nextInt(keys), 0, keys));
            }
        } catch (UniqueConstraintException | ConflictException | Rollback expected) {
            // another writer holds the value, or won the race: both are part of the game
        }
    }

    private static void checkInvariants(Records<String, Row> r, String context) {
        List<Row> all = r.query().list();
        assertThat(r.count()).as(context).isEqualTo(all.size());
        assertThat(r.query().orderBy("v").list()).as(context).hasSameSizeAs(all);
        assertThat(r.query().orderBy("v", Direction.DESC).list()).as(context).hasSameSizeAs(all);
        assertThat(r.query().orderBy("tag").list()).as(context).hasSameSizeAs(all);
        Set<Long> unique = new HashSet<>();
        for (Row row : all) {
            assertThat(r.query().where(Q.field("v").eq(row.v())).list()).as("%s: %s by v", context, row).contains(row);
            if (row.u() != null) {
                assertThat(unique.add(row.u())).as("%s: unique value held twice, %s", context, row).isTrue();
                assertThat(r.query().where(Q.field("u").eq(row.u())).list()).as("%s: %s by u", context, row).containsExactly(row);
            }
        }
    }

    static Row randomRow(Random random, String id, int part, int keys) {
        long base = part * 1_000_000L;
        Long u = random.nextInt(4) == 0 ? null : base + random.nextInt(keys * 2);
        return new Row(id, base + random.nextInt(40), TAGS[random.nextInt(TAGS.length)], u);
    }

    static long deadline(long seconds) {
        return System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    }

    /** Thrown from a transaction body to roll it back. */
    static final class Rollback extends RuntimeException {
        Rollback() {
            super(null, null, false, false);
        }
    }

    /**
     * One thread's random walk over its own keys (prefix {@code prefix}, index values in part
     * {@code part}), checked against its own model after every step.
     */
    static final class Worker {
        private final Depot depot;
        private final Records<String, Row> rows;
        private final Random random;
        private final String prefix;
        private final int part;
        private final int keys;
        private final long low;
        private final long high;
        private final TreeMap<String, Row> model = new TreeMap<>();
        /** Earlier rows of each key, for rewrites to earlier values. */
        private final Map<String, List<Row>> history = new HashMap<>();
        private int step;

        Worker(Depot depot, Random random, String prefix, int part, int keys) {
            this.depot = depot;
            this.rows = depot.records(ROWS);
            this.random = random;
            this.prefix = prefix;
            this.part = part;
            this.keys = keys;
            this.low = part * 1_000_000L;
            this.high = low + 999_999;
        }

        void run(long until) {
            while (System.nanoTime() < until) {
                step++;
                try {
                    writeStep();
                    if (step % 5 == 0) {
                        check(rows, model);
                    }
                } catch (AssertionError e) {
                    throw new AssertionError(prefix + " step " + step + ": " + e.getMessage(), e);
                }
            }
            check(rows, model);
        }

        private String key() {
            return prefix + "k" + random.nextInt(keys);
        }

        private Row next(String id) {
            List<Row> earlier = history.get(id);
            if (earlier != null && random.nextInt(3) == 0) {
                Row back = earlier.get(random.nextInt(earlier.size()));
                return back; // the same key back to an earlier value: the trigger of issue 7
            }
            return randomRow(random, id, part, keys);
        }

        private void remember(Row row) {
            List<Row> h = history.computeIfAbsent(row.id(), k -> new ArrayList<>());
            if (h.size() < 6) {
                h.add(row);
            } else {
                h.set(random.nextInt(h.size()), row);
            }
        }

        private void writeStep() {
            int op = random.nextInt(20);
            if (op < 9) {
                save(rows, model, next(key()));
            } else if (op < 11) {
                Row row = next(key());
                boolean exists = model.containsKey(row.id());
                if (exists) {
                    expect(AlreadyExistsException.class, () -> rows.insert(row));
                } else if (holder(model, row) != null) {
                    expect(UniqueConstraintException.class, () -> rows.insert(row));
                } else {
                    rows.insert(row);
                    put(model, row);
                }
            } else if (op < 12) {
                Row row = next(key());
                if (!model.containsKey(row.id())) {
                    expect(NotFoundException.class, () -> rows.update(row));
                } else if (holder(model, row) != null) {
                    expect(UniqueConstraintException.class, () -> rows.update(row));
                } else {
                    rows.update(row);
                    put(model, row);
                }
            } else if (op < 15) {
                String id = key();
                assertThat(rows.delete(id)).isEqualTo(model.remove(id) != null);
            } else if (op < 17) {
                saveAll();
            } else {
                transaction();
            }
        }

        private void save(Records<String, Row> r, TreeMap<String, Row> m, Row row) {
            if (holder(m, row) != null) {
                expect(UniqueConstraintException.class, () -> r.save(row));
            } else {
                r.save(row);
                put(m, row);
            }
        }

        private void put(TreeMap<String, Row> m, Row row) {
            m.put(row.id(), row);
            remember(row);
        }

        private void saveAll() {
            Map<String, Row> batch = new LinkedHashMap<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                Row row = next(key());
                batch.remove(row.id());
                batch.put(row.id(), row);
            }
            TreeMap<String, Row> after = new TreeMap<>(model);
            boolean ok = true;
            for (Row row : batch.values()) {
                if (holder(after, row) != null) {
                    ok = false;
                    break;
                }
                after.put(row.id(), row);
            }
            if (ok) {
                rows.saveAll(batch.values());
                batch.values().forEach(row -> put(model, row));
            } else {
                expect(UniqueConstraintException.class, () -> rows.saveAll(batch.values()));
            }
        }

        /** A few writes and reads in a transaction (reads see its own writes), then commit or roll back. */
        private void transaction() {
            boolean rollback = random.nextInt(3) == 0;
            TreeMap<String, Row> view = new TreeMap<>(model);
            List<Row> written = new ArrayList<>();
            try {
                depot.transact(tx -> {
                    Records<String, Row> r = tx.records(ROWS);
                    int n = 1 + random.nextInt(5);
                    for (int i = 0; i < n; i++) {
                        if (random.nextInt(4) == 0) {
                            String id = key();
                            assertThat(r.delete(id)).isEqualTo(view.remove(id) != null);
                            written.add(new Row(id, 0, null, null)); // a marker: deleted
                        } else {
                            Row row = next(key());
                            if (holder(view, row) == null) {
                                r.save(row);
                                view.put(row.id(), row);
                                written.add(row);
                            }
                        }
                        check(r, view);
                    }
                    if (rollback) {
                        throw new Rollback();
                    }
                    return null;
                });
            } catch (Rollback expected) {
                check(rows, model); // nothing of it is visible
                return;
            }
            assertThat(rollback).isFalse();
            model.clear();
            model.putAll(view);
            written.stream().filter(w -> view.get(w.id()) == w).forEach(this::remember);
        }

        /** The row of another key holding {@code row}'s unique value, or null. */
        private static Row holder(TreeMap<String, Row> m, Row row) {
            if (row.u() == null) {
                return null;
            }
            for (Row other : m.values()) {
                if (!other.id().equals(row.id()) && row.u().equals(other.u())) {
                    return other;
                }
            }
            return null;
        }

        /** Every kind of query on this worker's part agrees with the model. */
        private void check(Records<String, Row> r, TreeMap<String, Row> m) {
            Comparator<Row> byV = Comparator.comparingLong(Row::v).thenComparing(Row::id);
            Comparator<Row> byVDesc = Comparator.comparingLong(Row::v).reversed().thenComparing(Row::id);
            assertThat(ids(r.query().where(Q.field("v").between(low, high)).list())).as("all by key").isEqualTo(ids(m.values()));
            assertThat(r.query().where(Q.field("v").between(low, high)).count()).as("count").isEqualTo(m.size());
            long v = low + random.nextInt(40);
            assertThat(ids(r.query().where(Q.field("v").eq(v)).list())).as("v = %d", v).isEqualTo(ids(select(m, x -> x.v() == v, null)));
            long a = low + random.nextInt(40);
            long b = a + random.nextInt(10);
            assertThat(ids(r.query().where(Q.field("v").ge(a)).and(Q.field("v").lt(b)).list())).as("%d <= v < %d", a, b)
                    .isEqualTo(ids(select(m, x -> x.v() >= a && x.v() < b, null)));
            int limit = 1 + random.nextInt(30);
            assertThat(ids(r.query().where(Q.field("v").between(low, high)).orderBy("v").limit(limit).list())).as("order by v")
                    .isEqualTo(ids(select(m, x -> true, byV)).subList(0, Math.min(limit, m.size())));
            assertThat(ids(r.query().where(Q.field("v").between(low, high)).orderBy("v", Direction.DESC).limit(limit).list()))
                    .as("order by v desc").isEqualTo(ids(select(m, x -> true, byVDesc)).subList(0, Math.min(limit, m.size())));
            String tag = TAGS[random.nextInt(TAGS.length - 1)];
            assertThat(ids(r.query().where(Q.field("tag").eq(tag)).and(Q.field("v").between(low, high)).list())).as("tag = %s", tag)
                    .isEqualTo(ids(select(m, x -> tag.equals(x.tag()), null)));
            assertThat(r.query().where(Q.field("tag").startsWith(tag)).and(Q.field("v").between(low, high)).count())
                    .as("tag starts with %s", tag).isEqualTo(select(m, x -> x.tag() != null && x.tag().startsWith(tag), null).size());
            long u = low + random.nextInt(keys * 2);
            assertThat(ids(r.query().where(Q.field("u").eq(u)).list())).as("u = %d", u).isEqualTo(ids(select(m, x -> Objects.equals(x.u(), u), null)));
            String id = key();
            assertThat(r.get(id).orElse(null)).as("get %s", id).isEqualTo(m.get(id));
        }

        private static List<Row> select(TreeMap<String, Row> m, Predicate<Row> p, Comparator<Row> order) {
            List<Row> out = new ArrayList<>();
            for (Row row : m.values()) {
                if (p.test(row)) {
                    out.add(row);
                }
            }
            if (order != null) {
                out.sort(order);
            }
            return out;
        }

        private static List<String> ids(Iterable<Row> rows) {
            List<String> out = new ArrayList<>();
            rows.forEach(row -> out.add(row.id()));
            return out;
        }

        private static void expect(Class<? extends Throwable> type, Runnable call) {
            try {
                call.run();
            } catch (Throwable t) {
                if (type.isInstance(t)) {
                    return;
                }
                throw new AssertionError("expected " + type.getSimpleName() + " but got " + t, t);
            }
            fail("expected " + type.getSimpleName());
        }
    }
}
