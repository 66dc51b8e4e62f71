package dev.depot.jdbc;

/** The blob differential property on PostgreSQL. */
final class PostgresBlobDifferentialTest extends BlobDifferentialProperties {
    @Override
    String name() {
        return "postgresql";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.postgres());
    }
}
