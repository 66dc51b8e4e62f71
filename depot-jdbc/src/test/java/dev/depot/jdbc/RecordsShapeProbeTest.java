package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.depot.Depot;
import dev.depot.DocumentLimits;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Value shapes, index limits and re-declarations, compared between memory and each database. */
class RecordsShapeProbeTest {
    private static final String PREFIX = "p24s_";

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    enum Color { RED, GREEN }

    record Inner(String a, List<Integer> b) {}

    record Shape(String id, Instant when, BigDecimal money, BigInteger big, Optional<String> maybe, Inner inner,
            List<Inner> inners, Map<String, Object> any, Map<String, Integer> counts, Color color, Double d, double p,
            float f, long l, Character ch, byte[] bytes, @JsonProperty("naïve 名前 \uD83D\uDE00") String unicodeName,
            LocalDate date, Duration dur, UUID uuid) {}

    static final Schema<String, Shape> SHAPES = Schema.of("shapes", String.class, Shape.class).key(Shape::id)
            .index("color", String.class, s -> s.color() == null ? null : s.color().name())
            .index("when", Instant.class, Shape::when)
            .index("d", Double.class, Shape::d)
            .build();

    static List<Shape> shapes() {
        List<Shape> out = new ArrayList<>();
        Map<String, Object> any = new LinkedHashMap<>();
        any.put("z", 1);
        any.put("a", List.of(1.5, "x", Map.of("k", true)));
        any.put("", null);
        any.put("nul\u0000key", "v");
        any.put("big", new BigDecimal("1E+400"));
        any.put("neg0", -0.0);
        any.put("\uD83D\uDE00", "emoji key");
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("b", 2);
        counts.put("a", 1);
        out.add(new Shape("s1", Instant.parse("2024-01-01T00:00:00.123456789Z"), new BigDecimal("1.10"), new BigInteger("1" + "0".repeat(300)),
                Optional.of("here"), new Inner("x", List.of(1, 2)), List.of(new Inner(null, List.of())), any, counts, Color.RED,
                -0.0, Double.MIN_VALUE, Float.MAX_VALUE, Long.MIN_VALUE, '\u0000', new byte[] {0, -1, 2}, "ü", LocalDate.of(1, 1, 1),
                Duration.ofNanos(1), UUID.fromString("ffffffff-0000-0000-0000-000000000000")));
        out.add(new Shape("s2", Instant.parse("0001-01-01T00:00:00Z"), new BigDecimal("1E+3"), BigInteger.ZERO, Optional.empty(), null,
                null, null, null, null, Double.NaN, Double.POSITIVE_INFINITY, Float.NaN, Long.MAX_VALUE, null, new byte[0], null,
                null, null, null));
        out.add(new Shape("s3", Instant.parse("9999-12-31T23:59:59.999999999Z"), new BigDecimal("-0.000"), BigInteger.valueOf(-1),
                null, new Inner("\uD800 lone", List.of()), List.of(), Map.of(), Map.of(), Color.GREEN, Double.NEGATIVE_INFINITY,
                4.9e-324, 1.0e-45f, 0, '\uFFFF', null, "\u0000", LocalDate.of(9999, 12, 31), Duration.ofDays(-1), UUID.fromString("00000000-0000-0000-0000-00000000000a")));
        out.add(new Shape("s4", null, new BigDecimal("123456789012345678901234567890.123456789012345678901234567890"), null, null,
                null, null, null, null, null, 1e308, 1.0E10, 0.1f, 1, 'x', null, "\\\"'", null, null, null));
        return out;
    }

    static String describe(Shape s) {
        return escape(describe0(s));
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    static String describe0(Shape s) {
        return s.id() + " when=" + s.when() + " money=" + s.money() + " big=" + s.big() + " maybe=" + s.maybe() + " inner="
                + s.inner() + " inners=" + s.inners() + " any=" + s.any() + " counts=" + s.counts() + " color=" + s.color() + " d="
                + s.d() + " p=" + s.p() + " f=" + s.f() + " l=" + s.l() + " ch=" + (s.ch() == null ? null : (int) s.ch().charValue())
                + " bytes=" + java.util.Arrays.toString(s.bytes()) + " u=" + s.unicodeName() + " date=" + s.date() + " dur=" + s.dur()
                + " uuid=" + s.uuid();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void valueShapesRoundTripAlikeEverywhere(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Shape> r = depot.records(SHAPES);
            for (Shape s : shapes()) {
                log.add("save " + s.id(), () -> r.save(s));
            }
            for (Shape s : shapes()) {
                log.add("get " + s.id(), () -> r.get(s.id()).map(RecordsShapeProbeTest::describe));
                log.add("getAll " + s.id(), () -> r.getAll(List.of(s.id())).values().stream().map(RecordsShapeProbeTest::describe).toList());
            }
            log.add("by when", () -> r.query().orderBy("when").list().stream().map(Shape::id).toList());
            log.add("by d desc", () -> r.query().orderBy("d", Direction.DESC).list().stream().map(Shape::id).toList());
            log.add("d eq 0", () -> r.query().where(Q.field("d").eq(0)).list().stream().map(Shape::id).toList());
            log.add("color GREEN", () -> r.query().where(Q.field("color").eq(Color.GREEN)).list().stream().map(Shape::id).toList());
            log.add("when = max", () -> r.query().where(Q.field("when").eq("9999-12-31T23:59:59.999999Z")).list().stream().map(Shape::id).toList());
            log.add("when nanos", () -> r.query().where(Q.field("when").eq(Instant.parse("2024-01-01T00:00:00.123456999Z"))).count());
            log.add("paged by when", () -> {
                List<String> all = new ArrayList<>();
                var q = r.query().orderBy("when", Direction.DESC).limit(1);
                var p = q.page();
                all.addAll(p.items().stream().map(Shape::id).toList());
                while (p.nextCursor() != null) {
                    p = q.after(p.nextCursor()).page();
                    all.addAll(p.items().stream().map(Shape::id).toList());
                }
                return all;
            });
            log.add("paged by d", () -> {
                List<String> all = new ArrayList<>();
                var q = r.query().orderBy("d").limit(1);
                var p = q.page();
                all.addAll(p.items().stream().map(Shape::id).toList());
                while (p.nextCursor() != null) {
                    p = q.after(p.nextCursor()).page();
                    all.addAll(p.items().stream().map(Shape::id).toList());
                }
                return all;
            });
            return log.lines;
        });
    }

    record Doc(String id, String text, String tag) {}

    static final Schema<String, Doc> DOCS = Schema.of("docs", String.class, Doc.class).key(Doc::id)
            .index("tag", String.class, Doc::tag)
            .uniqueIndex("utag", String.class, Doc::tag)
            .build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void documentsAtTheSizeLimitAndIndexValuesAtTheirLimits(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Doc> r = depot.records(DOCS);
            // The limit less the JSON around the text: every character escaped by JSON and again by SQL text protocols
            int around = "{\"id\":\"b1\",\"text\":\"\",\"tag\":null}".length();
            int n = (DocumentLimits.MAX_DOCUMENT_BYTES - around) / 2;
            log.add("backslashes at the limit", () -> r.save(new Doc("b1", "\\".repeat(n), null)));
            log.add("read back", () -> r.get("b1").map(d -> d.text().length()));
            log.add("quotes at the limit", () -> r.save(new Doc("b2", "\"".repeat(n), null)));
            log.add("read back", () -> r.get("b2").map(d -> d.text().length()));
            log.add("one more", () -> r.save(new Doc("b3", "\\".repeat(n + 1), null)));
            log.add("nul heavy", () -> r.save(new Doc("b4", "\u0000".repeat((DocumentLimits.MAX_DOCUMENT_BYTES - around) / 6), null)));
            log.add("read back", () -> r.get("b4").map(d -> d.text().length()));
            log.add("single quotes", () -> r.save(new Doc("b5", "'".repeat(DocumentLimits.MAX_DOCUMENT_BYTES - around), null)));
            log.add("read back", () -> r.get("b5").map(d -> d.text().length()));
            String emoji = "\uD83D\uDE00";
            String key255 = emoji.repeat(63) + "abc";
            String tag512 = emoji.repeat(511) + "a";
            log.add("key 255 bytes, tags 512 emoji", () -> r.save(new Doc(key255, "t", tag512)));
            log.add("same unique", () -> r.save(new Doc("other", "t", tag512)));
            log.add("tag 513", () -> r.save(new Doc("x513", "t", emoji.repeat(512) + "a")));
            log.add("query tag", () -> r.query().where(Q.field("tag").eq(tag512)).count());
            log.add("query prefix", () -> r.query().where(Q.field("tag").startsWith(emoji.repeat(511))).count());
            log.add("page cursor at limits", () -> {
                r.save(new Doc(key255.substring(0, key255.length() - 1) + "b", "t", tag512.substring(0, tag512.length() - 1) + "b"));
                var q = r.query().where(Q.field("tag").isNotNull()).orderBy("tag").limit(1);
                var p = q.page();
                return p.items().size() + " " + q.after(p.nextCursor()).page().items().size();
            });
            log.add("key 256 bytes", () -> r.save(new Doc(key255 + "d", "t", null)));
            log.add("key with BOM and zero-width", () -> r.save(new Doc("\uFEFFk\u200B", "t", "\uFEFF")));
            log.add("get BOM key", () -> r.get("\uFEFFk\u200B").isPresent() + " " + r.get("k\u200B").isPresent());
            log.add("tag eq BOM", () -> r.query().where(Q.field("tag").eq("\uFEFF")).count() + " " + r.query().where(Q.field("tag").eq("")).count());
            log.add("empty tag", () -> r.save(new Doc("e", "t", "")));
            log.add("tag eq empty", () -> r.query().where(Q.field("tag").eq("")).count());
            log.add("trailing space distinct unique", () -> r.save(new Doc("ts", "t", "\uFEFF ")));
            log.add("trailing space eq", () -> r.query().where(Q.field("tag").eq("\uFEFF ")).list().stream().map(Doc::id).toList());
            return log.lines;
        });
    }

    // ---- re-declaration of a collection with data ----

    record Row(String id, Long n, String s) {}

    static Schema<String, Row> rows(String indexName, Class<?> type, boolean unique) {
        var b = Schema.of("rows", String.class, Row.class).key(Row::id);
        if (type == Long.class) {
            b = unique ? b.uniqueIndex(indexName, Long.class, Row::n) : b.index(indexName, Long.class, Row::n);
        } else if (type == String.class) {
            b = unique ? b.uniqueIndex(indexName, String.class, Row::s) : b.index(indexName, String.class, Row::s);
        } else if (type == Double.class) {
            b = b.index(indexName, Double.class, r -> r.n() == null ? null : r.n() * 1.5);
        }
        return b.build();
    }

    static final Schema<Long, Row> ROWS_LONG_KEY = Schema.of("rows", Long.class, Row.class).key(Row::n).build();
    static final Schema<UUID, Row> ROWS_UUID_KEY = Schema.of("rows", UUID.class, Row.class).key(r -> UUID.nameUUIDFromBytes(r.id().getBytes())).build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void redeclaringACollectionWithDataAnswersAlike(String db, TestDatabases.UrlSource opener) {
        RecordsProbeTest.compare(db, opener, depot -> {
            RecordsProbeTest.Log log = new RecordsProbeTest.Log();
            Records<String, Row> r = depot.records(rows("v", Long.class, false));
            for (int i = 0; i < 6; i++) {
                r.save(new Row("r" + i, (long) (i % 3), "s" + (5 - i)));
            }
            List<Object[]> steps = List.of(
                    new Object[] {"v", Long.class, true},
                    new Object[] {"v", Long.class, false},
                    new Object[] {"v", String.class, false},
                    new Object[] {"v", Long.class, false},
                    // a third and fourth declaration of one name (SQL keeps the others' columns)
                    new Object[] {"v", Double.class, false},
                    new Object[] {"v", String.class, true},
                    new Object[] {"v", Long.class, false},
                    new Object[] {"V", Long.class, false},
                    new Object[] {"v", Long.class, false});
            for (Object[] step : steps) {
                String what = step[0] + ":" + ((Class<?>) step[1]).getSimpleName() + (((Boolean) step[2]) ? ":unique" : "");
                log.add("open " + what, () -> {
                    Records<String, Row> x = depot.records(rows((String) step[0], (Class<?>) step[1], (Boolean) step[2]));
                    return x.query().orderBy((String) step[0]).list().stream().map(Row::id).toList() + " count "
                            + x.query().where(Q.field((String) step[0]).isNotNull()).count();
                });
                log.add("old handle " + what, () -> r.count());
            }
            log.add("open with Long key", () -> depot.records(ROWS_LONG_KEY).count());
            log.add("open with UUID key", () -> depot.records(ROWS_UUID_KEY).count());
            log.add("after clear, long key", () -> {
                depot.clear();
                return depot.records(ROWS_LONG_KEY).count();
            });
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
     * CONTRACT §3: documents up to the limit are stored on every backend. MariaDB's text protocol escapes
     * backslashes and quotes, so a document of them doubles; at 8 MiB it went past the server's 16 MiB
     * max_allowed_packet: the server drops the connection and the write fails as
     * BackendUnavailableException (SQLSTATE 08S01) while memory and the other databases store it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void documentsWithinTheLimitWhoseCharactersSqlEscapesAreStored(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            Records<String, Doc> r = depot.records(DOCS);
            int around = "{\"id\":\"b1\",\"text\":\"\",\"tag\":null}".length();
            String text = "\\".repeat((DocumentLimits.MAX_DOCUMENT_BYTES - around) / 2); // JSON doubles each backslash
            assertThat(r.save(new Doc("b1", text, null))).isEqualTo(1);
            assertThat(r.get("b1").map(Doc::text)).contains(text);
            String quotes = "'".repeat(DocumentLimits.MAX_DOCUMENT_BYTES - around); // JSON keeps them, SQL text escapes them
            assertThat(r.save(new Doc("b2", quotes, null))).isEqualTo(1);
            assertThat(r.get("b2").map(Doc::text)).contains(quotes);
            depot.clear();
        }
    }

    /** Changing the key type is an IllegalArgumentException on every backend, and with one message (memory's). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyBackend")
    void changingTheKeyTypeIsRefusedWithOneMessage(String db, TestDatabases.UrlSource opener) {
        try (Depot depot = open(opener)) {
            depot.records(rows("v", Long.class, false)).save(new Row("r1", 1L, "a"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> depot.records(ROWS_LONG_KEY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("rows: collection exists with key type STRING, cannot open it with key type LONG");
            depot.clear();
        }
    }
}
