package dev.depot.jdbc;

/** {@code @DepotTest} isolation on a shared PostgreSQL database: {@link DepotTestIsolationScenario}. */
class PostgresDepotTestIsolationTest extends DepotTestIsolationScenario {
    @Override
    protected String url() {
        return TestDatabases.postgres();
    }
}
