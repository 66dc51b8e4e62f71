package dev.depot.jdbc;

/** The blob differential property on SQLite. */
final class SqliteBlobDifferentialTest extends BlobDifferentialProperties {
    @Override
    String name() {
        return "sqlite";
    }

    @Override
    String url() {
        return TestDatabases.sqlite();
    }
}
