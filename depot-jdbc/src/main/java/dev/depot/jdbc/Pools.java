package dev.depot.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.SQLExceptionOverride;
import com.zaxxer.hikari.pool.HikariPool;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds the HikariCP pool for a depot. Credentials go to the pool only (as driver properties), never
 * into its name or its JDBC URL, so neither Hikari's nor a driver's log lines can show them.
 */
final class Pools {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    /** Hikari's minimum; idle connections are checked this often, so a killed idle one is found before a call takes it. */
    static final long KEEPALIVE_MILLIS = 30_000;

    private Pools() {}

    static HikariDataSource open(JdbcSettings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("depot-" + s.dialect().name() + "-" + COUNTER.incrementAndGet());
        // Connections come from the driver through DriverSource, not from Hikari's own jdbcUrl, username
        // and dataSourceProperties: Hikari logs those at DEBUG, and masks only a property named exactly
        // "password" (not driver.sslpassword=, driver.trustStorePassword=, nor H2's ;PASSWORD= in the URL).
        c.setDataSource(new DriverSource(driver(s), s.jdbcUrl(), properties(s), s.display()));
        String init = s.dialect().connectionInitSql(s.timeouts());
        if (init != null) {
            c.setConnectionInitSql(init);
        }
        c.setMaximumPoolSize(s.poolSize());
        c.setMinimumIdle(Math.min(2, s.poolSize()));
        // Bounded waits: fail calls while the database is down; they surface as BackendUnavailableException.
        long poolMillis = Math.max(250, s.timeouts().pool().toMillis());
        c.setConnectionTimeout(poolMillis);
        c.setValidationTimeout(Math.max(250, Math.min(2_000, poolMillis / 2)));
        c.setKeepaliveTime(KEEPALIVE_MILLIS);
        // A connection that failed with a connection-class or timeout error anywhere in its cause chain
        // is evicted, whatever its SQLSTATE (MariaDB's batch failures carry none).
        c.setExceptionOverride(new EvictBroken(s.dialect()));
        // The database was tried once, by the probe below: an unreachable one fails the open at once
        // (Hikari's own first try would sleep a second after a failure).
        c.setInitializationFailTimeout(-1);
        if (s.dialect().poolIsolation() != null) {
            c.setTransactionIsolation(s.dialect().poolIsolation());
        }
        Connection probe = probe(s);
        if (s.durable()) {
            KeptOpen.closeQuietly(probe);
            return new HikariDataSource(c);
        }
        try {
            return new KeptOpen(c, probe);
        } catch (RuntimeException e) {
            KeptOpen.closeQuietly(probe);
            throw e;
        }
    }

    /**
     * One connection made as the pool would make it, before the pool: the open fails at once, with the
     * driver's exception, if the database cannot be reached. An {@code h2:mem:} database lives while a
     * connection to it is open, so there this one is kept, outside the pool (whose connections come and
     * go), and closed after the pool: the last depot to close drops the database and its memory.
     */
    private static Connection probe(JdbcSettings s) {
        Properties p = properties(s);
        Driver driver = driver(s);
        try {
            Connection c = driver.connect(s.jdbcUrl(), p);
            if (c == null) {
                throw new SQLException("the driver " + s.dialect().driverClass() + " does not accept the URL of " + s.display(), "08001");
            }
            return c;
        } catch (SQLException e) {
            throw new HikariPool.PoolInitializationException(e);
        }
    }

    /** What every connection is opened with: the driver properties and the credentials. */
    private static Properties properties(JdbcSettings s) {
        Properties p = s.connectionProperties();
        if (s.user() != null) {
            p.setProperty("user", s.user());
        }
        if (s.password() != null) {
            p.setProperty("password", s.password());
        }
        return p;
    }

    private static Driver driver(JdbcSettings s) {
        try {
            return (Driver) Class.forName(s.dialect().driverClass()).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the JDBC driver " + s.dialect().driverClass() + " is not on the class path", e);
        }
    }

    /** The pool plus the connection that keeps an in-memory database alive until the pool closes. */
    private static final class KeptOpen extends HikariDataSource {
        private final Connection keeper;

        KeptOpen(HikariConfig c, Connection keeper) {
            super(c);
            this.keeper = keeper;
        }

        @Override
        public void close() {
            try {
                super.close();
            } finally {
                closeQuietly(keeper);
            }
        }

        static void closeQuietly(Connection keeper) {
            try {
                keeper.close();
            } catch (SQLException e) {
                // already closed: nothing holds the database any more either way
            }
        }
    }

    /** Hikari's eviction rule, made to agree with {@link Dialect#classify}. */
    private record EvictBroken(Dialect dialect) implements SQLExceptionOverride {
        @java.lang.Override
        public Override adjudicate(SQLException e) {
            Dialect.Failure f = dialect.classify(e);
            return f == Dialect.Failure.UNAVAILABLE || f == Dialect.Failure.TIMEOUT || f == Dialect.Failure.FULL ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
        }
    }
}
