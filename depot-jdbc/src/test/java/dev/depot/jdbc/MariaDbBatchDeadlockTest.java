package dev.depot.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB write transaction whose JDBC batch hits a deadlock leaves nothing behind. Connector/J
 * pipelines a batch statement by statement (with or without {@code allowMultiQueries}); when InnoDB
 * rolls the transaction back at one of them, the server still runs the rest. Those must not commit
 * on their own: this is how a queue lease that no caller received got written (QueueTests' delivery
 * test on MariaDB, "attempts 1..n, each leased once"). The deadlock is made on purpose: the other
 * session holds more locks, so InnoDB picks the batch's transaction as the victim.
 */
class MariaDbBatchDeadlockTest {
    private String table;
    private JdbcSettings settings;

    @BeforeEach
    void createTable() throws SQLException {
        settings = JdbcSettings.parse(DepotUrl.parse(TestDatabases.mariadb()), DepotOptions.defaults());
        table = "bdl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (Connection c = connect(false); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v INT NOT NULL) ENGINE=InnoDB");
            st.execute("INSERT INTO " + table + " VALUES (1, 0), (2, 0), (3, 0), (4, 0), (5, 0)");
        }
    }

    @AfterEach
    void dropTable() throws SQLException {
        try (Connection c = connect(false); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    @Test
    void onDepotsOwnPoolTheStatementsAfterTheDeadlockAreRolledBack() throws Exception {
        Dialect own = new MariaDbDialect();
        assertThat(own.beginStatement()).as("Depot's own pool: statement-driven").isNotNull();
        assertThat(afterDeadlock(connect(true), own::beginWrite, a -> end(own, a))).as("row 3, written after the deadlock in the batch").isZero();
    }

    @Test
    void onAnApplicationsDataSourceTheStatementsAfterTheDeadlockAreRolledBack() throws Exception {
        Dialect borrowed = new MariaDbDialect().withoutMultiStatements();
        assertThat(borrowed.beginStatement()).as("an application's DataSource: JDBC's setAutoCommit").isNull();
        assertThat(afterDeadlock(connect(false), borrowed::beginWrite, a -> end(borrowed, a))).as("row 3, written after the deadlock in the batch").isZero();
    }

    /** The hazard itself, so that the two tests above can fail: after START TRANSACTION, row 3 commits alone. */
    @Test
    void startTransactionWouldLetThemCommitAlone() throws Exception {
        assertThat(afterDeadlock(connect(true), a -> Dialect.execute(a, "START TRANSACTION"), a -> Dialect.execute(a, "ROLLBACK"))).as("row 3 committed in auto-commit").isEqualTo(1);
    }

    /**
     * Session A (a write transaction begun by {@code begin}) updates row 1, then sends the batch "row 2, row 3";
     * session B holds rows 2, 4, 5 and then asks for row 1. A is the victim at row 2; it rolls back
     * through {@code rollback}. Returns row 3's value once both have ended; A's connection is back in
     * auto-commit.
     */
    private int afterDeadlock(Connection a, Step begin, Step rollback) throws Exception {
        ExecutorService batchThread = Executors.newSingleThreadExecutor();
        try (a; Connection b = connect(false)) {
            b.setAutoCommit(false);
            update(b, "id IN (2, 4, 5)");
            begin.on(a);
            update(a, "id = 1");
            Future<int[]> batch = batchThread.submit(() -> {
                try (PreparedStatement ps = a.prepareStatement("UPDATE " + table + " SET v = v + 1 WHERE id = ?")) {
                    ps.setInt(1, 2);
                    ps.addBatch();
                    ps.setInt(1, 3);
                    ps.addBatch();
                    return ps.executeBatch();
                }
            });
            // The cycle, in whichever order the two requests arrive: B asks for row 1 (A holds it) while
            // A's batch asks for row 2 (B holds it). InnoDB rolls back the transaction that changed
            // fewer rows, A, so this returns once A is rolled back (no waiting for A to get there first).
            update(b, "id = 1");
            assertThat(Dialect.sqlState(failure(batch))).as("the batch's transaction is the deadlock victim").isEqualTo("40001");
            rollback.on(a);
            b.rollback();
            assertThat(a.getAutoCommit()).as("A is back in auto-commit").isTrue();
        } finally {
            batchThread.shutdownNow();
        }
        try (Connection c = connect(false);
                ResultSet rs = c.createStatement().executeQuery("SELECT v FROM " + table + " WHERE id = 3")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    interface Step {
        void on(Connection c) throws SQLException;
    }

    private static void end(Dialect dialect, Connection c) throws SQLException {
        dialect.rollback(c);
        dialect.endWrite(c);
    }

    /** The batch's failure, innermost cause first (the driver wraps it in a BatchUpdateException). */
    private static SQLException failure(Future<?> batch) throws InterruptedException {
        try {
            batch.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable t = e.getCause();
            while (t.getCause() instanceof SQLException inner) {
                t = inner;
            }
            return (SQLException) t;
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("the batch neither ended nor failed", e);
        }
        throw new AssertionError("the batch did not fail");
    }

    private void update(Connection c, String where) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE " + table + " SET v = v + 1 WHERE " + where);
        }
    }

    private Connection connect(boolean multiQueries) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", settings.user());
        if (settings.password() != null) {
            p.setProperty("password", settings.password());
        }
        if (multiQueries) {
            p.setProperty("allowMultiQueries", "true");
        }
        return DriverManager.getConnection(settings.jdbcUrl(), p);
    }
}
