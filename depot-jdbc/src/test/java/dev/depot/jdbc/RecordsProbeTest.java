package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential probes of the records API: each scenario runs on memory and on one database, writing a
 * transcript of every answer (values, or exception class and message); the transcripts must be equal.
 */
class RecordsProbeTest {
    private static final String PREFIX = "p24r_";

    record Item(String id, String name, Long score, Double ratio) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id)
            .index("name", String.class, Item::name)
            .index("score", Long.class, Item::score)
            .index("ratio", Double.class, Item::ratio)
            .build();

    static final Schema<String, Item> OTHER = Schema.of("others", String.class, Item.class).key(Item::id)
            .index("name", String.class, Item::name)
            .index("score", Long.class, Item::score)
            .build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    /** A transcript: every answer, or the exception's class and message. */
    static class Log {
        final List<String> lines = new ArrayList<>();

        void add(String what, Supplier<?> call) {
            try {
                lines.add(what + " -> " + call.get());
            } catch (RuntimeException e) {
                lines.add(what + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }

        void run(String what, Runnable call) {
            add(what, () -> {
                call.run();
                return "ok";
            });
        }
    }

    static List<String> keys(List<Item> items) {
        return items.stream().map(Item::id).toList();
    }

    static String page(Page<Item> p) {
        return keys(p.items()) + (p.nextCursor() == null ? " end" : " more");
    }

    /** Runs {@code scenario} on memory and on the database, and compares the transcripts. */
    static void compare(String db, TestDatabases.UrlSource opener, DepotOptions options, Function<Depot, List<String>> scenario) {
        List<String> memory;
        try (Depot depot = Depot.open("memory:", options)) {
            memory = scenario.apply(depot);
        }
        List<String> sql;
        try (Depot depot = Depot.open(ReadableSchemaTest.url(opener, PREFIX), options)) {
            sql = scenario.apply(depot);
            depot.clear();
        }
        System.out.println("---- " + db);
        if (db.equals("h2-mem")) {
            memory.forEach(l -> System.out.println("MEM " + l));
        }
        for (int i = 0; i < Math.max(memory.size(), sql.size()); i++) {
            String m = i < memory.size() ? memory.get(i) : "<none>";
            String s = i < sql.size() ? sql.get(i) : "<none>";
            if (!m.equals(s)) {
                System.out.println("DIFF memory: " + m);
                System.out.println("DIFF " + db + ": " + s);
            }
        }
        assertThat(sql).isEqualTo(memory);
    }

    static void compare(String db, TestDatabases.UrlSource opener, Function<Depot, List<String>> scenario) {
        compare(db, opener, DepotOptions.defaults(), scenario);
    }

    static void seed(Records<String, Item> r, int n) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            items.add(new Item(String.format("k%02d", i), i % 3 == 0 ? null : "n" + (i % 5), (long) (i % 7), i % 4 == 0 ? null : i / 3.0));
        }
        r.saveAll(items);
    }

    // ---- transactions: queries see the transaction's own writes, in order and in pages ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void queriesInsideATransactionSeeOwnWritesPagedAndCounted(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 30);
            depot.inTransaction(tx -> {
                Records<String, Item> t = tx.records(ITEMS);
                t.update(new Item("k03", "a-moved", 100L, 0.5));
                t.delete("k05");
                t.insert(new Item("k05b", "n1", 3L, -0.0));
                t.insert(new Item("a00", null, null, null));
                t.save(new Item("k10", "n0", 3L, Double.NEGATIVE_INFINITY));
                t.delete("k29");
                t.insert(new Item("k29", "zz", Long.MIN_VALUE, Double.POSITIVE_INFINITY));
                t.insert(new Item("k99", "n1", Long.MAX_VALUE, Double.MIN_VALUE));
                for (Direction d : Direction.values()) {
                    for (String order : List.of("", "name", "score", "ratio")) {
                        for (int size : List.of(1, 3, 7)) {
                            Query<Item> q = t.query().limit(size);
                            if (!order.isEmpty()) {
                                q = q.orderBy(order, d);
                            }
                            List<String> all = new ArrayList<>();
                            Page<Item> p = q.page();
                            int guard = 0;
                            while (true) {
                                all.addAll(keys(p.items()));
                                if (p.nextCursor() == null || guard++ > 100) {
                                    break;
                                }
                                p = q.after(p.nextCursor()).page();
                            }
                            log.lines.add(order + " " + d + " " + size + ": " + all);
                            final Query<Item> qq = q;
                            log.add("offset2 " + order + d + size, () -> keys(qq.offset(2).list()));
                            log.add("stream " + order + d + size, () -> qq.stream().map(Item::id).toList());
                        }
                    }
                }
                log.add("count", t::count);
                log.add("count score 3", () -> t.query().where(Q.field("score").eq(3L)).count());
                log.add("count name n1", () -> t.query().where(Q.field("name").eq("n1")).count());
                log.add("count name null", () -> t.query().where(Q.field("name").isNull()).count());
                log.add("count not score 3", () -> t.query().where(Q.not(Q.field("score").eq(3L))).count());
                log.add("ratio eq -0.0", () -> keys(t.query().where(Q.field("ratio").eq(0.0)).list()));
                log.add("ratio eq 0.0 neg", () -> keys(t.query().where(Q.field("ratio").eq(-0.0)).list()));
                log.add("ratio gt max", () -> keys(t.query().where(Q.field("ratio").gt(Double.MAX_VALUE)).list()));
                log.add("ratio lt -max", () -> keys(t.query().where(Q.field("ratio").lt(-Double.MAX_VALUE)).list()));
                log.add("ratio between 0 and min", () -> keys(t.query().where(Q.field("ratio").between(0.0, Double.MIN_VALUE)).list()));
                log.add("score le min", () -> keys(t.query().where(Q.field("score").le(Long.MIN_VALUE)).list()));
                log.add("score ge max", () -> keys(t.query().where(Q.field("score").ge(Long.MAX_VALUE)).list()));
                log.add("first by score desc", () -> t.query().orderBy("score", Direction.DESC).first().map(Item::id));
                log.add("name startsWith n", () -> keys(t.query().where(Q.field("name").startsWith("n")).orderBy("name").list()));
                log.add("exists k05", () -> t.exists("k05"));
                log.add("exists k05b", () -> t.exists("k05b"));
                log.add("getAll", () -> t.getAll(List.of("k05", "k05b", "a00", "k29", "nope")).keySet());
            });
            log.add("after commit", () -> keys(r.query().orderBy("score", Direction.DESC).list()));
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void clearAndDeleteInsideATransactionThenQuery(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 12);
            depot.inTransaction(tx -> {
                Records<String, Item> t = tx.records(ITEMS);
                log.add("count before", t::count);
                log.run("clear", t::clear);
                log.add("count after clear", t::count);
                log.add("list after clear", () -> keys(t.query().list()));
                log.add("insert k01 again", () -> t.insert(new Item("k01", "x", 1L, 1.0)));
                log.add("update k02", () -> t.update(new Item("k02", "x", 1L, 1.0)));
                log.add("delete k03", () -> t.delete("k03"));
                log.add("save k04", () -> t.save(new Item("k04", "y", 2L, 2.0)));
                log.add("update k04 at 1", () -> t.update(new Item("k04", "y", 3L, 2.0), 1));
                log.add("update k04 at 2", () -> t.update(new Item("k04", "y", 3L, 2.0), 2));
                log.add("delete k04 at 3", () -> t.delete("k04", 3));
                log.add("delete k04 at 1", () -> t.delete("k04", 1));
                log.add("count", t::count);
                log.add("list by name", () -> keys(t.query().orderBy("name", Direction.DESC).list()));
                log.add("page", () -> page(t.query().limit(1).page()));
                log.add("count by score", () -> t.query().where(Q.field("score").ge(1L)).count());
            });
            log.add("after", () -> keys(r.query().list()));
            log.add("events", () -> depot.changes().since(12).stream().map(e -> e.op() + " " + e.key() + " v" + e.version()).toList());
            return log.lines;
        });
    }

    // ---- cursors ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void tamperedTruncatedAndForeignCursors(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            Records<String, Item> o = depot.records(OTHER);
            seed(r, 20);
            seed(o, 20);
            Query<Item> byScore = r.query().orderBy("score").limit(4);
            String c = byScore.page().nextCursor();
            log.lines.add("cursor " + c);
            log.add("same", () -> page(byScore.after(c).page()));
            for (int cut = 1; cut < c.length(); cut++) {
                String t = c.substring(0, cut);
                log.add("cut " + cut, () -> page(byScore.after(t).page()));
            }
            char[] chars = c.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                char[] copy = chars.clone();
                copy[i] = copy[i] == 'A' ? 'B' : 'A';
                String t = new String(copy);
                log.add("flip " + i, () -> page(byScore.after(t).page()));
            }
            log.add("padded", () -> page(byScore.after(c + "==").page()));
            log.add("space", () -> page(byScore.after(" " + c).page()));
            log.add("empty", () -> page(byScore.after("").page()));
            log.add("other direction", () -> page(r.query().orderBy("score", Direction.DESC).limit(4).after(c).page()));
            log.add("other collection", () -> page(o.query().orderBy("score").limit(4).after(c).page()));
            log.add("other filter", () -> page(r.query().where(Q.field("name").eq("n1")).orderBy("score").limit(4).after(c).page()));
            log.add("count with cursor", () -> byScore.after(c).count());
            for (String json : List.of(
                    "[1,\"score\",\"a\",3,\"k03\"]",
                    "[1,\"score\",\"a\",3,\"k03\"] garbage",
                    "[1,\"score\",\"a\",3,\"k03\",6]",
                    "[1,\"score\",\"a\",3.5,\"k03\"]",
                    "[1,\"score\",\"a\",\"3\",\"k03\"]",
                    "[1,\"score\",\"a\",9223372036854775808,\"k03\"]",
                    "[1,\"score\",\"a\",-9223372036854775808,\"k03\"]",
                    "[1,\"score\",\"a\",9223372036854775807,\"\"]",
                    "[1,\"score\",\"a\",null,\"k03\"]",
                    "[1,\"score\",\"a\",3,\"k\\u0000\"]",
                    "[1,\"score\",\"a\",3,\"\\ud800\"]",
                    "[1,\"score\",\"a\",3,3]",
                    "[1,\"score\",\"a\",3,null]",
                    "[2,\"score\",\"a\",3,\"k03\"]",
                    "[1.0,\"score\",\"a\",3,\"k03\"]",
                    "[1,\"SCORE\",\"a\",3,\"k03\"]",
                    "[1,\"score\",\"A\",3,\"k03\"]",
                    "{\"a\":1}",
                    "null",
                    "[1,\"ratio\",\"a\",\"Infinity\",\"k03\"]",
                    "[1,\"ratio\",\"a\",\"NaN\",\"k03\"]",
                    "[1,\"ratio\",\"a\",1e999,\"k03\"]",
                    "[1,\"ratio\",\"a\",-0.0,\"k03\"]",
                    "[1,\"name\",\"a\",\"" + "x".repeat(513) + "\",\"k03\"]",
                    "[1,\"name\",\"a\",\"" + "x".repeat(512) + "\",\"k03\"]",
                    "[1,\"\",\"a\",null,\"" + "k".repeat(256) + "\"]",
                    "[1,\"\",\"a\",null,\"k05\"]",
                    "[1,\"\",\"a\",\"k05\",\"k05\"]")) {
                String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
                log.add("forged " + json.substring(0, Math.min(60, json.length())), () -> {
                    String order = json.contains("\"score\"") || json.contains("\"SCORE\"") ? "score"
                            : json.contains("\"ratio\"") ? "ratio" : json.contains("\"name\"") ? "name" : "";
                    Query<Item> q = r.query().limit(4);
                    if (!order.isEmpty()) {
                        q = q.orderBy(order);
                    }
                    return page(q.after(forged).page());
                });
            }
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void pagingWhileRowsChangeBetweenPages(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 20);
            for (String order : List.of("", "name", "score", "ratio")) {
                for (Direction d : Direction.values()) {
                    Query<Item> q = order.isEmpty() ? r.query().limit(3) : r.query().orderBy(order, d).limit(3);
                    Page<Item> p = q.page();
                    List<String> seen = new ArrayList<>(keys(p.items()));
                    int step = 0;
                    while (p.nextCursor() != null && step < 50) {
                        step++;
                        String last = p.items().get(p.items().size() - 1).id();
                        // move the last returned row, delete a later one, insert one before and one after
                        r.save(new Item(last, "n" + step, (long) -step, -step * 1.0));
                        r.delete(String.format("k%02d", (step * 7) % 20));
                        r.save(new Item("a" + step, "a" + step, (long) step, step * 1.0));
                        r.save(new Item("z" + step, "z" + step, 100L + step, 100.0 + step));
                        p = q.after(p.nextCursor()).page();
                        seen.addAll(keys(p.items()));
                    }
                    log.lines.add(order + " " + d + ": " + seen);
                    r.clear();
                    seed(r, 20);
                }
            }
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void streamsInsideATransactionAcrossBatchesSeeOwnWrites(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            List<Item> items = new ArrayList<>();
            for (int i = 0; i < 700; i++) {
                items.add(new Item(String.format("k%04d", i), "n" + (i % 13), (long) (i % 17), i % 5 == 0 ? null : i * 0.5));
            }
            r.saveAll(items);
            depot.inTransaction(tx -> {
                Records<String, Item> t = tx.records(ITEMS);
                for (int i = 0; i < 700; i += 2) {
                    t.update(new Item(String.format("k%04d", i), "m" + (i % 7), (long) (-i % 11), i % 3 == 0 ? null : -i * 0.25));
                }
                for (int i = 1; i < 700; i += 9) {
                    t.delete(String.format("k%04d", i));
                }
                for (int i = 0; i < 300; i++) {
                    t.insert(new Item(String.format("j%04d", i), i % 4 == 0 ? null : "n" + (i % 13), (long) (i % 19), i * 1.0));
                }
                for (String order : List.of("", "name", "score", "ratio")) {
                    for (Direction d : Direction.values()) {
                        Query<Item> q = order.isEmpty() ? t.query() : t.query().orderBy(order, d);
                        log.add("stream " + order + d, () -> q.stream().map(Item::id).toList().hashCode() + " " + q.stream().count());
                        log.add("stream limit 300 " + order + d, () -> q.limit(300).stream().map(Item::id).toList().hashCode());
                        log.add("stream offset 250 " + order + d, () -> q.offset(250).stream().map(Item::id).toList().hashCode());
                        log.add("list " + order + d, () -> q.list().stream().map(Item::id).toList().hashCode());
                        log.add("filtered " + order + d, () -> q.where(Q.field("score").between(-5L, 5L)).stream().map(Item::id).toList().hashCode());
                        log.add("count filtered " + order + d, () -> q.where(Q.field("name").startsWith("n1")).count());
                    }
                }
            });
            return log.lines;
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void extremeLimitsAndOffsets(String db, TestDatabases.UrlSource opener) {
        compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 5);
            for (int limit : List.of(Integer.MAX_VALUE, Integer.MAX_VALUE - 1, 1 << 30)) {
                for (long offset : List.of(0L, 3L, Long.MAX_VALUE, (long) Integer.MAX_VALUE + 1)) {
                    for (String order : List.of("", "score")) {
                        Query<Item> q = (order.isEmpty() ? r.query() : r.query().orderBy(order)).limit(limit).offset(offset);
                        String w = order + " limit " + limit + " offset " + offset;
                        log.add("page " + w, () -> page(q.page()));
                        log.add("list " + w, () -> keys(q.list()));
                        log.add("first " + w, () -> q.first().map(Item::id));
                        log.add("stream " + w, () -> q.stream().map(Item::id).toList());
                        log.add("count " + w, q::count);
                        log.add("tx page " + w, () -> depot.transact(tx -> {
                            Records<String, Item> t = tx.records(ITEMS);
                            tx.setRollbackOnly(); // the answers only: nothing of it stays, whatever happens
                            t.save(new Item("k99", "x", 1L, 1.0));
                            Query<Item> tq = (order.isEmpty() ? t.query() : t.query().orderBy(order)).limit(limit).offset(offset);
                            return page(tq.page()) + " / " + keys(tq.list()) + " / " + tq.first().map(Item::id) + " / "
                                    + tq.stream().map(Item::id).toList() + " / " + tq.count();
                        }));
                    }
                }
            }
            return log.lines;
        });
    }

    // ---- focused reproductions ----

    static Stream<Arguments> everyBackend() {
        return TestDatabases.memoryAndAll(PREFIX);
    }

    static Depot open(TestDatabases.UrlSource opener) {
        return TestDatabases.open(opener, PREFIX);
    }

    /**
     * limit(Integer.MAX_VALUE) is how "unpaged" requests (Spring Data's Pageable.unpaged(), JDBI
     * pagers) reach a repository. page() asked the backend for limit + 1 rows, which overflowed to
     * Integer.MIN_VALUE: memory returned one row and said it was the last page, in a transaction it
     * threw "fromIndex(0) > toIndex(-2147483648)", PostgreSQL, H2 and MariaDB threw DepotException
     * (SQLSTATE 2201W / 90008 / 42000).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aPageWithTheLargestLimitHoldsEveryMatch(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 5);
            Page<Item> all = r.query().limit(Integer.MAX_VALUE).page();
            assertThat(keys(all.items())).containsExactly("k00", "k01", "k02", "k03", "k04");
            assertThat(all.nextCursor()).isNull();
            assertThat(keys(r.query().orderBy("score", Direction.DESC).limit(Integer.MAX_VALUE).offset(3).page().items()))
                    .containsExactly("k01", "k00");
            depot.inTransaction(tx -> {
                Records<String, Item> t = tx.records(ITEMS);
                t.save(new Item("k05", null, 9L, null));
                Page<Item> p = t.query().limit(Integer.MAX_VALUE).page();
                assertThat(keys(p.items())).containsExactly("k00", "k01", "k02", "k03", "k04", "k05");
                assertThat(p.nextCursor()).isNull();
            });
            depot.clear();
        }
    }

    /**
     * Memory's transaction query (QueryExecutor.list with own writes) adds offset and limit without
     * saturating: offset(Long.MAX_VALUE) with any limit throws IndexOutOfBoundsException or
     * IllegalArgumentException ("fromIndex(2) > toIndex(0)") there; every database answers no rows.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aHugeOffsetInsideATransactionWithOwnWritesFindsNothing(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            Records<String, Item> r = depot.records(ITEMS);
            seed(r, 5);
            depot.inTransaction(tx -> {
                Records<String, Item> t = tx.records(ITEMS);
                t.save(new Item("k05", null, 9L, null));
                assertThat(t.query().offset(Long.MAX_VALUE).limit(10).list()).isEmpty();
                assertThat(t.query().orderBy("score").offset(Long.MAX_VALUE).page().items()).isEmpty();
                assertThat(t.query().offset(Long.MAX_VALUE).first()).isEmpty();
            });
            depot.clear();
        }
    }

    /**
     * A cursor is a keyset position with the order's name and direction only: one from another
     * collection with an index of the same name, or one with a single character changed that still
     * decodes ("k01" -> "k0q"), is taken silently and pages from another position (rows skipped),
     * on every backend. Proposed: bind the collection (and a digest of the conditions) into the cursor
     * and refuse a mismatch as "invalid cursor".
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void aCursorFromAnotherCollectionIsRefused(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            Records<String, Item> r = depot.records(ITEMS);
            Records<String, Item> o = depot.records(OTHER);
            seed(r, 10);
            seed(o, 10);
            String foreign = o.query().orderBy("score").limit(3).page().nextCursor();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> r.query().orderBy("score").limit(3).after(foreign).page())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid cursor");
            depot.clear();
        }
    }
}
