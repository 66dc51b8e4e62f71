package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Q;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The explicit index calls: {@link JdbcDepots#rebuildIndexes} repairs what an older version, already
 * running when a newer one added an index, wrote around it; {@link JdbcDepots#dropStaleIndexes} drops
 * the columns of indexes no declaration opened since has.
 */
class IndexRepairTest {
    record Player(String id, String name, int score) {}

    private static final Schema<String, Player> V1 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).build();
    private static final Schema<String, Player> V2 = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).index("name", String.class, Player::name).build();
    private static final Schema<String, Player> V2_UNIQUE = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Integer.class, Player::score).index("name", String.class, Player::name)
            .uniqueIndex("tag", String.class, p -> p.name().substring(0, 1)).build();

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("postgresql", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.postgres(), "repair_")),
                Arguments.of("mariadb", (TestDatabases.UrlSource) () -> TestDatabases.fresh(TestDatabases.mariadb(), "repair_")),
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void rebuildRepairsWhatAnOlderRunningVersionWroteAround(String name, TestDatabases.UrlSource source) {
        String url = source.url();
        try (Depot v1 = Depot.open(url)) {
            var older = v1.records(V1);
            older.save(new Player("p1", "Ada", 10));
            try (Depot v2 = Depot.open(url)) {
                var newer = v2.records(V2); // adds "name" while the older version runs
                older.save(new Player("p3", "Cy", 30));
                older.save(new Player("p1", "Bea", 11));
                // The hazard CONTRACT §2 states: the older version's writes are not in the newer index.
                assertThat(newer.query().where(Q.field("name").eq("Cy")).list()).isEmpty();
                assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).extracting(Player::name).containsExactly("Bea");
            }
        }
        JdbcDepots.rebuildIndexes(url, V2);
        try (Depot v2 = Depot.open(url)) {
            var newer = v2.records(V2);
            assertThat(newer.query().where(Q.field("name").eq("Cy")).list()).extracting(Player::id).containsExactly("p3");
            assertThat(newer.query().where(Q.field("name").eq("Ada")).list()).isEmpty();
            assertThat(newer.query().where(Q.field("name").eq("Bea")).list()).extracting(Player::id).containsExactly("p1");
            assertThat(newer.query().where(Q.field("score").eq(30)).list()).extracting(Player::id).containsExactly("p3");
            newer.save(new Player("p4", "Ben", 40)); // B again: a new unique index over it must refuse
        }
        assertThatThrownBy(() -> JdbcDepots.rebuildIndexes(url, V2_UNIQUE)).isInstanceOf(UniqueConstraintException.class)
                .hasMessageContaining("tag");
        try (Depot v2 = Depot.open(url)) {
            assertThat(v2.records(V2).query().where(Q.field("name").eq("Ben")).list()).as("the refused rebuild changed nothing")
                    .extracting(Player::id).containsExactly("p4");
        }
        assertThatThrownBy(() -> JdbcDepots.rebuildIndexes(url, Schema.of("nothing", String.class, Player.class).key(Player::id).build()))
                .hasMessageContaining("collection 'nothing' has no table");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dropStaleIndexesDropsOnlyWhatNoDeclarationHas(String name, TestDatabases.UrlSource source) throws Exception {
        String url = source.url();
        try (Depot v2 = Depot.open(url)) {
            v2.records(V2).save(new Player("p1", "Ada", 10));
        }
        assertThat(JdbcDepots.dropStaleIndexes(url)).as("nothing is stale yet").isEmpty();
        try (Depot v1 = Depot.open(url)) {
            v1.records(V1).save(new Player("p2", "Bob", 20)); // the older declaration marks "name" stale
        }
        assertThat(column(url, "x_name")).isTrue();
        assertThatThrownBy(() -> JdbcDepots.dropStaleIndexes(url, "nosuch")).hasMessageContaining("collection 'nosuch'");
        assertThat(JdbcDepots.dropStaleIndexes(url, "players")).isEqualTo(Map.of("players", java.util.List.of("name")));
        assertThat(column(url, "x_name")).as("the column is gone").isFalse();
        assertThat(column(url, "x_score")).isTrue();
        try (Depot v1 = Depot.open(url)) {
            assertThat(v1.records(V1).query().where(Q.field("score").eq(20)).list()).extracting(Player::id).containsExactly("p2");
        }
        try (Depot v2 = Depot.open(url)) { // declared again: added and filled from the documents
            assertThat(v2.records(V2).query().where(Q.field("name").eq("Bob")).list()).extracting(Player::id).containsExactly("p2");
        }
    }

    private static boolean column(String url, String column) throws Exception {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            String table = s.tablePrefix() + "c_players";
            for (String t : new String[] {table, table.toUpperCase()}) {
                for (String col : new String[] {column, column.toUpperCase()}) {
                    try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), t, col)) {
                        if (rs.next()) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    }
}
