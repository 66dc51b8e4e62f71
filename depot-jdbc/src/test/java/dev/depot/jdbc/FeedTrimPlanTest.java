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
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sequencer's run on PostgreSQL drops events beyond the retention count in the same statement
 * that numbers new ones. Its bound comes from a CTE, a value the planner cannot see: an open range
 * {@code seq <= x} was planned as a scan of the whole feed, in every run (measured: 5 ms of a
 * 6 ms run at 160k events, growing with the feed). Bounded below by the trim floor it is an index
 * range. The plan is the thing tested, on a feed without statistics (as a growing one usually is
 * until autovacuum analyzes it): a scan of the feed fails, whatever the timing.
 */
class FeedTrimPlanTest {
    private static final String PREFIX = "trimplan_";

    record Item(String id, long n) {}

    private static final Schema<String, Item> ITEMS = Schema.of("items", String.class, Item.class).key(Item::id).build();

    @Test
    void retentionByCountReadsAnIndexRangeNotTheWholeFeed() throws Exception {
        String url = TestDatabases.fresh(TestDatabases.postgres(), PREFIX);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (Depot depot = Depot.open(url);
                Connection c = DriverManager.getConnection(s.jdbcUrl(), s.user(), s.password());
                Statement st = c.createStatement()) {
            // A growing feed usually has no statistics yet (autovacuum analyzes it later): keep it so.
            st.execute("ALTER TABLE " + PREFIX + "changes SET (autovacuum_enabled = false)");
            Records<String, Item> items = depot.records(ITEMS);
            List<Item> batch = new ArrayList<>();
            for (int i = 0; i < 20_000; i++) {
                batch.add(new Item("k" + i, i));
                if (batch.size() == 1000) {
                    items.saveAll(batch);
                    batch.clear();
                }
            }
            assertThat(depot.changes().since(19_999, 10)).hasSize(1); // numbered
            String script = new PostgresDialect().sequencerScript(PREFIX, 1000);
            String numbering = script.substring(script.indexOf("; ") + 2); // after the counter lock
            String plan = explain(st, numbering);
            assertThat(plan).as("plan of the sequencer's run").contains(PREFIX + "changes_pkey")
                    .doesNotContain("Seq Scan on " + PREFIX + "changes");
        } finally {
            TestDatabases.release(url, PREFIX);
        }
    }

    private static String explain(Statement st, String sql) throws Exception {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN " + sql)) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
