package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on MariaDB. */
class MariaDbConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        String url = TestDatabases.withPrefix(TestDatabases.mariadb(), TestDatabases.PREFIX);
        TestDatabases.dropTables(url, TestDatabases.PREFIX);
        return new JdbcFixture("mariadb", url, null);
    }
}
