package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.depot.ChangeEvent;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.Records;
import dev.depot.Schema;
import dev.depot.SubscribeOptions;
import dev.depot.Subscription;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Change events name the depot that wrote them: two depots on one store (a named memory store, one
 * database) tell their writes apart, a subscriber can leave its own out, and feed tables of an
 * earlier Depot get the column on open, their old events reading as of no origin.
 */
class OriginTest {
    private static final String PREFIX = "orig_";

    record Item(String id, int n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("origin_items", String.class, Item.class).key(Item::id).build();

    static Stream<Arguments> stores() {
        return Stream.concat(Stream.of(Arguments.of("memory", (TestDatabases.UrlSource) () -> "memory:origin-" + UUID.randomUUID())),
                TestDatabases.all(PREFIX));
    }

    static Stream<Arguments> databases() {
        return TestDatabases.all(PREFIX);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void twoDepotsOnOneStoreTellTheirWritesApart(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot a = Depot.open(url, DepotOptions.defaults().origin("service-a/1"));
                Depot b = Depot.open(url, DepotOptions.defaults().origin("service-b/1"))) {
            Records<String, Item> viaA = a.records(ITEMS);
            Records<String, Item> viaB = b.records(ITEMS);
            long from = a.changes().lastSequence();
            List<ChangeEvent> othersOnly = new CopyOnWriteArrayList<>();
            try (Subscription sub = a.changes().subscribe(from, othersOnly::add, SubscribeOptions.defaults().withoutOwnWrites())) {
                viaA.insert(new Item("a1", 1));
                viaB.insert(new Item("b1", 1));
                viaA.update(new Item("b1", 2));
                b.inTransaction(tx -> tx.records(ITEMS).delete("a1"));
                long last = b.changes().lastSequence();
                OutageProbeTest.awaitTrue(() -> sub.position() >= last, "a's subscription passed every event");
            }
            assertThat(othersOnly).extracting(ChangeEvent::key, ChangeEvent::origin)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("b1", "service-b/1"), org.assertj.core.groups.Tuple.tuple("a1", "service-b/1"));
            assertThat(b.changes().since(from)).extracting(ChangeEvent::origin)
                    .containsExactly("service-a/1", "service-b/1", "service-a/1", "service-b/1");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void depotsOpenedWithTheSameOptionsGetOriginsOfTheirOwn(String name, TestDatabases.UrlSource opener) {
        String url = opener.url();
        DepotOptions options = DepotOptions.defaults();
        try (Depot a = Depot.open(url, options); Depot b = Depot.open(url, options)) {
            assertThat(a.origin()).isNotBlank().isNotEqualTo(b.origin());
            long from = a.changes().lastSequence();
            a.records(ITEMS).insert(new Item("x", 1));
            assertThat(b.changes().since(from)).extracting(ChangeEvent::origin).containsExactly(a.origin());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void feedTablesOfAnEarlierDepotGetTheColumnAndTheirEventsNoOrigin(String name, TestDatabases.UrlSource opener) throws Exception {
        String url = opener.url();
        try (Depot first = Depot.open(url, DepotOptions.defaults().origin("before"))) {
            first.records(ITEMS).insert(new Item("old", 1));
            long from = first.changes().lastSequence() - 1;
            // The layout of an earlier Depot: no origin columns (H2 in memory lives while a depot holds it).
            JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
            String prefix = s.tablePrefix();
            try (Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password()); Statement st = c.createStatement()) {
                st.execute("ALTER TABLE " + prefix + "changes DROP COLUMN origin");
                st.execute("ALTER TABLE " + prefix + "outbox DROP COLUMN origin");
            }
            String validating = url + (url.contains("?") ? "&" : "?") + "ddl=validate";
            assertThatThrownBy(() -> Depot.open(validating).close()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ddl=validate").hasMessageContaining("ALTER TABLE " + prefix + "outbox ADD COLUMN origin");
            try (Depot second = Depot.open(url, DepotOptions.defaults().origin("after"))) {
                second.records(ITEMS).insert(new Item("new", 1));
                assertThat(second.changes().since(from)).extracting(ChangeEvent::key, ChangeEvent::origin)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("old", ""), org.assertj.core.groups.Tuple.tuple("new", "after"));
            }
            first.records(ITEMS).delete("old"); // the first depot's layout has the column again
            assertThat(first.changes().since(from)).last().extracting(ChangeEvent::origin).isEqualTo("before");
        }
    }

    @Test
    void anOriginMustBeShortPrintableText() {
        for (String bad : new String[] {"", " ", "a b", "x".repeat(65), "tab\there", "é", "nul\u0000"}) {
            assertThatThrownBy(() -> DepotOptions.defaults().origin(bad)).as("%s", bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("origin");
        }
        assertThat(DepotOptions.defaults().origin("x".repeat(64)).origin()).hasSize(64);
    }
}
