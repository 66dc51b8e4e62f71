package dev.depot.jdbc;

import dev.depot.tck.DepotConformanceSuite;
import dev.depot.tck.DepotFixture;

/** The whole kit on postgresql through an application's HikariCP pool handed to {@link JdbcDepots#open}. */
class PostgresDataSourceConformanceTest extends DepotConformanceSuite {
    private static final String PREFIX = "tckds_";

    @Override
    protected DepotFixture fixture() {
        return new DataSourceFixture("postgresql", TestDatabases.fresh(TestDatabases.postgres(), PREFIX), PREFIX);
    }
}
