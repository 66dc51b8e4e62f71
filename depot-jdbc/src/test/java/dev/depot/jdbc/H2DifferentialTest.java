package dev.depot.jdbc;

/** The differential property on H2 (in memory). */
class H2DifferentialTest extends DifferentialProperties {
    @Override
    String name() {
        return "h2";
    }

    @Override
    String url() {
        return TestDatabases.h2Mem();
    }
}
