package dev.depot.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.depot.Depot;
import dev.depot.DepotOptions;
import dev.depot.spi.DepotUrl;
import dev.depot.tck.DepotFixture;
import dev.depot.testing.TestClock;

/**
 * Opens depots through {@link JdbcDepots#open} on an application-style HikariCP pool made from a
 * test database URL, as an application with its own pool would. The pool is the fixture's: depots
 * come and go on it, and it is closed (and the tables dropped) when the suite is over.
 */
final class DataSourceFixture implements DepotFixture {
    private final String name;
    private final String url;
    private final String prefix;
    final HikariDataSource dataSource;

    DataSourceFixture(String name, String url, String prefix) {
        this.name = name;
        this.url = url;
        this.prefix = prefix;
        this.dataSource = pool(url);
    }

    /** A plain HikariCP pool on the database of a depot URL, with nothing Depot-specific set. */
    static HikariDataSource pool(String depotUrl) {
        JdbcSettings s = JdbcSettings.parse(DepotUrl.parse(depotUrl), DepotOptions.defaults());
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(s.jdbcUrl());
        c.setUsername(s.user());
        c.setPassword(s.password());
        c.setMaximumPoolSize(10);
        c.setPoolName("application-pool");
        return new HikariDataSource(c);
    }

    @Override
    public Depot open(TestClock clock) {
        return JdbcDepots.open(dataSource, "tablePrefix=" + prefix, DepotOptions.defaults().clock(clock));
    }

    @Override
    public String name() {
        return name + " via DataSource";
    }

    @Override
    public void close() {
        dataSource.close();
        if (url.contains("tablePrefix=")) {
            TestDatabases.release(url, prefix);
        }
    }
}
