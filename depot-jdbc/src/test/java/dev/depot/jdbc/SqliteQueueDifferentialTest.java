package dev.depot.jdbc;

/** The queue differential property on SQLite. */
final class SqliteQueueDifferentialTest extends QueueDifferentialProperties {
    @Override
    String name() {
        return "sqlite";
    }

    @Override
    String url() {
        return TestDatabases.sqlite();
    }
}
