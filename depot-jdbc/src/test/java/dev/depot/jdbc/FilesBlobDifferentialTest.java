package dev.depot.jdbc;

/** The blob differential property on {@code file:} (a temporary directory, without fsync). */
final class FilesBlobDifferentialTest extends BlobDifferentialProperties {
    @Override
    String name() {
        return "files";
    }

    @Override
    String url() {
        return TestDatabases.files();
    }
}
