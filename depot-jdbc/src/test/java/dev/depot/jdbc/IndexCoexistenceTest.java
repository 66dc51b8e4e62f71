package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.Q;
import dev.depot.Schema;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two versions of an application declare one collection with different indexes and open it in turn
 * (a rolling deploy): a running application only ever adds index columns, so nothing is dropped, the
 * older version keeps working beside the newer one, and the newer one's index is whole again when it
 * reopens after the older one wrote.
 */
class IndexCoexistenceTest {
    record Player(String id, String name, int score) {}

    private static final Schema<String, Player> V1 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).build();
    private static final Schema<String, Player> V2 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).index("name", String.class, Player::name).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all("coexist_");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void olderAndNewerDeclarationsTakeTurnsWithoutDroppingAnything(String name, TestDatabases.UrlSource source) {
        String url = source.url();
        try (Depot keeper = Depot.open(url)) { // h2:mem lives while a depot has it open
            try (Depot v1 = Depot.open(url)) {
                v1.records(V1).save(new Player("p1", "Ada", 10));
            }
            try (Depot v2 = Depot.open(url); Depot v1 = Depot.open(url)) {
                var newer = v2.records(V2);
                assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).extracting(Player::id).containsExactly("p1");
                newer.save(new Player("p2", "Bob", 20));
                var older = v1.records(V1); // the older version, started while the newer one runs
                older.save(new Player("p3", "Cy", 30));
                assertThat(older.query().where(Q.field("score").eq(20)).list()).extracting(Player::id).containsExactly("p2");
                newer.save(new Player("p4", "Di", 40));
                assertThat(newer.query().where(Q.field("name").eq("Di")).list()).as("the newer index still works")
                        .extracting(Player::id).containsExactly("p4");
                assertThat(older.query().where(Q.field("score").eq(40)).list()).extracting(Player::id).containsExactly("p4");
            }
            try (Depot v2 = Depot.open(url)) {
                var newer = v2.records(V2);
                assertThat(newer.query().where(Q.field("name").eq("Cy")).list())
                        .as("what the older version wrote is in the newer index after the newer one reopens")
                        .extracting(Player::id).containsExactly("p3");
                assertThat(newer.query().where(Q.field("name").eq("Bob")).list()).extracting(Player::id).containsExactly("p2");
            }
            for (int round = 0; round < 3; round++) {
                try (Depot v1 = Depot.open(url)) {
                    v1.records(V1).save(new Player("r1-" + round, "Eve" + round, 50 + round));
                }
                try (Depot v2 = Depot.open(url)) {
                    assertThat(v2.records(V2).query().where(Q.field("name").eq("Eve" + round)).list())
                            .extracting(Player::id).containsExactly("r1-" + round);
                    assertThat(v2.records(V2).count()).isEqualTo(5 + round);
                }
            }
        }
    }
}
