package dev.depot.jdbc;

/** The blob differential property on MariaDB. */
final class MariaDbBlobDifferentialTest extends BlobDifferentialProperties {
    @Override
    String name() {
        return "mariadb";
    }

    @Override
    String url() {
        return prefixed(TestDatabases.mariadb());
    }
}
