package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Schema;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link JdbcDepots#drop}: every table of the depot named by the prefix goes, and nothing else — not
 * another depot whose prefix starts with this one, not an application table sharing the prefix.
 */
class PrefixDropTest {
    record Item(String id, String name) {}

    static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id)
            .index("name", String.class, Item::name).build();
    static final Schema<String, Item> NOTES = Schema.of("notes", String.class, Item.class).key(Item::id).build();

    static Stream<Arguments> databases() {
        return Stream.of(
                Arguments.of("postgresql", (TestDatabases.UrlSource) TestDatabases::postgres),
                Arguments.of("mariadb", (TestDatabases.UrlSource) TestDatabases::mariadb),
                Arguments.of("h2-file", (TestDatabases.UrlSource) TestDatabases::h2File),
                Arguments.of("sqlite", (TestDatabases.UrlSource) TestDatabases::sqlite));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void dropsEveryTableOfThePrefixAndNothingOutsideIt(String name, TestDatabases.UrlSource source) throws Exception {
        String base = source.url();
        String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String prefix = "dr" + run + "_";
        String longer = prefix + "x_"; // another depot whose prefix starts with this one
        String mine = TestDatabases.withPrefix(base, prefix);
        String other = TestDatabases.withPrefix(base, longer);
        String appTable = prefix + "audit"; // the application's own table, with a name in the prefix
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(base), DepotOptions.defaults());
        try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
            try {
                try (Depot a = Depot.open(mine); Depot b = Depot.open(other)) {
                    a.records(ITEMS).save(new Item("1", "one"));
                    a.records(NOTES).save(new Item("n", "note"));
                    // Whatever else the backend keeps makes its tables too, which the drop must know.
                    if (a.capabilities().has(dev.depot.Capability.BLOBS)) {
                        a.blobs("files").write("a.txt", dev.depot.WriteOptions.contentType("text/plain"), out -> out.write(1));
                    }
                    if (a.capabilities().has(dev.depot.Capability.QUEUES)) {
                        a.queue("jobs").produce(dev.depot.Message.ofValue("job"));
                    }
                    b.records(ITEMS).save(new Item("2", "two"));
                }
                st.execute("CREATE TABLE " + appTable + " (id INTEGER PRIMARY KEY)");
                assertThat(TestDatabases.tables(c, prefix)).hasSizeGreaterThanOrEqualTo(2 * 3 + 3 + 1);

                // Every table a depot makes must be known to the drop (the registry or Catalog.ownTables): none may stay.
                assertThat(JdbcDepots.drop(mine)).map(String::toLowerCase)
                        .contains(prefix + "c_items", prefix + "c_notes", prefix + "meta", prefix + "changes",
                                prefix + "collections");

                assertThat(TestDatabases.tables(c, prefix)).map(String::toLowerCase)
                        .as("the other depot and the application's table are left").contains(appTable)
                        .allMatch(t -> t.equals(appTable) || t.startsWith(longer));
                try (Depot b = Depot.open(other)) {
                    assertThat(b.records(ITEMS).get("2")).isPresent();
                }
                try (Depot a = Depot.open(mine)) {
                    assertThat(a.records(ITEMS).count()).as("a dropped depot starts again empty").isZero();
                }
                assertThat(JdbcDepots.drop(mine)).as("dropping again drops what the reopen created").isNotEmpty();
                assertThat(JdbcDepots.drop(mine)).as("and then nothing").isEmpty();
            } finally {
                st.execute("DROP TABLE IF EXISTS " + appTable);
                TestDatabases.dropTables(base, prefix);
            }
        }
    }

    @Test
    void refusesAUrlThatDoesNotNameThePrefix() {
        assertThatThrownBy(() -> JdbcDepots.drop("postgresql://u:secret@127.0.0.1:1/db"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tablePrefix")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> JdbcDepots.drop("h2:mem:x?poolSize=2")).hasMessageContaining("tablePrefix=depot_");
        assertThatThrownBy(() -> JdbcDepots.drop("memory:?tablePrefix=a_")).isInstanceOf(IllegalArgumentException.class);
    }
}
