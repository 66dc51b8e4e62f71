package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables as a DBA sees them, on every database: SQL indexes named after collection and index,
 * and comments (where the database keeps them) saying what Depot keeps in each table and column.
 */
class ReadableSchemaTest {
    private static final String PREFIX = "rs_";

    record Player(String id, String name, long score) {}

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    private static final Schema<String, Player> PLAYERS = Schema.of("players", String.class, Player.class).key(Player::id)
            .index("score", Long.class, Player::score).uniqueIndex("name", String.class, Player::name).build();

    static String url(TestDatabases.UrlSource opener) {
        return url(opener, PREFIX);
    }

    /** The database's URL with {@code prefix} (server URLs come with it, local databases get it). */
    static String url(TestDatabases.UrlSource opener, String prefix) {
        String given = opener.url();
        return given.contains("tablePrefix=") ? given : TestDatabases.withPrefix(given, prefix);
    }

    static Connection jdbc(String depotUrl) throws SQLException {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        return DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void indexesHaveReadableNamesAndTablesSayWhatTheyHold(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = url(opener);
        try (Depot depot = Depot.open(url)) {
            Records<String, Player> players = depot.records(PLAYERS);
            players.save(new Player("p1", "ann", 7));
            try (Connection c = jdbc(url)) {
                String table = name(c, "rs_c_players");
                assertThat(indexes(c, table)).contains("rs_players_score_idx", "rs_players_name_idx");
                if (db.equals("sqlite")) {
                    return; // SQLite keeps no comments
                }
                assertThat(tableRemarks(c, table)).contains("Depot collection 'players'");
                Map<String, String> columns = columnRemarks(c, table);
                assertThat(columns.get("k")).contains("record key");
                assertThat(columns.get("ver")).contains("version");
                assertThat(columns.get("doc")).contains("document");
                assertThat(columns.get("x_score")).contains("index 'score'", "LONG");
                assertThat(columns.get("x_name")).contains("index 'name'", "unique");
                assertThat(tableRemarks(c, name(c, "rs_changes"))).contains("change feed");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void anIndexAddedLaterGetsAReadableNameAndAComment(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = url(opener);
        try (Depot depot = Depot.open(url)) {
            depot.records(Schema.of("teams", String.class, Player.class).key(Player::id).build()).save(new Player("t", "x", 1));
            depot.records(Schema.of("teams", String.class, Player.class).key(Player::id)
                    .index("Score_Value", Long.class, Player::score).build());
            try (Connection c = jdbc(url)) {
                String table = name(c, "rs_c_teams");
                assertThat(indexes(c, table)).contains("rs_teams_score_value_idx");
                if (!db.equals("sqlite")) {
                    assertThat(columnRemarks(c, table).values()).anyMatch(r -> r != null && r.contains("index 'Score_Value'"));
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void blobAndQueueTablesSayWhatEveryColumnHolds(String db, TestDatabases.UrlSource opener) throws SQLException {
        if (db.equals("sqlite")) {
            return; // SQLite keeps no comments
        }
        String url = url(opener);
        try (Depot depot = Depot.open(url); Connection c = jdbc(url)) {
            for (String t : java.util.List.of("blobs", "blob_chunks", "blob_uploads", "blob_buckets", "queues", "queue_items")) {
                String table = name(c, "rs_" + t);
                assertThat(tableRemarks(c, table)).as(t).startsWith("Depot ");
                Map<String, String> columns = columnRemarks(c, table);
                assertThat(columns.keySet()).as(t).containsExactlyInAnyOrderElementsOf(StoreComments.columns(t));
                columns.forEach((column, remark) -> assertThat(remark).as("%s.%s", t, column).isNotBlank());
            }
            assertThat(columnRemarks(c, name(c, "rs_queue_items")).get("state")).contains("READY");
        }
    }

    /** The table's name as the database's catalog spells it (H2 upper-cases unquoted names). */
    static String name(Connection c, String table) throws SQLException {
        for (String t : java.util.List.of(table, table.toUpperCase(Locale.ROOT))) {
            try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), t, null)) {
                if (rs.next()) {
                    return rs.getString("TABLE_NAME");
                }
            }
        }
        throw new AssertionError("no table " + table);
    }

    static java.util.Set<String> indexes(Connection c, String table) throws SQLException {
        java.util.Set<String> out = new TreeSet<>();
        if (c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("maria")) {
            try (var st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW INDEX FROM " + table)) {
                while (rs.next()) {
                    out.add(rs.getString("Key_name").toLowerCase(Locale.ROOT));
                }
            }
            return out;
        }
        try (ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), c.getSchema(), table, false, false)) {
            while (rs.next()) {
                if (rs.getString("INDEX_NAME") != null) {
                    out.add(rs.getString("INDEX_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return out;
    }

    static String tableRemarks(Connection c, String table) throws SQLException {
        try (ResultSet rs = c.getMetaData().getTables(c.getCatalog(), c.getSchema(), table, null)) {
            assertThat(rs.next()).isTrue();
            return rs.getString("REMARKS");
        }
    }

    static Map<String, String> columnRemarks(Connection c, String table) throws SQLException {
        Map<String, String> out = new HashMap<>();
        try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), c.getSchema(), table, "%")) {
            while (rs.next()) {
                out.put(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT), rs.getString("REMARKS"));
            }
        }
        return out;
    }
}
