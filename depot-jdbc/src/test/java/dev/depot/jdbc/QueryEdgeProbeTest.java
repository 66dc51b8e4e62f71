package dev.depot.jdbc;

import dev.depot.Condition;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Page;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Adversarial values in every index type, queried the same way on memory and on each database: the
 * transcripts (keys in order, page by page, counts, plans, or the exception) must be equal. Values
 * are the ones where databases are known to differ from Java: case and trailing spaces, LIKE's
 * {@code %}, {@code _} and backslash, supplementary characters (UTF-16 and code point order differ),
 * combining marks, -0.0, infinities, extreme longs and instants, UUIDs whose signed and unsigned
 * orders differ; conditions the planner must get right (inverted bounds, duplicates, overlapping
 * ORs, negations next to nulls), and keyset paging over each order with every page size up to 4.
 */
class QueryEdgeProbeTest {
    private static final String PREFIX = "qe27_";

    record Thing(String id, String s, Long n, Double d, Instant at, Boolean b, UUID u) {}

    static final Schema<String, Thing> THINGS = Schema.of("things", String.class, Thing.class).key(Thing::id)
            .index("s", String.class, Thing::s)
            .index("n", Long.class, Thing::n)
            .index("d", Double.class, Thing::d)
            .index("at", Instant.class, Thing::at)
            .index("b", Boolean.class, Thing::b)
            .index("u", UUID.class, Thing::u)
            .build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    /** Strings: every pair here orders or compares differently under some collation or in UTF-16. */
    static final List<String> STRINGS = java.util.Arrays.asList(null, "", " ", "a", "A", "a ", "a  ", "a\t", "ab", "aB",
            "\u00e9", "e\u0301", "e", "\uFFFD", "\uFFFF", "\uE000", "\uD83D\uDE00", "\uD800\uDC00", "\uDBFF\uDFFF", "\uD83D\uDE00a",
            "%", "a%", "a%b", "a_b", "axb", "a\\b", "a\\", "\\", "_", "a\\%", "ss", "\u00df", "SS", "i", "\u0130", "\u0131",
            "n".repeat(512), "\uD83D\uDE00".repeat(512), "n".repeat(511) + "o", null, "");
    static final List<Long> LONGS = java.util.Arrays.asList(null, Long.MIN_VALUE, Long.MIN_VALUE + 1, -1L, 0L, 1L,
            Long.MAX_VALUE - 1, Long.MAX_VALUE, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE + 1, 1L << 53, (1L << 53) + 1);
    static final List<Double> DOUBLES = java.util.Arrays.asList(null, -0.0, 0.0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
            Double.MIN_VALUE, -Double.MIN_VALUE, Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, 1.0, 1.0 + Math.ulp(1.0),
            0.1, 0.30000000000000004, 9007199254740993.0, -1e-320);
    static final List<Instant> INSTANTS = java.util.Arrays.asList(null, Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.EPOCH, Instant.EPOCH.minusNanos(1), Instant.EPOCH.plusNanos(999),
            Instant.EPOCH.plusNanos(1000), Instant.EPOCH.minusNanos(1001), Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("2024-02-29T12:00:00.123456789Z"), Instant.parse("1582-10-10T00:00:00Z"), Instant.parse("1900-01-01T00:00:00Z"));
    static final List<UUID> UUIDS = java.util.Arrays.asList(null, new UUID(0, 0), new UUID(0, 1), new UUID(-1, -1),
            new UUID(Long.MIN_VALUE, 0), new UUID(Long.MAX_VALUE, Long.MAX_VALUE), new UUID(0, Long.MIN_VALUE), new UUID(0, -1),
            new UUID(1, 0), UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"), UUID.fromString("80000000-0000-0000-0000-000000000001"));
    static final List<Boolean> BOOLEANS = java.util.Arrays.asList(null, true, false);

    /** One record per string, the other fields cycling through their lists (so ties and nulls repeat). */
    static List<Thing> things() {
        List<Thing> out = new ArrayList<>();
        for (int i = 0; i < STRINGS.size(); i++) {
            out.add(new Thing(String.format("k%02d", i), STRINGS.get(i), LONGS.get(i % LONGS.size()), DOUBLES.get(i % DOUBLES.size()),
                    INSTANTS.get(i % INSTANTS.size()), BOOLEANS.get(i % BOOLEANS.size()), UUIDS.get(i % UUIDS.size())));
        }
        return out;
    }

    /** A transcript of answers or exceptions (class and message). */
    static final class Log {
        final List<String> lines = new ArrayList<>();

        void add(String what, Supplier<?> call) {
            try {
                lines.add(what + " -> " + call.get());
            } catch (RuntimeException e) {
                lines.add(what + " -> " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    static List<String> keys(List<Thing> items) {
        return items.stream().map(Thing::id).toList();
    }

    /** Every page of {@code q} at {@code size}, the pages joined, with a mark where a page ended. */
    static String pages(Query<Thing> q, int size) {
        StringBuilder out = new StringBuilder();
        Page<Thing> p = q.limit(size).page();
        for (int guard = 0; guard < 200; guard++) {
            out.append(keys(p.items())).append('|');
            if (p.nextCursor() == null) {
                return out.toString();
            }
            p = q.limit(size).after(p.nextCursor()).page();
        }
        return out + "…no end";
    }

    /** The conditions probed: names to conditions, built lazily so a refusal lands in the transcript. */
    static Map<String, Supplier<Condition>> conditions() {
        Map<String, Supplier<Condition>> c = new LinkedHashMap<>();
        // strings
        c.put("s eq ''", () -> Q.field("s").eq(""));
        c.put("s eq a", () -> Q.field("s").eq("a"));
        c.put("s eq 'a '", () -> Q.field("s").eq("a "));
        c.put("s eq A", () -> Q.field("s").eq("A"));
        c.put("s eq e+combining", () -> Q.field("s").eq("e\u0301"));
        c.put("s eq ss", () -> Q.field("s").eq("ss"));
        c.put("s in dup", () -> Q.field("s").in("a", "a", "A", "a"));
        c.put("s in 'a','a '", () -> Q.field("s").in("a ", "a"));
        c.put("s startsWith ''", () -> Q.field("s").startsWith(""));
        c.put("s startsWith a", () -> Q.field("s").startsWith("a"));
        c.put("s startsWith A", () -> Q.field("s").startsWith("A"));
        c.put("s startsWith %", () -> Q.field("s").startsWith("%"));
        c.put("s startsWith a%", () -> Q.field("s").startsWith("a%"));
        c.put("s startsWith a_", () -> Q.field("s").startsWith("a_"));
        c.put("s startsWith _", () -> Q.field("s").startsWith("_"));
        c.put("s startsWith backslash", () -> Q.field("s").startsWith("\\"));
        c.put("s startsWith a-backslash", () -> Q.field("s").startsWith("a\\"));
        c.put("s startsWith 'a '", () -> Q.field("s").startsWith("a "));
        c.put("s startsWith e", () -> Q.field("s").startsWith("e"));
        c.put("s startsWith U+FFFF", () -> Q.field("s").startsWith("\uFFFF"));
        c.put("s startsWith U+10FFFF", () -> Q.field("s").startsWith("\uDBFF\uDFFF"));
        c.put("s startsWith emoji", () -> Q.field("s").startsWith("\uD83D\uDE00"));
        c.put("s startsWith high surrogate", () -> Q.field("s").startsWith("\uD83D"));
        c.put("s startsWith a+high surrogate", () -> Q.field("s").startsWith("a\uD83D"));
        c.put("s startsWith NUL", () -> Q.field("s").startsWith("\u0000"));
        c.put("s eq NUL", () -> Q.field("s").eq("a\u0000"));
        c.put("s startsWith n*512", () -> Q.field("s").startsWith("n".repeat(512)));
        c.put("s startsWith n*513", () -> Q.field("s").startsWith("n".repeat(513)));
        c.put("s eq n*513", () -> Q.field("s").eq("n".repeat(513)));
        c.put("s lt n*513", () -> Q.field("s").lt("n".repeat(513)));
        c.put("s gt n*513", () -> Q.field("s").gt("n".repeat(513)));
        c.put("s ge U+E000", () -> Q.field("s").ge("\uE000"));
        c.put("s lt U+10000", () -> Q.field("s").lt("\uD800\uDC00"));
        c.put("s between inverted", () -> Q.field("s").between("b", "a"));
        c.put("s between equal", () -> Q.field("s").between("a", "a"));
        c.put("s between '' and ' '", () -> Q.field("s").between("", " "));
        c.put("not s startsWith a", () -> Q.not(Q.field("s").startsWith("a")));
        c.put("not s startsWith ''", () -> Q.not(Q.field("s").startsWith("")));
        c.put("not s startsWith U+10FFFF", () -> Q.not(Q.field("s").startsWith("\uDBFF\uDFFF")));
        c.put("not s startsWith U+FFFF", () -> Q.not(Q.field("s").startsWith("\uFFFF")));
        c.put("not s eq ''", () -> Q.not(Q.field("s").eq("")));
        c.put("not s isNull", () -> Q.not(Q.field("s").isNull()));
        c.put("not s in dup", () -> Q.not(Q.field("s").in("a", "a", "")));
        c.put("not s between inverted", () -> Q.not(Q.field("s").between("b", "a")));
        c.put("or s overlapping prefixes", () -> Q.or(Q.field("s").startsWith("a"), Q.field("s").startsWith("a%"), Q.field("s").between("a", "b")));
        c.put("or s null or prefix", () -> Q.or(Q.field("s").isNull(), Q.field("s").startsWith("\\")));
        // longs
        c.put("n eq MIN", () -> Q.field("n").eq(Long.MIN_VALUE));
        c.put("n eq int", () -> Q.field("n").eq(Integer.MIN_VALUE));
        c.put("n eq 2^53+1 as double", () -> Q.field("n").eq(9007199254740993.0));
        c.put("n eq 1.5", () -> Q.field("n").eq(1.5));
        c.put("n eq 1.0", () -> Q.field("n").eq(1.0));
        c.put("n lt MIN", () -> Q.field("n").lt(Long.MIN_VALUE));
        c.put("n gt MAX", () -> Q.field("n").gt(Long.MAX_VALUE));
        c.put("n le MIN", () -> Q.field("n").le(Long.MIN_VALUE));
        c.put("n ge MAX", () -> Q.field("n").ge(Long.MAX_VALUE));
        c.put("not n lt MIN", () -> Q.not(Q.field("n").lt(Long.MIN_VALUE)));
        c.put("not n gt MAX", () -> Q.not(Q.field("n").gt(Long.MAX_VALUE)));
        c.put("not n eq MIN", () -> Q.not(Q.field("n").eq(Long.MIN_VALUE)));
        c.put("not n in MIN,MAX", () -> Q.not(Q.field("n").in(Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)));
        c.put("n between inverted", () -> Q.field("n").between(1L, -1L));
        c.put("not n between inverted", () -> Q.not(Q.field("n").between(1L, -1L)));
        c.put("n between MIN MAX", () -> Q.field("n").between(Long.MIN_VALUE, Long.MAX_VALUE));
        c.put("or n overlapping", () -> Q.or(Q.field("n").between(-1L, 1L), Q.field("n").between(0L, Long.MAX_VALUE), Q.field("n").le(-1L)));
        c.put("n in empty", () -> Q.field("n").in(List.of()));
        // doubles
        c.put("d eq -0.0", () -> Q.field("d").eq(-0.0));
        c.put("d eq 0", () -> Q.field("d").eq(0));
        c.put("d lt 0", () -> Q.field("d").lt(0.0));
        c.put("d le -0.0", () -> Q.field("d").le(-0.0));
        c.put("d gt -0.0", () -> Q.field("d").gt(-0.0));
        c.put("d eq NaN", () -> Q.field("d").eq(Double.NaN));
        c.put("d lt NaN", () -> Q.field("d").lt(Double.NaN));
        c.put("d eq +inf", () -> Q.field("d").eq(Double.POSITIVE_INFINITY));
        c.put("d gt MAX", () -> Q.field("d").gt(Double.MAX_VALUE));
        c.put("d lt -MAX", () -> Q.field("d").lt(-Double.MAX_VALUE));
        c.put("d between -MIN MIN", () -> Q.field("d").between(-Double.MIN_VALUE, Double.MIN_VALUE));
        c.put("d between 0 and -0", () -> Q.field("d").between(0.0, -0.0));
        c.put("d gt 1", () -> Q.field("d").gt(1.0));
        c.put("d eq 0.1+0.2", () -> Q.field("d").eq(0.1 + 0.2));
        c.put("d eq long 2^53+1", () -> Q.field("d").eq((1L << 53) + 1));
        c.put("d eq float 0.1", () -> Q.field("d").eq(0.1f));
        c.put("not d eq 0", () -> Q.not(Q.field("d").eq(0.0)));
        c.put("not d gt -inf", () -> Q.not(Q.field("d").gt(Double.NEGATIVE_INFINITY)));
        c.put("not d in inf", () -> Q.not(Q.field("d").in(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY)));
        c.put("not d between -MIN MIN", () -> Q.not(Q.field("d").between(-Double.MIN_VALUE, Double.MIN_VALUE)));
        // instants
        c.put("at eq epoch+999ns", () -> Q.field("at").eq(Instant.EPOCH.plusNanos(999)));
        c.put("at eq epoch-1ns", () -> Q.field("at").eq(Instant.EPOCH.minusNanos(1)));
        c.put("at lt epoch", () -> Q.field("at").lt(Instant.EPOCH));
        c.put("at le epoch-1ns", () -> Q.field("at").le(Instant.EPOCH.minusNanos(1)));
        c.put("at gt epoch+1ns", () -> Q.field("at").gt(Instant.EPOCH.plusNanos(1)));
        c.put("at ge epoch+1ns", () -> Q.field("at").ge(Instant.EPOCH.plusNanos(1)));
        c.put("at lt epoch+1ns", () -> Q.field("at").lt(Instant.EPOCH.plusNanos(1)));
        c.put("at le max", () -> Q.field("at").le(Instant.parse("9999-12-31T23:59:59.999999999Z")));
        c.put("at gt max", () -> Q.field("at").gt(Instant.parse("9999-12-31T23:59:59.999999Z")));
        c.put("at lt min", () -> Q.field("at").lt(Instant.parse("0001-01-01T00:00:00Z")));
        c.put("at beyond max", () -> Q.field("at").lt(Instant.parse("+10000-01-01T00:00:00Z")));
        c.put("at before min", () -> Q.field("at").gt(Instant.parse("0000-12-31T23:59:59Z")));
        c.put("at as text", () -> Q.field("at").eq("1970-01-01T00:00:00.000000999Z"));
        c.put("at as offset text", () -> Q.field("at").eq("1970-01-01T01:00:00+01:00"));
        c.put("at between inverted sub-micro", () -> Q.field("at").between(Instant.EPOCH.plusNanos(999), Instant.EPOCH));
        c.put("at between same micro", () -> Q.field("at").between(Instant.EPOCH.plusNanos(500), Instant.EPOCH.plusNanos(999)));
        c.put("not at eq epoch", () -> Q.not(Q.field("at").eq(Instant.EPOCH)));
        c.put("not at lt 1900", () -> Q.not(Q.field("at").lt(Instant.parse("1900-01-01T00:00:00Z"))));
        c.put("or at overlapping", () -> Q.or(Q.field("at").lt(Instant.EPOCH.plusNanos(1)), Q.field("at").ge(Instant.EPOCH.minusNanos(1))));
        // booleans
        c.put("b eq true", () -> Q.field("b").eq(true));
        c.put("b in true,true", () -> Q.field("b").in(true, true));
        c.put("b lt true", () -> Q.field("b").lt(true));
        c.put("b gt false", () -> Q.field("b").gt(false));
        c.put("b between true false", () -> Q.field("b").between(true, false));
        c.put("not b eq true", () -> Q.not(Q.field("b").eq(true)));
        c.put("not b in both", () -> Q.not(Q.field("b").in(true, false)));
        c.put("b eq 'true'", () -> Q.field("b").eq("true"));
        c.put("b eq 1", () -> Q.field("b").eq(1));
        // uuids
        c.put("u gt 7fff…", () -> Q.field("u").gt(UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff")));
        c.put("u lt 8000…", () -> Q.field("u").lt(new UUID(Long.MIN_VALUE, 0)));
        c.put("u ge 0…8000", () -> Q.field("u").ge(new UUID(0, Long.MIN_VALUE)));
        c.put("u eq text upper", () -> Q.field("u").eq("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF"));
        c.put("u eq short text", () -> Q.field("u").eq("1-1-1-1-1"));
        c.put("u between inverted", () -> Q.field("u").between(new UUID(-1, -1), new UUID(0, 0)));
        c.put("not u eq max", () -> Q.not(Q.field("u").eq(new UUID(-1, -1))));
        c.put("not u in zero,max", () -> Q.not(Q.field("u").in(new UUID(0, 0), new UUID(-1, -1))));
        c.put("not u le 0…-1", () -> Q.not(Q.field("u").le(new UUID(0, -1))));
        // across indexes
        c.put("or across with null tests", () -> Q.or(Q.field("s").isNull(), Q.field("d").isNull(), Q.field("u").isNull()));
        c.put("not or across", () -> Q.not(Q.or(Q.field("b").eq(true), Q.field("n").ge(0L), Q.field("at").isNull())));
        c.put("not and across", () -> Q.not(Q.and(Q.field("b").isNotNull(), Q.field("d").ge(0.0))));
        c.put("and contradiction", () -> Q.and(Q.field("n").gt(0L), Q.field("n").lt(0L)));
        c.put("or contradiction and all", () -> Q.or(Q.and(Q.field("n").gt(0L), Q.field("n").lt(0L)), Q.field("b").isNotNull()));
        c.put("not not isNull", () -> Q.not(Q.not(Q.field("at").isNull())));
        return c;
    }

    static final List<String> ORDERS = List.of("", "s", "n", "d", "at", "b", "u");

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyConditionUnderEveryOrderPagedAndCounted(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Thing> r = depot.records(THINGS);
            r.saveAll(things());
            probe(log, r, List.of(1, 2, 3));
            return log.lines;
        });
    }

    /**
     * The same inside a transaction that rewrote, deleted and added records: SQL backends merge the
     * transaction's own writes into the database's rows in Java, by the order value, where Java's
     * orders (UTF-16 strings, signed UUIDs, -0.0 below 0.0) must not leak in.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void everyConditionInsideATransactionWithOwnWrites(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Thing> r = depot.records(THINGS);
            List<Thing> all = things();
            r.saveAll(all);
            depot.inTransaction(tx -> {
                Records<String, Thing> t = tx.records(THINGS);
                for (int i = 0; i < all.size(); i += 3) {
                    Thing from = all.get((i * 7 + 5) % all.size());
                    t.save(new Thing(all.get(i).id(), from.s(), from.n(), from.d(), from.at(), from.b(), from.u()));
                }
                for (int i = 1; i < all.size(); i += 5) {
                    t.delete(all.get(i).id());
                }
                for (int i = 0; i < all.size(); i += 4) {
                    Thing from = all.get((i * 3 + 1) % all.size());
                    t.insert(new Thing("t" + from.id(), from.s(), from.n(), from.d(), from.at(), from.b(), from.u()));
                }
                probe(log, t, List.of(1, 3));
            });
            return log.lines;
        });
    }

    /** Every condition: its plan and count, then each order both ways, listed, streamed and paged. */
    private static void probe(Log log, Records<String, Thing> r, List<Integer> sizes) {
        for (Map.Entry<String, Supplier<Condition>> e : conditions().entrySet()) {
            Condition condition;
            try {
                condition = e.getValue().get();
            } catch (RuntimeException x) {
                log.lines.add(e.getKey() + " -> " + x.getClass().getSimpleName() + ": " + x.getMessage());
                continue;
            }
            log.add(e.getKey() + " explain", () -> r.query().where(condition).explain());
            log.add(e.getKey() + " count", () -> r.query().where(condition).count());
            for (String order : ORDERS) {
                for (Direction dir : order.isEmpty() ? List.of(Direction.ASC) : List.of(Direction.values())) {
                    Supplier<Query<Thing>> q = () -> order.isEmpty() ? r.query().where(condition) : r.query().where(condition).orderBy(order, dir);
                    String at = e.getKey() + " by " + order + " " + dir;
                    log.add(at + " list", () -> {
                        List<String> listed = keys(q.get().list());
                        long count = q.get().count();
                        return listed.size() == count ? listed : listed + " but count " + count;
                    });
                    log.add(at + " stream", () -> q.get().stream().map(Thing::id).toList());
                    log.add(at + " offset 2", () -> keys(q.get().offset(2).limit(3).list()));
                    for (int size : sizes) {
                        log.add(at + " pages " + size, () -> pages(q.get(), size));
                    }
                }
            }
        }
    }

    record Tag(String id, String code, Double d, Instant at, UUID u) {}

    static final Schema<String, Tag> TAGS = Schema.of("tags", String.class, Tag.class).key(Tag::id)
            .uniqueIndex("code", String.class, Tag::code)
            .uniqueIndex("d", Double.class, Tag::d)
            .uniqueIndex("at", Instant.class, Tag::at)
            .uniqueIndex("u", UUID.class, Tag::u)
            .build();

    /**
     * Unique indexes decide "the same value" exactly as queries do: strings by code point (case,
     * trailing spaces, composed and decomposed forms are distinct), -0.0 is 0.0, instants within one
     * microsecond are one value; every write's answer and the final contents must agree.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uniqueIndexesAgreeOnWhatIsTheSameValue(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Tag> r = depot.records(TAGS);
            List<String> codes = STRINGS.stream().filter(java.util.Objects::nonNull).distinct().toList();
            for (int i = 0; i < codes.size(); i++) {
                Tag t = new Tag("c" + i, codes.get(i), null, null, null);
                log.add("insert code " + i, () -> r.insert(t));
            }
            List<Tag> others = List.of(new Tag("d1", null, 0.0, null, null), new Tag("d2", null, -0.0, null, null),
                    new Tag("d3", null, Double.MIN_VALUE, null, null), new Tag("d4", null, -Double.MIN_VALUE, null, null),
                    new Tag("a1", null, null, Instant.EPOCH, null), new Tag("a2", null, null, Instant.EPOCH.plusNanos(999), null),
                    new Tag("a3", null, null, Instant.EPOCH.minusNanos(1), null), new Tag("a4", null, null, Instant.EPOCH.minusNanos(1000), null),
                    new Tag("u1", null, null, null, new UUID(0, -1)), new Tag("u2", null, null, null, new UUID(-1, 0)),
                    new Tag("u3", null, null, null, UUID.fromString("FFFFFFFF-FFFF-FFFF-0000-000000000000")),
                    new Tag("c99", "a", null, null, null), new Tag("c98", "A", null, null, null), new Tag("c97", "a ", null, null, null));
            for (Tag t : others) {
                log.add("insert " + t.id(), () -> r.insert(t));
            }
            log.add("saveAll clash", () -> {
                r.saveAll(List.of(new Tag("n1", "zz", null, null, null), new Tag("n2", "zz", null, null, null)));
                return "saved";
            });
            log.add("keys", () -> r.query().list().stream().map(Tag::id).toList());
            log.add("by d", () -> r.query().where(Q.field("d").isNotNull()).orderBy("d").list().stream().map(Tag::id).toList());
            log.add("by at", () -> r.query().where(Q.field("at").isNotNull()).orderBy("at", Direction.DESC).list().stream().map(Tag::id).toList());
            log.add("by u", () -> r.query().where(Q.field("u").isNotNull()).orderBy("u").list().stream().map(Tag::id).toList());
            return log.lines;
        });
    }

    /** Records whose index values must be refused: the same refusal, naming collection and index, everywhere. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void refusedIndexValuesAreRefusedAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            Log log = new Log();
            Records<String, Thing> r = depot.records(THINGS);
            List<Thing> bad = List.of(new Thing("x1", "a\u0000", null, null, null, null, null),
                    new Thing("x2", "\uD83D", null, null, null, null, null),
                    new Thing("x3", "n".repeat(513), null, null, null, null, null),
                    new Thing("x4", "\uD83D\uDE00".repeat(513), null, null, null, null, null),
                    new Thing("x5", null, null, Double.NaN, null, null, null),
                    new Thing("x6", null, null, null, Instant.parse("0000-12-31T23:59:59.999999999Z"), null, null),
                    new Thing("x7", null, null, null, Instant.parse("+10000-01-01T00:00:00Z"), null, null),
                    new Thing("x8", "e\u0301".repeat(256), null, null, null, null, null),
                    new Thing("x9", "e\u0301".repeat(257), null, null, null, null, null));
            for (Thing t : bad) {
                log.add("save " + t.id(), () -> {
                    r.save(t);
                    return "saved";
                });
            }
            log.add("count", r::count);
            log.add("all", () -> keys(r.query().list()));
            return log.lines;
        });
    }
}
