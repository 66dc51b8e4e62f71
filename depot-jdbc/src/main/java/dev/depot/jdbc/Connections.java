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

    /**
     * {@code c} with a {@code close()} that returns it to the pool with the interrupt flag cleared
     * (a virtual thread: on a platform thread), then sets the flag again. HikariCP's return path spins ({@code ConcurrentBag.requite}: offer,
     * {@code parkNanos}/{@code yield}, again) while a borrower waits; {@code parkNanos} returns at once
     * for an interrupted thread, so an interrupted virtual thread never left its carrier — with every
     * carrier held so, the waiting borrower (a virtual thread too) never ran: a livelock at 100% CPU
     * that the interrupt probe hit. Every other method goes to {@code c} unchanged.
     */
    static Connection closingUninterrupted(Connection c) {
        return (Connection) java.lang.reflect.Proxy.newProxyInstance(Connections.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new UninterruptedClose(c));
    }

    /** Platform threads that return virtual threads' connections to the pool (see {@link UninterruptedClose#close}). */
    java.util.concurrent.ExecutorService RETURNS = java.util.concurrent.Executors.newCachedThreadPool(
            Thread.ofPlatform().daemon().name("depot-connection-return-", 0).factory());

    /** The handler of {@link #closingUninterrupted}. */
    final class UninterruptedClose implements java.lang.reflect.InvocationHandler {
        private final Connection target;

        UninterruptedClose(Connection target) {
            this.target = target;
        }

        /**
         * A virtual thread hands the return to a platform thread nobody interrupts and waits for it:
         * an interrupt that lands while it returns (not only one before) would otherwise pin it to its
         * carrier in the pool's spin. A platform thread returns it itself, with the flag cleared.
         */
        private void close() throws SQLException {
            boolean interrupted = Thread.interrupted();
            try {
                if (!Thread.currentThread().isVirtual()) {
                    target.close();
                    return;
                }
                java.util.concurrent.Future<?> done = RETURNS.submit(() -> {
                    target.close();
                    return null;
                });
                while (true) {
                    try {
                        done.get();
                        return;
                    } catch (InterruptedException e) {
                        interrupted = true; // get() cleared it: the next wait parks
                    } catch (java.util.concurrent.ExecutionException e) {
                        if (e.getCause() instanceof SQLException x) {
                            throw x;
                        }
                        throw new SQLException("returning a connection to the pool failed", e.getCause());
                    }
                }
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public Object invoke(Object proxy, java.lang.reflect.Method m, Object[] args) throws Throwable {
            switch (m.getName()) {
                case "close" -> {
                    if (args == null) {
                        close();
                        return null;
                    }
                }
                case "equals" -> {
                    return args != null && args.length == 1 && proxy == args[0];
                }
                case "hashCode" -> {
                    if (args == null) {
                        return System.identityHashCode(proxy);
                    }
                }
                case "toString" -> {
                    if (args == null) {
                        return target.toString();
                    }
                }
                default -> { }
            }
            try {
                return m.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    /** Depot's own pool, built by {@link Pools} from the URL. */
    record Owned(HikariDataSource pool) implements Connections {
        @Override
        public Connection get() throws SQLException {
            try {
                return closingUninterrupted(pool.getConnection());
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
            Connection c = closingUninterrupted(dataSource.getConnection());
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
