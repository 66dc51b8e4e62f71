package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Q;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.UniqueConstraintException;
import dev.depot.spi.DepotUrl;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Names that collided under the CRC32 shortening Depot used first, on every database: two
 * collections whose tables got one name (the second adopted the first one's table), two indexes of
 * two collections whose SQL indexes got one name (the second was silently never created), and a registry
 * in which two collections already share a table, which must be refused naming both.
 */
class NameCollisionTest {
    private static final String PREFIX = "nm_";

    record Row(String id, String v) {}

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    private static Schema<String, Row> rows(String collection, boolean unique) {
        Schema.Builder<String, Row> b = Schema.of(collection, String.class, Row.class).key(Row::id);
        return (unique ? b.uniqueIndex("v", String.class, Row::v) : b.index("v", String.class, Row::v)).build();
    }

    /** Runs a test on a fresh depot and drops the test's tables afterwards. */
    private static void on(TestDatabases.UrlSource opener, java.util.function.BiConsumer<Depot, String> test) {
        String given = opener.url();
        String url = given.contains("tablePrefix=") ? given : TestDatabases.withPrefix(given, PREFIX);
        try (Depot depot = Depot.open(url)) {
            test.accept(depot, url);
        } finally {
            if (url.startsWith("postgresql:") || url.startsWith("mariadb:")) {
                TestDatabases.dropTables(url, PREFIX);
            }
        }
    }

    private static String crc(String s) {
        CRC32 crc = new CRC32();
        crc.update(s.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aLongCollectionNameAndItsShortenedTableNameKeepTheirOwnRecords(String db, TestDatabases.UrlSource opener) {
        // The first scheme cut "prefix c_ name" to 51 characters and appended _crc32(name): a 60-character
        // name that a shorter collection spells out in full.
        String a = "orders_of_customers_in_the_northern_region_by_quarter_and_year";
        String b = a.substring(0, 49 - PREFIX.length()) + "_" + crc(a);
        on(opener, (depot, url) -> {
            Records<String, Row> first = depot.records(rows(a, false));
            Records<String, Row> second = depot.records(rows(b, false));
            first.save(new Row("k", "from a"));

            assertThat(second.get("k")).as("collection %s must not see the records of %s", b, a).isEmpty();
            second.save(new Row("k", "from b"));
            assertThat(first.get("k")).contains(new Row("k", "from a"));
            assertThat(second.get("k")).contains(new Row("k", "from b"));
            assertThat(first.count()).isEqualTo(1);
            assertThat(depot.stats().records()).containsEntry(a, 1L).containsEntry(b, 1L);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void twoIndexesWhoseOldIndexNamesCollideAreBothCreated(String db, TestDatabases.UrlSource opener) {
        // SQL index names were prefix i_ crc32(table.column), schema-wide on PostgreSQL, H2 and SQLite:
        // CREATE INDEX IF NOT EXISTS skipped the second index of a colliding pair.
        String[] pair = collidingIndexNames();
        on(opener, (depot, url) -> {
            for (String collection : pair) {
                Records<String, Row> r = depot.records(rows(collection, true));
                r.save(new Row("k1", "same"));
                assertThatThrownBy(() -> r.save(new Row("k2", "same")))
                        .as("unique index of %s", collection).isInstanceOf(UniqueConstraintException.class);
                assertThat(r.query().where(Q.field("v").eq("same")).count()).isEqualTo(1);
            }
            for (String collection : pair) {
                assertThat(sqlIndexesOnV(url, PREFIX + "c_" + collection)).as("SQL indexes on %s.x_v", collection).isNotEmpty();
            }
        });
    }

    /** The names of the SQL indexes covering column x_v of a table, from the driver's metadata. */
    private static List<String> sqlIndexesOnV(String url, String table) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        List<String> names = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password())) {
            for (String t : List.of(table, table.toUpperCase(java.util.Locale.ROOT))) {
                try (ResultSet rs = c.getMetaData().getIndexInfo(null, null, t, false, false)) {
                    while (rs.next()) {
                        if ("x_v".equalsIgnoreCase(rs.getString("COLUMN_NAME"))) {
                            names.add(rs.getString("INDEX_NAME"));
                        }
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return names;
    }

    /**
     * Two collection names whose (table, column x_v) pairs had one CRC32 index name: a birthday
     * search over random 12-letter names (a counter would not do: CRC32 never collides on
     * differences within 32 bits).
     */
    private static String[] collidingIndexNames() {
        Map<Long, String> seen = new HashMap<>();
        java.util.Random random = new java.util.Random(7);
        CRC32 crc = new CRC32();
        while (true) {
            StringBuilder name = new StringBuilder("u");
            for (int i = 0; i < 12; i++) {
                name.append((char) ('a' + random.nextInt(26)));
            }
            String collection = name.toString();
            crc.reset();
            crc.update((PREFIX + "c_" + collection + ".x_v").getBytes(StandardCharsets.UTF_8));
            String old = seen.putIfAbsent(crc.getValue(), collection);
            if (old != null && !old.equals(collection)) {
                return new String[] {old, collection};
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aTableTwoCollectionsAlreadyShareIsRefusedNamingBoth(String db, TestDatabases.UrlSource opener) {
        on(opener, (depot, url) -> {
            depot.records(rows("owner", false)).save(new Row("k", "v"));
            // What the first naming scheme left behind: a second collection registered on the same table.
            registerOn(url, "intruder", PREFIX + "c_owner");

            assertThatThrownBy(() -> depot.records(rows("intruder", false)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("'intruder'").hasMessageContaining("'owner'").hasMessageContaining(PREFIX + "c_owner");
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aCollectionIndexedBeforeNamesWereInjectiveStillEvolves(String db, TestDatabases.UrlSource opener) {
        String table = PREFIX + "c_legacy";
        on(opener, (depot, url) -> {
            depot.records(rows("legacy", false)).save(new Row("k", "v1"));
            // Turn it into what the first scheme left: a CRC32-named SQL index, a registry line without index name.
            String legacy = PREFIX + "i_" + crc(table + ".x_v");
            String current = Names.readableIndex(PREFIX, "legacy", "v");
            sql(url, url.startsWith("mariadb:") ? "DROP INDEX " + current + " ON " + table : "DROP INDEX " + current);
            sql(url, "CREATE INDEX " + legacy + " ON " + table + " (x_v, k)");
            sql(url, "UPDATE " + PREFIX + "collections SET idx = 'v STRING n x_v\n' WHERE coll = 'legacy'");

            try (Depot reopened = Depot.open(url)) {
                Records<String, Row> unindexed = reopened.records(Schema.of("legacy", String.class, Row.class).key(Row::id).build());
                assertThat(unindexed.get("k")).contains(new Row("k", "v1"));
                assertThat(sqlIndexesOnV(url, table)).as("an open never drops an index: the legacy one stays, unmaintained,"
                        + " renamed to its readable name").anyMatch(n -> n.equalsIgnoreCase(current)).noneMatch(n -> n.equalsIgnoreCase(legacy));

                Records<String, Row> indexed = reopened.records(rows("legacy", false));
                assertThat(indexed.query().where(Q.field("v").eq("v1")).count()).isEqualTo(1);
                assertThat(sqlIndexesOnV(url, table)).as("declared again, the legacy index is refilled and used")
                        .anyMatch(n -> n.equalsIgnoreCase(current));
            }
        });
    }

    private static void sql(String url, String statement) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                java.sql.Statement st = c.createStatement()) {
            st.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(statement, e);
        }
    }

    private static void registerOn(String url, String collection, String table) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + PREFIX + "collections (coll, key_type, tbl, idx) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, collection);
            ps.setString(2, "STRING");
            ps.setString(3, table);
            ps.setString(4, "v STRING n x_v\n");
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
