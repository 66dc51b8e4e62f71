package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Condition;
import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Query;
import dev.depot.Records;
import dev.depot.jdbc.WideConditionsProbeTest.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random ORs of 100 to 700 {@code startsWith} of one column, and their negations, on every database
 * against memory: PostgreSQL writes them as a join with the ranges or with the gaps between them
 * ({@code Dialect#inRanges}), the others as ORs. Prefixes nest, repeat, are empty, end in U+10FFFF
 * (no upper bound: the OR form again) or hold characters past U+FFFF, where code point order and
 * UTF-16 order differ.
 */
class PrefixRangesProbeTest {
    static final String PREFIX = "pr31_";
    private static final String[] PIECES = {"a", "b", "ab", "\u00e9", "\uFFFD", "\uD83D\uDE00", "\uDBFF\uDFFF", "z", "-"};

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void manyPrefixesAndTheirNegationsAnswerAsInMemory(String db, TestDatabases.UrlSource opener) {
        Random data = new Random(31);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            rows.add(new Row(String.format("k%03d", i), data.nextInt(8) == 0 ? null : text(data, 1 + data.nextInt(4)),
                    (long) data.nextInt(20)));
        }
        List<String> memory;
        try (Depot depot = Depot.open("memory:")) {
            memory = transcript(depot, rows);
        }
        try (Depot depot = Depot.open(ReadableSchemaTest.url(opener, PREFIX))) {
            List<String> sql = transcript(depot, rows);
            depot.clear();
            assertThat(sql).as(db).isEqualTo(memory);
        }
        // The conditions and their negations select rows, not only none.
        assertThat(memory.stream().filter(line -> line.contains("/0 ASC [k")).count()).isGreaterThan(5);
        assertThat(memory.stream().filter(line -> line.contains("/1 ASC [k")).count()).isGreaterThan(5);
    }

    private static String text(Random random, int pieces) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < pieces; i++) {
            s.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return s.toString();
    }

    private static List<String> transcript(Depot depot, List<Row> rows) {
        Records<String, Row> r = depot.records(WideConditionsProbeTest.ROWS); // its rows, under this test's table prefix
        r.saveAll(rows);
        List<String> lines = new ArrayList<>();
        for (int seed = 1; seed <= 10; seed++) {
            Random random = new Random(seed);
            Condition[] prefixes = new Condition[100 + random.nextInt(600)];
            for (int i = 0; i < prefixes.length; i++) {
                // Mostly two to four pieces, so the ranges leave gaps that rows fall in; the empty
                // prefix (every non-null name) in one seed only.
                int kind = random.nextInt(60);
                String p = kind == 0 && seed == 5 ? "" : kind == 1 ? text(random, 1) : text(random, 2 + random.nextInt(3));
                prefixes[i] = Q.field("name").startsWith(p);
            }
            Condition any = Q.or(prefixes);
            List<Condition> shapes = List.of(any, Q.not(any), Q.and(Q.not(any), Q.field("score").lt(10L)),
                    Q.and(any, Q.field("score").ge(5L)), Q.or(Q.not(any), Q.field("score").eq(3L)));
            for (int s = 0; s < shapes.size(); s++) {
                Query<Row> q = r.query().where(shapes.get(s));
                lines.add(seed + "/" + s + " count " + q.count());
                for (Direction dir : Direction.values()) {
                    lines.add(seed + "/" + s + " " + dir + " " + ids(q.orderBy("name", dir).list()));
                    lines.add(seed + "/" + s + " pages " + dir + " " + WideConditionsProbeTest.paged(q.orderBy("name", dir), 7));
                }
            }
        }
        return lines;
    }

    private static List<String> ids(List<Row> rows) {
        return rows.stream().map(Row::id).toList();
    }
}
