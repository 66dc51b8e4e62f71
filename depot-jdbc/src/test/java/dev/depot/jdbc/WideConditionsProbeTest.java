package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.CodePoints;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random wide conditions — ANDs and ORs of 65 to 400 tests and subtrees, negations, nulls — on
 * memory and every database, each answer also checked against a three-valued model written here.
 * Past 64 parts the SQL backends write a different statement (ORs in an AND as NOTs, negated values
 * of a column as one {@code NOT IN}, halves), which the kit's hand-picked shapes and the
 * differential test's two-level trees do not reach at random.
 */
class WideConditionsProbeTest {
    static final String PREFIX = "wc30_";
    private static final String[] NAMES = {"a", "ab", "abc", "b", "ba", "bb", "c", "ca", "\u00e9", "\uD83D\uDE00", "zz"};

    record Row(String id, String name, Long score) {}

    static final Schema<String, Row> ROWS = Schema.of("wide_rows", String.class, Row.class).key(Row::id)
            .index("name", String.class, Row::name)
            .index("score", Long.class, Row::score)
            .build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void wideRandomConditionsAnswerAsTheModelOnEveryBackend(String db, TestDatabases.UrlSource opener) {
        List<Row> rows = new ArrayList<>();
        Random data = new Random(7);
        for (int i = 0; i < 120; i++) {
            rows.add(new Row(String.format("k%03d", i), data.nextInt(6) == 0 ? null : NAMES[data.nextInt(NAMES.length)],
                    data.nextInt(7) == 0 ? null : (long) data.nextInt(40) - 10));
        }
        List<String> memory = run("memory:", rows);
        List<String> sql;
        try (Depot depot = Depot.open(ReadableSchemaTest.url(opener, PREFIX))) {
            sql = transcript(depot, rows);
            depot.clear();
        }
        assertThat(sql).as(db).isEqualTo(memory);
    }

    private static List<String> run(String url, List<Row> rows) {
        try (Depot depot = Depot.open(url)) {
            return transcript(depot, rows);
        }
    }

    /** For each seed: the count, both orders on both indexes (keyset pages of 9), each checked against the model. */
    private static List<String> transcript(Depot depot, List<Row> rows) {
        Records<String, Row> r = depot.records(ROWS);
        r.saveAll(rows);
        List<String> lines = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed);
            Condition c = wide(random, random.nextBoolean(), rows);
            List<Row> matching = matching(rows, c);
            sizes.add(matching.size());
            assertThat(r.query().where(c).count()).as("seed %d count", seed).isEqualTo(matching.size());
            for (String index : new String[] {"name", "score"}) {
                for (Direction dir : Direction.values()) {
                    List<String> want = matching.stream().sorted(order(index, dir)).map(Row::id).toList();
                    Query<Row> q = r.query().where(c).orderBy(index, dir);
                    assertThat(paged(q, 9)).as("seed %d by %s %s", seed, index, dir).isEqualTo(want);
                    lines.add(seed + " " + index + " " + dir + " " + want);
                }
            }
            lines.add(seed + " in a transaction " + insideATransaction(depot, rows, c, random));
        }
        assertThat(sizes).as("answers neither empty nor everything: the seeds test something")
                .filteredOn(n -> n > 0 && n < rows.size()).hasSizeGreaterThan(8);
        return lines;
    }

    /**
     * The same condition inside a transaction that changed, deleted and added rows (rolled back): SQL
     * backends merge the transaction's own writes into the statement's answer by testing them in
     * Java, which must agree with the statement and the model.
     */
    private static List<String> insideATransaction(Depot depot, List<Row> rows, Condition c, Random random) {
        List<Row> changed = new ArrayList<>(rows);
        List<Row> writes = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int at = random.nextInt(changed.size());
            Row old = changed.get(at);
            if (i < 3) {
                deletes.add(old.id());
                changed.remove(at);
            } else {
                Row row = new Row(i < 6 ? old.id() : "t" + i, random.nextInt(5) == 0 ? null : NAMES[random.nextInt(NAMES.length)],
                        random.nextInt(5) == 0 ? null : (long) random.nextInt(40) - 10);
                writes.add(row);
                if (i < 6) {
                    changed.set(at, row);
                } else {
                    changed.add(row);
                }
            }
        }
        List<Row> matching = matching(changed, c);
        return depot.transact(tx -> {
            Records<String, Row> t = tx.records(ROWS);
            deletes.forEach(t::delete);
            writes.forEach(t::save);
            assertThat(t.query().where(c).count()).as("count in a transaction").isEqualTo(matching.size());
            List<String> want = matching.stream().sorted(order("score", Direction.DESC)).map(Row::id).toList();
            assertThat(paged(t.query().where(c).orderBy("score", Direction.DESC), 9)).as("pages in a transaction").isEqualTo(want);
            assertThat(t.query().where(c).orderBy("name").list().stream().map(Row::id).toList()).as("list in a transaction")
                    .isEqualTo(matching.stream().sorted(order("name", Direction.ASC)).map(Row::id).toList());
            tx.setRollbackOnly();
            return want;
        });
    }

    static List<String> paged(Query<Row> q, int size) {
        List<String> out = new ArrayList<>();
        Page<Row> page = q.limit(size).page();
        page.items().forEach(row -> out.add(row.id()));
        while (page.nextCursor() != null) {
            page = q.limit(size).after(page.nextCursor()).page();
            page.items().forEach(row -> out.add(row.id()));
        }
        return out;
    }

    /** The query's total order: nulls first ascending and last descending, ties by key ascending. */
    private static Comparator<Row> order(String index, Direction dir) {
        Comparator<Row> byValue = index.equals("name")
                ? Comparator.comparing(Row::name, Comparator.nullsFirst(CodePoints::compare))
                : Comparator.comparing(Row::score, Comparator.nullsFirst(Comparator.naturalOrder()));
        return (dir == Direction.DESC ? byValue.reversed() : byValue).thenComparing(Row::id);
    }

    /**
     * An AND (or OR) of 65 to 400 parts: tests, negations, and small subtrees of the other kind.
     * Parts are drawn until one changes the running answer by at most 3 rows (none once it is down
     * to 30, or up to 84), so the whole condition matches a fair share of the rows: a random AND of
     * hundreds of tests matches nothing, and an empty answer agrees with any wrong statement.
     */
    private static Condition wide(Random random, boolean and, List<Row> rows) {
        Condition[] parts = new Condition[65 + random.nextInt(336)];
        List<Row> answer = and ? rows : List.of();
        for (int i = 0; i < parts.length; i++) {
            for (int tries = 0; ; tries++) {
                int pick = random.nextInt(10);
                Condition part = pick < 4 ? Q.not(test(random)) : pick < 8 ? small(random, !and) : test(random);
                List<Row> next = and ? matching(answer, part) : union(answer, matching(rows, part));
                int changed = Math.abs(next.size() - answer.size());
                boolean settled = and ? next.size() < 30 : next.size() > 84;
                if (changed <= (settled ? 0 : 3) || tries > 5_000) {
                    parts[i] = part;
                    answer = next;
                    break;
                }
            }
        }
        return and ? Q.and(parts) : Q.or(parts);
    }

    private static List<Row> matching(List<Row> rows, Condition c) {
        return rows.stream().filter(row -> holds(c, row) == Boolean.TRUE).toList();
    }

    private static List<Row> union(List<Row> a, List<Row> b) {
        List<Row> out = new ArrayList<>(a);
        b.stream().filter(row -> !a.contains(row)).forEach(out::add);
        return out;
    }

    private static Condition small(Random random, boolean and) {
        Condition[] parts = new Condition[2 + random.nextInt(3)];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = random.nextInt(3) == 0 ? Q.not(test(random)) : test(random);
        }
        return and ? Q.and(parts) : Q.or(parts);
    }

    private static Condition test(Random random) {
        if (random.nextBoolean()) {
            String a = NAMES[random.nextInt(NAMES.length)];
            String b = NAMES[random.nextInt(NAMES.length)];
            return switch (random.nextInt(8)) {
                case 0 -> Q.field("name").eq(a);
                case 1 -> Q.field("name").in(a, b);
                case 2 -> Q.field("name").lt(a);
                case 3 -> Q.field("name").ge(a);
                case 4 -> Q.field("name").startsWith(a.substring(0, a.offsetByCodePoints(0, 1)));
                case 5 -> CodePoints.compare(a, b) <= 0 ? Q.field("name").between(a, b) : Q.field("name").between(b, a);
                case 6 -> Q.field("name").isNull();
                default -> Q.field("name").isNotNull();
            };
        }
        long a = random.nextInt(44) - 12;
        long b = random.nextInt(44) - 12;
        return switch (random.nextInt(7)) {
            case 0 -> Q.field("score").eq(a);
            case 1 -> Q.field("score").in(a, b, a + 1);
            case 2 -> Q.field("score").le(a);
            case 3 -> Q.field("score").gt(a);
            case 4 -> Q.field("score").between(Math.min(a, b), Math.max(a, b));
            case 5 -> Q.field("score").isNull();
            default -> Q.field("score").isNotNull();
        };
    }

    /** SQL's three-valued logic: TRUE, FALSE, or null for unknown (a comparison with a null value). */
    private static Boolean holds(Condition c, Row row) {
        return switch (c) {
            case Condition.Not n -> {
                Boolean inner = holds(n.condition(), row);
                yield inner == null ? null : !inner;
            }
            case Condition.AllOf all -> {
                Boolean out = Boolean.TRUE;
                for (Condition part : all.conditions()) {
                    Boolean b = holds(part, row);
                    if (b == Boolean.FALSE) {
                        yield Boolean.FALSE;
                    }
                    if (b == null) {
                        out = null;
                    }
                }
                yield out;
            }
            case Condition.AnyOf any -> {
                Boolean out = Boolean.FALSE;
                for (Condition part : any.conditions()) {
                    Boolean b = holds(part, row);
                    if (b == Boolean.TRUE) {
                        yield Boolean.TRUE;
                    }
                    if (b == null) {
                        out = null;
                    }
                }
                yield out;
            }
            case Condition.Test t -> test(t, row);
        };
    }

    private static Boolean test(Condition.Test t, Row row) {
        Object value = t.field().equals("name") ? row.name() : row.score();
        switch (t.operator()) {
            case IS_NULL:
                return value == null;
            case IS_NOT_NULL:
                return value != null;
            default:
                break;
        }
        if (value == null) {
            return null;
        }
        List<Object> v = t.values();
        return switch (t.operator()) {
            case EQ -> compare(value, v.get(0)) == 0;
            case IN -> v.stream().anyMatch(x -> compare(value, x) == 0);
            case LT -> compare(value, v.get(0)) < 0;
            case LE -> compare(value, v.get(0)) <= 0;
            case GT -> compare(value, v.get(0)) > 0;
            case GE -> compare(value, v.get(0)) >= 0;
            case BETWEEN -> compare(value, v.get(0)) >= 0 && compare(value, v.get(1)) <= 0;
            case STARTS_WITH -> ((String) value).startsWith((String) v.get(0));
            default -> throw new IllegalStateException(t.toString());
        };
    }

    private static int compare(Object a, Object b) {
        return a instanceof String s ? CodePoints.compare(s, (String) b) : Long.compare((Long) a, ((Number) b).longValue());
    }
}
