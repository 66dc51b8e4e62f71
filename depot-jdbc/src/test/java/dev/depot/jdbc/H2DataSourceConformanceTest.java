package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on h2 through an application's HikariCP pool handed to {@link JdbcDepots#open}. */
class H2DataSourceConformanceTest extends DepotConformanceSuite {
    private static final String PREFIX = "tckds_";

    @Override
    protected DepotFixture fixture() {
        return new DataSourceFixture("h2", TestDatabases.h2Mem(), PREFIX);
    }
}
