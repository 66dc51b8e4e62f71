package dev.depot.jdbc;

/** {@code @DepotTest} isolation on a shared MariaDB database: {@link DepotTestIsolationScenario}. */
class MariaDbDepotTestIsolationTest extends DepotTestIsolationScenario {
    @Override
    protected String url() {
        return TestDatabases.mariadb();
    }
}
