package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on MariaDB. */
class MariaDbConformanceTest extends DepotConformanceSuite {
    @Override
    protected DepotFixture fixture() {
        return new JdbcFixture("mariadb", TestDatabases.fresh(TestDatabases.mariadb(), TestDatabases.PREFIX), null);
    }
}
