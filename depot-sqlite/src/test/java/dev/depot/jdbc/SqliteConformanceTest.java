package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on a SQLite file in a temporary directory. */
class SqliteConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        return new JdbcFixture("sqlite", TestDatabases.sqlite(), null);
    }
}
