package dev.depot.jdbc;

/** The differential property on PostgreSQL. */
class PostgresDifferentialTest extends DifferentialProperties {
    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.postgres());
    }
}
