package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on mariadb through an application's HikariCP pool handed to {@link JdbcDepots#open}. */
class MariaDbDataSourceConformanceTest extends DepotConformanceSuite {
    private static final String PREFIX = "tckds_";

    @Override
    protected DepotFixture fixture() {
        return new DataSourceFixture("mariadb", TestDatabases.fresh(TestDatabases.mariadb(), PREFIX), PREFIX);
    }
}
