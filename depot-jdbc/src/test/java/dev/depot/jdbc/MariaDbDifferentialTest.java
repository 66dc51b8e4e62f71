package dev.depot.jdbc;

/** The differential property on MariaDB. */
class MariaDbDifferentialTest extends DifferentialProperties {
    @Override
    String name() {
        return "mariadb";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.mariadb());
    }
}
