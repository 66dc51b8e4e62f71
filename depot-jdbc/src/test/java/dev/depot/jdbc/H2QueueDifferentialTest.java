package dev.depot.jdbc;

/** The queue differential property on H2 (in memory). */
final class H2QueueDifferentialTest extends QueueDifferentialProperties {
    @Override
    String name() {
        return "h2";
    }

    @Override
    String url() {
        return TestDatabases.h2Mem();
    }
}
