package dev.depot.jdbc;

/** The queue differential property on MariaDB. */
final class MariaDbQueueDifferentialTest extends QueueDifferentialProperties {
    @Override
    String name() {
        return "mariadb";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.mariadb());
    }
}
