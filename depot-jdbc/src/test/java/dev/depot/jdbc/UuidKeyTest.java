package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.Page;
import dev.depot.Records;
import dev.depot.Schema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * UUID keys: PostgreSQL stores them as {@code uuid}; on every database they come back in their text
 * order (what memory uses), page by page, including the UUIDs whose first bit is set (where Java's
 * signed {@code UUID.compareTo} would disagree); a PostgreSQL table of the earlier layout (text keys)
 * is refused under {@code ddl=validate} and converted under {@code ddl=create}. The same for UUID
 * index values: {@code uuid} columns on PostgreSQL, ranges and paging in text order everywhere.
 */
class UuidKeyTest {
    private static final String PREFIX = "uk_";

    record Item(UUID id, String name) {}

    static final Schema<UUID, Item> ITEMS = Schema.of("items", UUID.class, Item.class).key(Item::id).build();

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    static List<UUID> uuids() {
        List<UUID> out = new ArrayList<>(List.of(UUID.fromString("00000000-0000-0000-0000-000000000000"),
                UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff"), UUID.fromString("80000000-0000-0000-0000-000000000000"),
                UUID.fromString("ffffffff-ffff-ffff-ffff-ffffffffffff"), UUID.fromString("0000000a-0000-0000-8000-000000000000")));
        java.util.Random random = new java.util.Random(12);
        for (int i = 0; i < 20; i++) {
            out.add(new UUID(random.nextLong(), random.nextLong()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uuidKeysComeBackInTextOrderPageByPage(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = ReadableSchemaTest.url(opener, PREFIX);
        List<UUID> ids = uuids();
        List<UUID> textOrder = ids.stream().sorted(Comparator.comparing(UUID::toString)).toList();
        try (Depot depot = Depot.open(url)) {
            Records<UUID, Item> r = depot.records(ITEMS);
            ids.forEach(id -> r.save(new Item(id, id.toString())));
            assertThat(r.query().list().stream().map(Item::id).toList()).isEqualTo(textOrder);
            List<UUID> paged = new ArrayList<>();
            Page<Item> page = r.query().limit(3).page();
            while (true) {
                page.items().forEach(i -> paged.add(i.id()));
                if (page.next().isEmpty()) {
                    break;
                }
                page = r.query().limit(3).after(page.next().get()).page();
            }
            assertThat(paged).isEqualTo(textOrder);
            assertThat(r.getAll(ids)).hasSize(ids.size());
            assertThat(r.delete(ids.get(3))).isTrue();
            assertThat(r.get(ids.get(3))).isEmpty();
            if (db.equals("postgresql")) {
                try (Connection c = ReadableSchemaTest.jdbc(url); PreparedStatement ps = c.prepareStatement(
                        "SELECT data_type FROM information_schema.columns WHERE table_name = 'uk_c_items' AND column_name = 'k'");
                        ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("uuid");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPostgresTableWithTextUuidKeysIsConverted(String db, TestDatabases.UrlSource opener) throws SQLException {
        if (!db.equals("postgresql")) {
            return; // the other databases keep UUID keys as text
        }
        String url = ReadableSchemaTest.url(opener, PREFIX);
        List<UUID> ids = uuids();
        try (Depot depot = Depot.open(url)) {
            depot.records(ITEMS);
        }
        try (Connection c = ReadableSchemaTest.jdbc(url)) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE uk_c_items");
                // The earlier layout, as its DDL had it.
                st.execute("CREATE TABLE IF NOT EXISTS uk_c_items (k TEXT COLLATE \"C\" NOT NULL PRIMARY KEY, ver BIGINT NOT NULL, "
                        + "s BIGINT NOT NULL, doc BYTEA NOT NULL)");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO uk_c_items (k, ver, s, doc) VALUES (?, 1, 1, ?)")) {
                for (UUID id : ids) {
                    ps.setString(1, id.toString());
                    ps.setBytes(2, ("{\"id\":\"" + id + "\",\"name\":\"" + id + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        try (Depot depot = Depot.open(url + "&ddl=validate")) {
            assertThatThrownBy(() -> depot.records(ITEMS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("uk_c_items").hasMessageContaining("ALTER COLUMN k TYPE UUID USING k::uuid");
        }
        try (Depot depot = Depot.open(url)) {
            Records<UUID, Item> r = depot.records(ITEMS);
            assertThat(r.query().list().stream().map(Item::id).toList())
                    .isEqualTo(ids.stream().sorted(Comparator.comparing(UUID::toString)).toList());
            assertThat(r.get(ids.get(0)).orElseThrow().name()).isEqualTo(ids.get(0).toString());
        }
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT data_type FROM information_schema.columns WHERE table_name = 'uk_c_items' AND column_name = 'k'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("uuid");
        }
    }

    record Link(String id, UUID target) {}

    static final Schema<String, Link> LINKS = Schema.of("links", String.class, Link.class).key(Link::id)
            .index("target", UUID.class, Link::target).build();

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void uuidIndexValuesRangeAndPageInTextOrder(String db, TestDatabases.UrlSource opener) throws SQLException {
        String url = ReadableSchemaTest.url(opener, PREFIX);
        List<UUID> ids = uuids();
        List<UUID> textOrder = ids.stream().sorted(Comparator.comparing(UUID::toString)).toList();
        UUID from = UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff");
        try (Depot depot = Depot.open(url)) {
            Records<String, Link> r = depot.records(LINKS);
            for (int i = 0; i < ids.size(); i++) {
                r.save(new Link("l" + i, ids.get(i)));
            }
            r.save(new Link("none", null));
            assertThat(r.query().where(dev.depot.Q.field("target").ge(from)).orderBy("target", dev.depot.Direction.ASC).list()
                    .stream().map(Link::target).toList())
                    .as("a range across the sign bit, in text order")
                    .isEqualTo(textOrder.stream().filter(u -> u.toString().compareTo(from.toString()) >= 0).toList());
            assertThat(r.query().where(dev.depot.Q.field("target").eq(ids.get(7))).list()).extracting(Link::id).containsExactly("l7");
            List<UUID> paged = new ArrayList<>();
            Page<Link> page = r.query().where(dev.depot.Q.field("target").ge(textOrder.get(0))).orderBy("target", dev.depot.Direction.DESC)
                    .limit(4).page();
            while (true) {
                page.items().forEach(l -> paged.add(l.target()));
                if (page.next().isEmpty()) {
                    break;
                }
                page = r.query().where(dev.depot.Q.field("target").ge(textOrder.get(0))).orderBy("target", dev.depot.Direction.DESC)
                        .limit(4).after(page.next().get()).page();
            }
            assertThat(paged).isEqualTo(textOrder.reversed());
            if (db.equals("postgresql")) {
                assertThat(columnType(url, "uk_c_links", "x_target")).isEqualTo("uuid");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void aPostgresTextUuidIndexColumnIsConverted(String db, TestDatabases.UrlSource opener) throws SQLException {
        if (!db.equals("postgresql")) {
            return; // the other databases keep UUID index values as text
        }
        String url = ReadableSchemaTest.url(opener, PREFIX);
        List<UUID> ids = uuids();
        try (Depot depot = Depot.open(url)) {
            Records<String, Link> r = depot.records(LINKS);
            for (int i = 0; i < ids.size(); i++) {
                r.save(new Link("l" + i, ids.get(i)));
            }
        }
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement()) {
            // The earlier layout's column type: the text of the UUID.
            st.execute("ALTER TABLE uk_c_links ALTER COLUMN x_target TYPE TEXT COLLATE \"C\" USING x_target::text");
        }
        try (Depot depot = Depot.open(url + "&ddl=validate")) {
            assertThatThrownBy(() -> depot.records(LINKS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ALTER COLUMN x_target TYPE UUID USING x_target::uuid");
        }
        try (Depot depot = Depot.open(url)) {
            Records<String, Link> r = depot.records(LINKS);
            assertThat(r.query().where(dev.depot.Q.field("target").ge(ids.get(0))).orderBy("target", dev.depot.Direction.ASC).list()
                    .stream().map(Link::target).toList())
                    .isEqualTo(ids.stream().filter(u -> u.toString().compareTo(ids.get(0).toString()) >= 0)
                            .sorted(Comparator.comparing(UUID::toString)).toList());
        }
        assertThat(columnType(url, "uk_c_links", "x_target")).isEqualTo("uuid");
    }

    private static String columnType(String url, String table, String column) throws SQLException {
        try (Connection c = ReadableSchemaTest.jdbc(url); PreparedStatement ps = c.prepareStatement(
                "SELECT data_type FROM information_schema.columns WHERE table_name = ? AND column_name = ?")) {
            ps.setString(1, table);
            ps.setString(2, column);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getString(1);
            }
        }
    }
}
