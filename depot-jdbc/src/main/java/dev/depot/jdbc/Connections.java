package dev.depot.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
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
            try {
                return ShieldedConnection.of(pool.getConnection());
            } catch (SQLTransientConnectionException e) {
                // Hikari's timeout carries the last failure to connect, if any since the last success:
                // without one, the database answers and every connection stayed busy.
                if (e.getCause() == null) {
                    throw new PoolExhausted(e, pool.getMaximumPoolSize(), pool.getConnectionTimeout());
                }
                throw e;
            }
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
            Connection c = ShieldedConnection.of(dataSource.getConnection());
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

    /**
     * No pooled connection became free within {@code poolTimeout}, and none failed to connect: all are
     * held (open transactions, blob streams not read to the end, more concurrent calls than connections,
     * or calls stuck on a stalled network). An outage of the pool, not a lost connection: nothing to evict.
     */
    final class PoolExhausted extends SQLTransientConnectionException {
        final int size;
        final long timeoutMillis;

        PoolExhausted(SQLTransientConnectionException e, int size, long timeoutMillis) {
            super(e.getMessage(), e.getSQLState(), e);
            this.size = size;
            this.timeoutMillis = timeoutMillis;
        }
    }
}
