package dev.depot.jdbc;

/** The blob differential property on H2 (in memory). */
final class H2BlobDifferentialTest extends BlobDifferentialProperties {
    @Override
    String name() {
        return "h2";
    }

    @Override
    String url() {
        return TestDatabases.h2Mem();
    }
}
