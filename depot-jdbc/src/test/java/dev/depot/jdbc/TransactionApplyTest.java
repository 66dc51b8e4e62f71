package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * How a transaction's writes reach the tables at commit: only each key's final state is written, in
 * batches, so unique values that moved between keys, keys deleted and re-inserted, and transactions
 * larger than one IN list must all come out as if applied one by one.
 */
class TransactionApplyTest {
    record Badge(String id, String code) {}

    private static final Schema<String, Badge> BADGES = Schema.of("badges", String.class, Badge.class).key(Badge::id)
            .uniqueIndex("code", String.class, Badge::code).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all("apply_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uniqueValuesSwappedInsideATransactionCommit(String name, TestDatabases.UrlSource source) {
        try (Depot depot = Depot.open(source.url())) {
            Records<String, Badge> badges = depot.records(BADGES);
            badges.insert(new Badge("a", "x"));
            badges.insert(new Badge("b", "y"));
            badges.insert(new Badge("c", "w"));

            depot.transact(tx -> {
                Records<String, Badge> b = tx.records(BADGES);
                b.update(new Badge("a", "z"));
                b.update(new Badge("b", "x"));
                b.update(new Badge("a", "y"));
                b.delete("c");
                b.insert(new Badge("d", "w")); // takes the value the deleted key held
                return null;
            });

            assertThat(badges.get("a")).contains(new Badge("a", "y"));
            assertThat(badges.get("b")).contains(new Badge("b", "x"));
            assertThat(badges.get("c")).isEmpty();
            assertThat(badges.query().where(Q.field("code").eq("w")).list()).containsExactly(new Badge("d", "w"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTransactionLargerThanOneInListCommitsAndSeesItsOwnWrites(String name, TestDatabases.UrlSource source) {
        try (Depot depot = Depot.open(source.url())) {
            Records<String, Badge> badges = depot.records(BADGES);
            badges.saveAll(IntStream.range(0, 300).mapToObj(i -> new Badge("k" + i, null)).toList());

            long seen = depot.transact(tx -> {
                Records<String, Badge> b = tx.records(BADGES);
                b.saveAll(IntStream.range(0, 700).mapToObj(i -> new Badge("k" + i, "c" + i)).toList());
                b.delete("k0");
                return b.query().where(Q.field("code").isNotNull()).count();
            });

            assertThat(seen).isEqualTo(699);
            assertThat(badges.count()).isEqualTo(699);
            assertThat(badges.getVersioned("k1").orElseThrow().version()).isEqualTo(2);
            assertThat(badges.getVersioned("k500").orElseThrow().version()).isEqualTo(1);
        }
    }
}
