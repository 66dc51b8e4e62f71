package dev.depot.jdbc;

/** The differential property on SQLite. */
class SqliteDifferentialTest extends DifferentialProperties {
    @Override
    String name() {
        return "sqlite";
    }

    @Override
    String url() {
        return TestDatabases.sqlite();
    }
}
