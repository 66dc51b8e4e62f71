package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.DepotOptions;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settling leases finds rows by primary key on PostgreSQL, whatever its statistics say. With the
 * queue among the conditions, the generic plan (what a prepared statement gets after five runs)
 * chose the {@code (queue, due_at)} index and filtered every leased row of the queue: 5 ms a
 * complete at 3,000 leased items, and the general path's lock query read the whole queue through a
 * bitmap scan. The plans are the thing tested, forced generic, with 3,000 leased items. The
 * one-statement claim must seek both the due and the ready index (and skip the claim by a one-time
 * filter when something is due), never scan; so must the due-work seek that reads the options.
 */
class QueueSettlePlanTest {
    private static final String PREFIX = "qplan_";

    @Test
    void completeAndLockReadRowsByPrimaryKey() throws Exception {
        String url = TestDatabases.fresh(TestDatabases.postgres(), PREFIX);
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(url), DepotOptions.defaults());
        try (JdbcBackend backend = JdbcBackend.open(s, DepotOptions.defaults());
                Connection c = backend.connection();
                Statement st = c.createStatement()) {
            SqlQueue q = backend.queues.open("jobs", null);
            // Statistics of a small table that then grew, as autovacuum leaves a queue between its runs.
            st.execute("ALTER TABLE " + PREFIX + "queue_items SET (autovacuum_enabled = false)");
            st.execute("ANALYZE " + PREFIX + "queue_items");
            List<Lease> leases = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                List<Message> batch = new ArrayList<>();
                for (int k = 0; k < 1000; k++) {
                    batch.add(Message.of("m" + k));
                }
                q.produce(batch);
                leases.addAll(q.lease("plan", 1000, Duration.ZERO));
            }
            assertThat(leases).hasSize(3000);
            st.execute("SET plan_cache_mode = force_generic_plan");
            Lease one = leases.get(1234);

            String complete = explain(st, "settle_complete", q.autoCommit.completeSql,
                    one.id(), "'" + one.token() + "'", "0");
            String lock = explain(st, "settle_lock", q.lockSql(3), "'jobs'", "'jobs'", "'jobs'", "'jobs'", leases.get(1).id(), leases.get(2).id(), leases.get(3).id());

            String due = explain(st, "due", q.dueSql, "'jobs'", "0", "'jobs'");
            q.produce(List.of(Message.of("ready")));
            String claim = explain(st, "claim", q.autoCommit.claimSql,
                    "'jobs'", "'jobs'", "0", "'t.'", "0", "'plan'", "1", "'jobs'", "0", "10");

            assertThat(claim).as("plan of the auto-commit claim").contains(PREFIX + "queue_due").contains(PREFIX + "queue_ready")
                    .doesNotContain("Seq Scan");
            assertThat(due).as("plan of the due-work seek with the options").contains(PREFIX + "queue_due")
                    .doesNotContain("Seq Scan on " + PREFIX + "queue_items");
            assertThat(complete).as("plan of the auto-commit complete").contains(PREFIX + "queue_items_pkey")
                    .doesNotContain(PREFIX + "queue_due").doesNotContain(PREFIX + "queue_ready");
            assertThat(lock).as("plan of the settle lock").contains(PREFIX + "queue_items_pkey")
                    .doesNotContain(PREFIX + "queue_due").doesNotContain(PREFIX + "queue_dedup");
            q.clear();
        } finally {
            TestDatabases.release(url, PREFIX);
        }
    }

    /** EXPLAIN EXECUTE of {@code sql} prepared under {@code name}, its {@code ?}s numbered, with these literal arguments. */
    private static String explain(Statement st, String name, String sql, String... args) throws Exception {
        StringBuilder numbered = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
        }
        st.execute("PREPARE " + name + " AS " + numbered);
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = st.executeQuery("EXPLAIN EXECUTE " + name + "(" + String.join(", ", args) + ")")) {
            while (rs.next()) {
                out.append(rs.getString(1)).append('\n');
            }
        }
        return out.toString();
    }
}
