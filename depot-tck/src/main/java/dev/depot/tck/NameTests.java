package dev.depot.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.tck.KitModel.Member;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Distinct names stay distinct: collection names up to the longest allowed that share all but
 * their last character, and index names that spell out what the shortened storage name of another
 * index once looked like. A backend that derives storage names (SQL tables, columns)
 * must never let two of them share storage. Each test owns its collection names.
 */
abstract class NameTests extends FeatureTests {
    NameTests(DepotConformanceSuite suite) {
        super(suite);
    }

    private static Schema<String, Member> members(String collection) {
        return Schema.of(collection, String.class, Member.class).key(Member::id).build();
    }

    @Test
    void theLongestCollectionNamesThatDifferOnlyAtTheEndAreSeparateCollections() {
        String head = "names_" + "n".repeat(56);
        Records<String, Member> first = depot().records(members(head + "1"));
        Records<String, Member> second = depot().records(members(head + "2"));

        first.save(new Member("k", "first", null));

        assertThat(second.get("k")).isEmpty();
        second.save(new Member("k", "second", null));
        assertThat(first.get("k").orElseThrow().email()).isEqualTo("first");
        assertThat(second.count()).isEqualTo(1);
    }

    @Test
    void indexNamesThatLookLikeAnotherIndexShortenedKeepTheirOwnValues() {
        // "a_d3d99e8b" is what a SQL backend once named the column of index "A" (x_a_ + CRC32 of "A").
        List<String> names = List.of("A", "a_d3d99e8b", "Bc", "v".repeat(63), "v".repeat(62) + "w");
        Schema.Builder<String, Member> b = Schema.of("names_indexes", String.class, Member.class).key(Member::id);
        for (String name : names) {
            b.index(name, String.class, m -> m.email().equals(name) ? "mine" : "other:" + m.email());
        }
        Records<String, Member> r = depot().records(b.build());
        for (String name : names) {
            r.save(new Member("k-" + name, name, null));
        }

        for (String name : names) {
            assertThat(map(r.query().where(Q.field(name).eq("mine")).list(), Member::id)).as("index %s", name)
                    .containsExactly("k-" + name);
        }
    }
}
