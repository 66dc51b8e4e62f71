package dev.depot.jdbc;

/** The queue differential property on PostgreSQL. */
final class PostgresQueueDifferentialTest extends QueueDifferentialProperties {
    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.postgres());
    }
}
