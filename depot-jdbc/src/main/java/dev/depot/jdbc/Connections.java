package dev.depot.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Where a backend's connections come from: the pool Depot built from a URL (and closes), or an
 * application's {@link DataSource} that Depot borrows connections from and never closes.
 */
sealed interface Connections extends AutoCloseable {

    Connection get() throws SQLException;

    /** After a lost connection: drop idle ones that may be dead too, where Depot owns the pool. */
    void evictIdle();

    @Override
    void close();

    /** Depot's own pool, built by {@link Pools} from the URL. */
    record Owned(HikariDataSource pool) implements Connections {
        @Override
        public Connection get() throws SQLException {
            return pool.getConnection();
        }

        @Override
        public void evictIdle() {
            var mx = pool.getHikariPoolMXBean();
            if (mx != null) {
                mx.softEvictConnections();
            }
        }

        @Override
        public void close() {
            pool.close();
        }
    }

    /**
     * The application's pool. Its settings (size, timeouts) are the application's; Depot only sets
     * the isolation it relies on for each connection it borrows, and leaves the pool open on close.
     */
    record Borrowed(DataSource dataSource, Integer isolation) implements Connections {
        @Override
        public Connection get() throws SQLException {
            Connection c = dataSource.getConnection();
            try {
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true); // Depot's reads expect auto-commit, whatever the pool's default
                }
                if (isolation != null && c.getTransactionIsolation() != isolation) {
                    c.setTransactionIsolation(isolation);
                }
                return c;
            } catch (SQLException | RuntimeException e) {
                c.close();
                throw e;
            }
        }

        @Override
        public void evictIdle() {
            // not Depot's pool: the application's pool validates its own connections
        }

        @Override
        public void close() {
            // not Depot's to close
        }
    }
}
