package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.ChangeEvent;
import dev.depot.Condition;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.CodePoints;
import dev.depot.testing.TestClock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The differential test: the same random sequence of inserts, updates, versioned writes, saves,
 * deletes, queries with ordering and paging on every index type (also OR, AND and NOT trees with
 * their {@code explain()}), counts and small transactions (committed or rolled
 * back) runs on memory and on a SQL database; every result, every exception type, every page with
 * its cursor and the change events must be identical. Programs also rewrite keys back to values
 * they held before, write strings at and beyond the index and document limits, and use unpaired
 * surrogates and edge instants and doubles: there memory and the database must fail alike.
 *
 * <p>{@value #TRIES} programs per database by default (CI); {@value #DEEP_TRIES} with {@code
 * -Pdeep} ({@code depot.deep=true}); {@code -Ddepot.differential.tries=N} sets any number.
 */
@AddLifecycleHook(DatabaseProperties.SkipWithoutDatabase.class)
abstract class DifferentialProperties extends DatabaseProperties {
    static final int TRIES = 50;
    static final int DEEP_TRIES = 10_000;
    private static final Instant START = Instant.parse("2030-01-01T00:00:00Z");
    private static final DifferentialDepots DEPOTS = new DifferentialDepots("diff");
    private static final TestClock CLOCK = new TestClock(START);

    /** A value with a nullable string index, a nullable long index, a nullable unique index and an unindexed note. */
    record Row(String id, String name, Long score, String code, String note) {
        Row withId(String other) {
            return new Row(other, name, score, code, note);
        }

        /** Long strings appear by length and hash, so a failure message stays readable. */
        @Override
        public String toString() {
            return "Row[" + brief(id) + ", " + brief(name) + ", " + score + ", " + code + ", " + brief(note) + "]";
        }
    }

    static String brief(String s) {
        return s == null || s.length() <= 16 ? String.valueOf(s) : "<" + s.length() + " chars #" + Integer.toHexString(s.hashCode()) + ">";
    }

    static final Schema<String, Row> ROWS = Schema.of("diff_rows", String.class, Row.class).key(Row::id)
            .index("name", String.class, Row::name)
            .index("score", Long.class, Row::score)
            .uniqueIndex("code", String.class, Row::code)
            .build();

    @Override
    Map<String, String> urls() {
        return DEPOTS.urls();
    }

    /** Sets the number of tries: CI, deep or explicitly given; reports how many programs ran and for how long. */
    static final class Tries implements AroundPropertyHook {
        @Override
        public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
            return counted(context, property, TRIES, DEEP_TRIES, tries -> String.format("differential %s: %d programs requested, %d run",
                    context.containerClass().getSimpleName(), tries, RUNS.getAndSet(0)));
        }
    }

    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();

    /** Every other index type, with values where orders differ (negative keys, -0.0, infinities, unsigned UUIDs). */
    record Measure(Long id, Double d, Instant at, Boolean flag, UUID ref) {}

    static final Schema<Long, Measure> MEASURES = Schema.of("diff_measures", Long.class, Measure.class).key(Measure::id)
            .index("d", Double.class, Measure::d)
            .index("at", Instant.class, Measure::at)
            .index("flag", Boolean.class, Measure::flag)
            .index("ref", UUID.class, Measure::ref)
            .build();

    @Property
    @AddLifecycleHook(Tries.class)
    void behavesLikeMemory(@ForAll("programs") List<Op> program) {
        RUNS.incrementAndGet();
        compare(name(), program);
    }

    static String prefixed(String url) {
        return DEPOTS.prefixed(url);
    }

    @AfterContainer
    static void closeAll() {
        DEPOTS.closeAll();
    }

    private static void compare(String name, List<Op> program) {
        Depot sql = DEPOTS.depot(name, CLOCK);
        sql.clear();
        try (Depot memory = Depot.open("memory:", DepotOptions.defaults().clock(CLOCK))) {
            assertThat(run(sql, program)).as("results on %s vs memory for %s", name, program).isEqualTo(run(memory, program));
        }
    }

    /** Runs the program and describes everything observable, including the change events it caused. */
    private static List<String> run(Depot depot, List<Op> program) {
        CLOCK.set(START);
        Records<String, Row> rows = depot.records(ROWS);
        long from = depot.changes().lastSequence();
        List<String> out = new ArrayList<>();
        for (Op op : program) {
            out.add(op + " -> " + op.apply(depot, rows));
        }
        for (ChangeEvent e : depot.changes().since(from, 10_000)) {
            out.add("event " + (e.sequence() - from) + " " + e.collection() + " " + e.key() + " " + e.op() + " v" + e.version()
                    + " " + e.time());
        }
        out.add("all " + describe(rows.query().list()));
        out.add("all measures " + depot.records(MEASURES).query().list());
        return out;
    }

    // ---- operations ----

    interface Op {
        String apply(Depot depot, Records<String, Row> rows);
    }

    /** Runs an operation, describing its result or the type of exception it threw. */
    private static String attempt(Supplier<Object> call) {
        try {
            return String.valueOf(call.get());
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }

    record Write(String kind, Row row, long version) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> switch (kind) {
                case "insert" -> rows.insert(row);
                case "update" -> rows.update(row);
                case "updateAt" -> rows.update(row, version);
                default -> rows.save(row);
            });
        }
    }

    record Delete(String id, long version) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> version == 0 ? rows.delete(id) : rows.delete(id, version));
        }
    }

    record Get(String id) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> rows.getVersioned(id).map(v -> v.value() + "@" + v.version()).orElse("absent"));
        }
    }

    /** A key written to a value, to another, and back to the first (what broke memory's lazy index compaction). */
    record Rewrite(String id, Row earlier, Row later) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            Row first = earlier.withId(id);
            Row second = later.withId(id);
            return attempt(() -> rows.save(first)) + " " + attempt(() -> rows.save(second)) + " " + attempt(() -> rows.save(first));
        }
    }

    record SaveAll(List<Row> batch) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> rows.saveAll(batch));
        }
    }

    /** A query: optional condition, optional order, paged through with keyset cursors. */
    record Find(String field, String condition, Object value, String order, boolean descending, int pageSize) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> {
                Query<Row> q = rows.query();
                if (!condition.equals("none")) {
                    q = q.where(switch (condition) {
                        case "eq" -> Q.field(field).eq(value);
                        case "ge" -> Q.field(field).ge(value);
                        case "lt" -> Q.field(field).lt(value);
                        case "startsWith" -> Q.field("name").startsWith((String) value);
                        case "isNull" -> Q.field(field).isNull();
                        default -> Q.field(field).isNotNull();
                    });
                }
                if (!order.equals("key")) {
                    q = q.orderBy(order, descending ? Direction.DESC : Direction.ASC);
                }
                StringBuilder s = new StringBuilder("count=").append(q.count());
                Page<Row> page = q.limit(pageSize).page();
                for (int n = 0; n < 20; n++) {
                    s.append(" page").append(describe(page.items())).append(page.nextCursor() == null ? "" : "+" + page.nextCursor());
                    if (page.nextCursor() == null) {
                        break;
                    }
                    page = q.limit(pageSize).after(page.nextCursor()).page();
                }
                return s.toString();
            });
        }
    }

    /** A query with OR, AND and NOT over both indexes, ordered and paged through; also its plan description. */
    record Combined(Condition condition, String order, boolean descending, int pageSize) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> {
                Query<Row> q = rows.query().where(condition);
                if (!order.equals("key")) {
                    q = q.orderBy(order, descending ? Direction.DESC : Direction.ASC);
                }
                StringBuilder s = new StringBuilder("count=").append(q.count()).append(" plan=").append(q.explain());
                Page<Row> page = q.limit(pageSize).page();
                for (int n = 0; n < 20; n++) {
                    s.append(" page").append(describe(page.items())).append(page.nextCursor() == null ? "" : "+" + page.nextCursor());
                    if (page.nextCursor() == null) {
                        break;
                    }
                    page = q.limit(pageSize).after(page.nextCursor()).page();
                }
                return s.toString();
            });
        }
    }

    /** A small transaction; ops inside that fail are recorded and the transaction goes on. */
    record Tx(List<Op> ops, boolean rollback) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> outside) {
            List<String> inner = new ArrayList<>();
            String result = attempt(() -> depot.transact(tx -> {
                Records<String, Row> rows = tx.records(ROWS);
                for (Op op : ops) {
                    inner.add(op.apply(depot, rows));
                }
                if (rollback) {
                    throw new IllegalStateException("rolled back on purpose");
                }
                return "committed";
            }));
            return inner + " " + result;
        }
    }

    record MeasureSave(Measure m) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> depot.records(MEASURES).save(m));
        }
    }

    /** A query on the measures, ordered by the queried field, paged through. */
    record MeasureFind(String field, String condition, Object value, boolean descending, int pageSize) implements Op {
        @Override
        public String apply(Depot depot, Records<String, Row> rows) {
            return attempt(() -> {
                Query<Measure> q = depot.records(MEASURES).query();
                q = switch (condition) {
                    case "ge" -> q.where(Q.field(field).ge(value));
                    case "lt" -> q.where(Q.field(field).lt(value));
                    case "eq" -> q.where(Q.field(field).eq(value));
                    case "isNull" -> q.where(Q.field(field).isNull());
                    default -> q;
                };
                q = q.orderBy(field, descending ? Direction.DESC : Direction.ASC);
                StringBuilder s = new StringBuilder("count=").append(q.count());
                Page<Measure> page = q.limit(pageSize).page();
                for (int n = 0; n < 20; n++) {
                    s.append(" page").append(page.items().stream().map(Measure::id).toList())
                            .append(page.nextCursor() == null ? "" : "+" + page.nextCursor());
                    if (page.nextCursor() == null) {
                        break;
                    }
                    page = q.limit(pageSize).after(page.nextCursor()).page();
                }
                return s.toString();
            });
        }
    }

    private static String describe(List<Row> rows) {
        StringBuilder s = new StringBuilder("[");
        for (Row r : rows) {
            s.append(r.id()).append(' ');
        }
        return s.append(']').toString();
    }

    // ---- generators ----

    private static final List<String> IDS = List.of("a", "b", "c", "B", "\u00e9", "\uFFFD", "\uD83D\uDE00", "a ");
    /** Keys at and beyond the 255-byte limit, with NUL and unpaired surrogates: refused alike everywhere. */
    private static final List<String> HOSTILE_IDS = List.of("k".repeat(255), "k".repeat(256), "\u00e9".repeat(128),
            "\uD83D\uDE00".repeat(63) + "abc", "y\uD800", "\uDC00", "y\uDE00\uD83D", "n\u0000", "");
    private static final List<String> NAMES = List.of("", "A", "a", "ab", "b", "\u00e9", "\uFFFD", "\uD83D\uDE00x");
    /** Index values at and beyond 512 code points (also in 4-byte characters), with unpaired surrogates. */
    private static final List<String> HOSTILE_NAMES = List.of("n".repeat(512), "n".repeat(511) + "o", "n".repeat(513),
            "\uD83D\uDE00".repeat(512), "\uD83D\uDE00".repeat(513), "\u00e9".repeat(512), "q\uD800", "\uDBFF", "a\u0000");
    /** Unindexed notes from nothing to beyond the 8 MiB document limit. */
    private static final List<Integer> NOTE_LENGTHS = List.of(1_000, 100_000, 1_000_000, 8 * 1024 * 1024 + 1);

    private static Arbitrary<String> ids() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(30, Arbitraries.of(IDS)), net.jqwik.api.Tuple.of(1, Arbitraries.of(HOSTILE_IDS)));
    }

    private static Arbitrary<String> names() {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(20, Arbitraries.of(NAMES)), net.jqwik.api.Tuple.of(1, Arbitraries.of(HOSTILE_NAMES)));
    }

    private static Arbitrary<String> notes() {
        Arbitrary<String> longNote = Combinators.combine(Arbitraries.of(NOTE_LENGTHS), Arbitraries.of("d", "\u00e9", "\uD83D\uDE00"))
                .as((n, unit) -> unit.repeat(Math.max(1, n / unit.length())));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(40, Arbitraries.just((String) null)),
                net.jqwik.api.Tuple.of(10, Arbitraries.of("note", "\uD83D\uDE00", "x\u0000y")),
                net.jqwik.api.Tuple.of(1, longNote)).withoutEdgeCases(); // else every other row would carry megabytes
    }

    private static Arbitrary<Row> rows() {
        Arbitrary<String> name = names().injectNull(0.2);
        Arbitrary<Long> score = Arbitraries.of(-5L, 0L, 1L, 2L, 7L, 100L, Long.MIN_VALUE, Long.MAX_VALUE).injectNull(0.2);
        Arbitrary<String> code = Arbitraries.of("x", "y", "z").injectNull(0.6);
        return Combinators.combine(ids(), name, score, code, notes()).as(Row::new);
    }

    private static Arbitrary<Op> simpleOp() {
        Arbitrary<Op> write = Combinators.combine(Arbitraries.of("insert", "update", "updateAt", "save"), rows(),
                Arbitraries.longs().between(1, 4)).as(Write::new);
        Arbitrary<Op> delete = Combinators.combine(ids(), Arbitraries.longs().between(0, 3)).as(Delete::new);
        Arbitrary<Op> get = ids().map(Get::new);
        Arbitrary<Op> saveAll = rows().list().ofMinSize(1).ofMaxSize(4).uniqueElements(Row::id).map(SaveAll::new);
        Arbitrary<Op> rewrite = Combinators.combine(Arbitraries.of(IDS), rows(), rows()).as(Rewrite::new);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, write), net.jqwik.api.Tuple.of(2, delete), net.jqwik.api.Tuple.of(1, get),
                net.jqwik.api.Tuple.of(1, saveAll), net.jqwik.api.Tuple.of(2, rewrite), net.jqwik.api.Tuple.of(3, find()),
                net.jqwik.api.Tuple.of(3, combinedFind()));
    }

    private static Arbitrary<Op> find() {
        Arbitrary<String> field = Arbitraries.of("name", "score");
        Arbitrary<String> condition = Arbitraries.of("none", "eq", "ge", "lt", "startsWith", "isNull", "isNotNull");
        Arbitrary<Object> value = Arbitraries.oneOf(names().map(v -> (Object) v),
                Arbitraries.of(0L, 1L, 7L, Long.MIN_VALUE, Long.MAX_VALUE).map(v -> (Object) v));
        Arbitrary<String> order = Arbitraries.of("key", "name", "score");
        return Combinators.combine(field, condition, value, order, Arbitraries.of(true, false), Arbitraries.integers().between(1, 3))
                .as((f, c, v, o, d, n) -> {
                    // Keep the value's type in line with the field, so most queries are valid.
                    Object typed = f.equals("name") ? String.valueOf(v) : v instanceof Long ? v : (Object) 3L;
                    return (Op) new Find(c.equals("startsWith") ? "name" : f, c, c.equals("startsWith") ? String.valueOf(v) : typed, o, d, n);
                });
    }

    /** Index tests on name and score, values chosen to hit rows often; nulls included. */
    private static Arbitrary<Condition> leaf() {
        Arbitrary<Condition> name = Combinators.combine(Arbitraries.of("eq", "lt", "ge", "in", "between", "startsWith", "isNull", "isNotNull"),
                Arbitraries.of(NAMES), Arbitraries.of(NAMES)).as((op, a, b) -> {
                    String lo = CodePoints.compare(a, b) <= 0 ? a : b;
                    String hi = lo == a ? b : a;
                    return switch (op) {
                        case "eq" -> Q.field("name").eq(a);
                        case "lt" -> Q.field("name").lt(a);
                        case "ge" -> Q.field("name").ge(a);
                        case "in" -> Q.field("name").in(a, b);
                        case "between" -> Q.field("name").between(lo, hi);
                        case "startsWith" -> Q.field("name").startsWith(a);
                        case "isNull" -> Q.field("name").isNull();
                        default -> Q.field("name").isNotNull();
                    };
                });
        Arbitrary<Condition> score = Combinators.combine(Arbitraries.of("eq", "le", "gt", "in", "between", "isNull"),
                Arbitraries.of(-5L, 0L, 1L, 7L, 100L, Long.MIN_VALUE, Long.MAX_VALUE), Arbitraries.of(0L, 2L, 100L))
                .as((op, a, b) -> switch (op) {
                    case "eq" -> Q.field("score").eq(a);
                    case "le" -> Q.field("score").le(a);
                    case "gt" -> Q.field("score").gt(a);
                    case "in" -> Q.field("score").in(a, b);
                    case "between" -> Q.field("score").between(Math.min(a, b), Math.max(a, b));
                    default -> Q.field("score").isNull();
                });
        return Arbitraries.oneOf(name, score);
    }

    /** Trees of OR, AND and NOT, two levels deep. */
    private static Arbitrary<Condition> combined() {
        Arbitrary<Condition> level1 = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, leaf()),
                net.jqwik.api.Tuple.of(2, leaf().list().ofMinSize(2).ofMaxSize(3).map(l -> Q.or(l.toArray(Condition[]::new)))),
                net.jqwik.api.Tuple.of(1, leaf().list().ofMinSize(2).ofMaxSize(2).map(l -> Q.and(l.toArray(Condition[]::new)))),
                net.jqwik.api.Tuple.of(1, leaf().map(Q::not)));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, level1.list().ofMinSize(2).ofMaxSize(3).map(l -> Q.or(l.toArray(Condition[]::new)))),
                net.jqwik.api.Tuple.of(2, level1.map(Q::not)),
                net.jqwik.api.Tuple.of(1, level1));
    }

    private static Arbitrary<Op> combinedFind() {
        return Combinators.combine(combined(), Arbitraries.of("key", "name", "score"), Arbitraries.of(true, false),
                Arbitraries.integers().between(1, 3)).as(Combined::new);
    }

    private static final List<Double> DOUBLES = List.of(Double.NEGATIVE_INFINITY, -2.5, -1.5, -0.0, 0.0, 1e-300, 2.5, Double.POSITIVE_INFINITY,
            -Double.MAX_VALUE, Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, Double.NaN);
    /** Ordinary instants, then the edges of the accepted range (years 1 to 9999) and beyond it. */
    private static final List<Instant> INSTANTS = List.of(Instant.EPOCH, Instant.EPOCH.plusNanos(1_500),
            Instant.parse("1969-12-31T23:59:59.999999Z"), START, Instant.parse("9999-12-31T23:59:59Z"),
            Instant.parse("0001-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("0000-12-31T23:59:59.999999Z"), Instant.parse("+10000-01-01T00:00:00Z"), Instant.MIN, Instant.MAX);
    private static final List<UUID> UUIDS = List.of(UUID.fromString("00000000-0000-0000-0000-000000000001"),
            UUID.fromString("80000000-0000-0000-0000-000000000000"), UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"),
            UUID.fromString("7fffffff-ffff-ffff-8000-000000000000"));

    private static Arbitrary<Op> measureOp() {
        Arbitrary<Op> save = Combinators.combine(Arbitraries.longs().between(-2, 2),
                Arbitraries.of(DOUBLES).injectNull(0.2), Arbitraries.of(INSTANTS).injectNull(0.2),
                Arbitraries.of(true, false).injectNull(0.3), Arbitraries.of(UUIDS).injectNull(0.2))
                .as((id, d, at, flag, ref) -> (Op) new MeasureSave(new Measure(id, d, at, flag, ref)));
        Arbitrary<String> field = Arbitraries.of("d", "at", "flag", "ref");
        Arbitrary<Op> find = Combinators.combine(field, Arbitraries.of("none", "ge", "lt", "eq", "isNull"),
                Arbitraries.integers().between(0, 13), Arbitraries.of(true, false), Arbitraries.integers().between(1, 3))
                .as((f, c, pick, desc, n) -> (Op) new MeasureFind(f, c, switch (f) {
                    case "d" -> DOUBLES.get(pick % DOUBLES.size());
                    case "at" -> INSTANTS.get(pick % INSTANTS.size());
                    case "flag" -> pick % 2 == 0;
                    default -> UUIDS.get(pick % UUIDS.size());
                }, desc, n));
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, save), net.jqwik.api.Tuple.of(2, find));
    }

    @Provide
    Arbitrary<List<Op>> programs() {
        Arbitrary<Op> tx = Combinators.combine(simpleOp().list().ofMinSize(1).ofMaxSize(4), Arbitraries.of(false, false, true))
                .as(Tx::new);
        Arbitrary<Op> any = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(5, simpleOp()), net.jqwik.api.Tuple.of(1, tx),
                net.jqwik.api.Tuple.of(4, measureOp()));
        // Long enough that several records coexist when queries run.
        return any.list().ofMinSize(6).ofMaxSize(30);
    }
}
