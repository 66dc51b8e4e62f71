package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.Direction;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQL-specific storage details on every database: code point order where collations usually
 * differ, extreme values, and schema evolution beyond one page of backfill, including a type change
 * and a refused unique index that must leave the table as it was.
 */
class OrderAndEvolutionTest {
    record Thing(String id, String label, Long n, Double d, Instant at) {}

    static Stream<Arguments> databases() {
        return TestDatabases.all("ord_");
    }

    private static Schema.Builder<String, Thing> things(String name) {
        return Schema.of(name, String.class, Thing.class).key(Thing::id);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void stringsSortByCodePointAndNumbersKeepTheirExtremes(String name, TestDatabases.UrlSource opener) {
        try (Depot depot = Depot.open(opener.url())) {
            Records<String, Thing> r = depot.records(things("ordering")
                    .index("label", String.class, Thing::label)
                    .index("d", Double.class, Thing::d)
                    .index("at", Instant.class, Thing::at)
                    .build());
            List<String> labels = List.of("\uD83D\uDE00", "\uFFFD", "a", "a ", "B", "", "\u00e9", "z");
            List<Thing> all = new ArrayList<>();
            double[] ds = {Double.NEGATIVE_INFINITY, -1.5, 0.0, Double.MIN_VALUE, 2.5, Double.MAX_VALUE, Double.POSITIVE_INFINITY, -Double.MAX_VALUE};
            for (int i = 0; i < labels.size(); i++) {
                all.add(new Thing("k" + i, labels.get(i), (long) i, ds[i], Instant.ofEpochSecond(-1_000_000_000L * i, 123_456_000)));
            }
            r.saveAll(all);

            assertThat(r.query().orderBy("label", Direction.ASC).list().stream().map(Thing::label).toList())
                    .containsExactly("", "B", "a", "a ", "z", "\u00e9", "\uFFFD", "\uD83D\uDE00");
            assertThat(r.query().where(Q.field("label").startsWith("a")).count()).isEqualTo(2);
            assertThat(r.query().where(Q.field("label").eq("a")).count()).as("trailing spaces count").isEqualTo(1);
            assertThat(r.query().orderBy("d", Direction.DESC).list().stream().map(Thing::d).toList())
                    .containsExactly(Double.POSITIVE_INFINITY, Double.MAX_VALUE, 2.5, Double.MIN_VALUE, 0.0, -1.5,
                            -Double.MAX_VALUE, Double.NEGATIVE_INFINITY);
            assertThat(r.query().where(Q.field("at").lt(Instant.EPOCH)).count()).isEqualTo(7);
            assertThat(r.get("k7").orElseThrow().at()).isEqualTo(Instant.ofEpochSecond(-7_000_000_000L, 123_456_000));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void evolutionBackfillsPastOnePageChangesTypesAndRefusesViolatedUniqueIndexes(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        // h2:mem is dropped when its last depot closes: this one keeps it for the reopen below.
        Depot keeper = url.startsWith("h2:mem") ? Depot.open(url) : null;
        try (Depot depot = Depot.open(url)) {
            Records<String, Thing> v1 = depot.records(things("evolving").index("n", Long.class, Thing::n).build());
            v1.saveAll(IntStream.range(0, 1_234)
                    .mapToObj(i -> new Thing(String.format("t%05d", i), "L" + (i % 10), (long) i, null, null)).toList());

            // "n" changes type (Long -> String) and a non-unique index is added: both backfilled.
            Records<String, Thing> v2 = depot.records(things("evolving")
                    .index("n", String.class, t -> "n" + t.n())
                    .index("label", String.class, Thing::label)
                    .build());
            assertThat(v2.query().where(Q.field("label").eq("L3")).count()).isEqualTo(124);
            assertThat(v2.query().where(Q.field("n").eq("n1233")).list()).hasSize(1);

            // A unique index the data violates is refused, and the collection stays at v2.
            Schema<String, Thing> bad = things("evolving").index("n", String.class, t -> "n" + t.n())
                    .index("label", String.class, Thing::label).uniqueIndex("labelU", String.class, Thing::label).build();
            assertThatThrownBy(() -> depot.records(bad)).isInstanceOf(UniqueConstraintException.class)
                    .hasMessageContaining("labelU").hasMessageNotContaining("L3");
            assertThat(v2.query().where(Q.field("label").eq("L3")).count()).isEqualTo(124);
        }
        try (Depot reopened = Depot.open(url)) {
            // The registry still says v2: opening v2 again changes nothing and finds the data.
            Records<String, Thing> again = reopened.records(things("evolving")
                    .index("n", String.class, t -> "n" + t.n()).index("label", String.class, Thing::label).build());
            assertThat(again.count()).isEqualTo(1_234);
            assertThat(again.query().where(Q.field("label").eq("L9")).count()).isEqualTo(123);
        } finally {
            if (keeper != null) {
                keeper.close();
            }
        }
    }
}
