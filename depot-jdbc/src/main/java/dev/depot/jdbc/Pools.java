package dev.depot.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.concurrent.atomic.AtomicInteger;

/** Builds the HikariCP pool for a depot. Credentials go to the pool only, never into its name or URL. */
final class Pools {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private Pools() {}

    static HikariDataSource open(JdbcSettings s) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("depot-" + s.dialect().name() + "-" + COUNTER.incrementAndGet());
        c.setDriverClassName(s.dialect().driverClass());
        c.setJdbcUrl(s.jdbcUrl());
        if (s.user() != null) {
            c.setUsername(s.user());
        }
        if (s.password() != null) {
            c.setPassword(s.password());
        }
        c.setDataSourceProperties(s.dialect().driverProperties(s.applicationName()));
        c.setMaximumPoolSize(s.poolSize());
        c.setMinimumIdle(Math.min(2, s.poolSize()));
        // Fail calls quickly while the database is down; they surface as BackendUnavailableException.
        c.setConnectionTimeout(5_000);
        c.setValidationTimeout(2_000);
        // Try the database once at open: an unreachable one fails the open at once, not after the timeout.
        c.setInitializationFailTimeout(1);
        if (s.dialect().poolIsolation() != null) {
            c.setTransactionIsolation(s.dialect().poolIsolation());
        }
        return new HikariDataSource(c);
    }
}
