package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.BackendUnavailableException;
import dev.depot.Depot;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An open that must upgrade Depot's own feed tables (an earlier layout: no {@code origin} column in
 * the outbox, no {@code commit_id} in the change feed, ordinal operations and two time columns)
 * while another connection's transaction holds the table: the ALTER waits in short attempts
 * ({@link JdbcBackend#alterOn}), so a reader of the table that comes meanwhile is not queued behind
 * it; the open goes through once that transaction ends, and, if it outlasts the statement timeout,
 * fails saying so with nothing changed. PostgreSQL and MariaDB, where a waiting ALTER holds up the
 * table's later queries.
 */
class UpgradeWaitTest {
    private static final String PREFIX = "uwt_";
    /** A call not done after this long is stuck behind the ALTER (a liveness bound, not a timing claim). */
    private static final long STUCK_SECONDS = 20;

    /** An earlier layout: what to make of a current depot's tables, the table held, the column the open must add there. */
    enum Layout {
        NO_ORIGIN("outbox", "origin"),
        NO_COMMIT_ID("changes", "commit_id"),
        ORDINAL_OPS_AND_TWO_TIMES("outbox", "t");

        final String held;
        final String column;

        Layout(String held, String column) {
            this.held = held;
            this.column = column;
        }

        void make(Statement st, String db) throws SQLException {
            switch (this) {
                case NO_ORIGIN -> st.execute("ALTER TABLE " + PREFIX + "outbox DROP COLUMN origin");
                case NO_COMMIT_ID -> st.execute("ALTER TABLE " + PREFIX + "changes DROP COLUMN commit_id");
                case ORDINAL_OPS_AND_TWO_TIMES -> {
                    st.execute("DROP TABLE " + PREFIX + "changes");
                    st.execute("DROP TABLE " + PREFIX + "outbox");
                    for (String sql : OldLayoutUpgradeTest.oldFeedTables(db, PREFIX)) {
                        st.execute(sql);
                    }
                }
            }
        }
    }

    static Stream<Arguments> cases() {
        return TestDatabases.all(PREFIX).filter(a -> a.get()[0].equals("postgresql") || a.get()[0].equals("mariadb"))
                .flatMap(a -> Stream.of(Layout.values()).map(l -> Arguments.of(a.get()[0], a.get()[1], l)));
    }

    private static String url(TestDatabases.UrlSource source, String statementTimeout) {
        String url = ReadableSchemaTest.url(source, PREFIX);
        return url + (url.contains("?") ? "&" : "?") + "statementTimeout=" + statementTimeout;
    }

    /** A depot of the current layout made into {@code layout}; returns a connection whose open transaction has read the held table. */
    private static Connection olderLayoutHeld(String url, String db, Layout layout) throws SQLException {
        try (Depot depot = Depot.open(url)) {
            depot.queue("warm").produce(dev.depot.Message.of("x")); // the tables exist
        }
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement()) {
            layout.make(st, db);
        }
        Connection holder = ReadableSchemaTest.jdbc(url);
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PREFIX + layout.held)) {
            rs.next();
        }
        return holder;
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("cases")
    void theUpgradeWaitsWithoutHoldingUpReadersAndGoesThroughOnceTheTransactionEnds(String db, TestDatabases.UrlSource source,
            Layout layout) throws Exception {
        String url = url(source, "120s"); // far above STUCK_SECONDS: a reader queued behind one long wait shows as stuck
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Connection holder = olderLayoutHeld(url, db, layout)) {
            Future<Depot> open = threads.submit(() -> Depot.open(url));
            try {
                SchemaChangeWaitTest.awaitWaitingAlter(url);
                Future<Long> reader = threads.submit(() -> count(url, layout.held));
                assertThat(reader.get(STUCK_SECONDS, TimeUnit.SECONDS)).as("a read of %s while the upgrade waits", layout.held)
                        .isNotNull();
                assertThat(open).as("the open, while the transaction holds the table").isNotDone();
                holder.commit();
                try (Depot depot = open.get(STUCK_SECONDS, TimeUnit.SECONDS)) {
                    depot.queue("after").produce(dev.depot.Message.of("y")); // writes events through the upgraded tables
                    assertThat(depot.changes().since(0)).isNotNull();
                }
            } finally {
                holder.rollback();
                if (!open.isDone()) {
                    open.cancel(true);
                }
            }
            assertThat(columns(url, PREFIX + layout.held)).contains(layout.column);
        } finally {
            threads.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}, {2}")
    @MethodSource("cases")
    void anUpgradeThatWaitsPastTheStatementTimeoutSaysWhyAndChangesNothing(String db, TestDatabases.UrlSource source, Layout layout)
            throws Exception {
        String url = url(source, "2s");
        ExecutorService threads = Executors.newCachedThreadPool();
        List<String> before;
        Throwable failed = null;
        try (Connection holder = olderLayoutHeld(url, db, layout)) {
            before = columns(url, PREFIX + layout.held);
            Future<Depot> open = threads.submit(() -> Depot.open(url));
            try {
                open.get(STUCK_SECONDS, TimeUnit.SECONDS).close();
            } catch (ExecutionException e) {
                failed = e.getCause();
            }
            assertThat(columns(url, PREFIX + layout.held)).as("columns of %s after the refused upgrade", layout.held)
                    .containsExactlyInAnyOrderElementsOf(before).doesNotContain(layout.column);
            holder.rollback();
        } finally {
            threads.shutdownNow();
        }
        assertThat(failed).isInstanceOf(BackendUnavailableException.class).hasMessageContaining("opening the depot")
                .hasMessageContaining(PREFIX + layout.held).hasMessageContaining("a transaction held")
                .hasMessageContaining("nothing was changed");
        try (Depot depot = Depot.open(url)) {
            depot.queue("after").produce(dev.depot.Message.of("y"));
        }
        assertThat(columns(url, PREFIX + layout.held)).as("the upgrade, once the transaction ended").contains(layout.column);
    }

    /**
     * An open of a depot whose tables are current changes nothing, so it must not wait for a write
     * transaction on them either: PostgreSQL's {@code CREATE INDEX IF NOT EXISTS} takes a SHARE lock
     * on the table before it finds the index present, behind the writer, and every write that comes
     * later queues behind it (so one slow transaction of another process stalled every commit).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("servers")
    void anOpenOfCurrentTablesDoesNotWaitForWriteTransactionsOnThem(String db, TestDatabases.UrlSource source) throws Exception {
        String url = url(source, "120s");
        ExecutorService threads = Executors.newCachedThreadPool();
        try (Depot first = Depot.open(url)) {
            first.queue("warm").produce(dev.depot.Message.of("x"));
            try (Connection holder = ReadableSchemaTest.jdbc(url)) {
                holder.setAutoCommit(false);
                try (Statement st = holder.createStatement()) {
                    for (String t : List.of("changes", "queue_items", "blobs", "blob_uploads")) {
                        st.executeUpdate("DELETE FROM " + PREFIX + t + " WHERE 1 = 0"); // holds the table as a writer does
                    }
                }
                Future<Depot> open = threads.submit(() -> Depot.open(url));
                try {
                    open.get(STUCK_SECONDS, TimeUnit.SECONDS).close();
                } finally {
                    holder.rollback();
                    if (!open.isDone()) {
                        open.cancel(true);
                    }
                }
            }
        } finally {
            threads.shutdownNow();
        }
    }

    static Stream<Arguments> servers() {
        return TestDatabases.all(PREFIX).filter(a -> a.get()[0].equals("postgresql") || a.get()[0].equals("mariadb"));
    }

    private static long count(String url, String table) throws SQLException {
        try (Connection c = ReadableSchemaTest.jdbc(url); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + PREFIX + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> columns(String url, String table) throws SQLException {
        try (Connection c = ReadableSchemaTest.jdbc(url)) {
            List<String> out = new java.util.ArrayList<>();
            try (ResultSet rs = c.getMetaData().getColumns(c.getCatalog(), null, table, "%")) {
                while (rs.next()) {
                    out.add(rs.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
            return out;
        }
    }
}
