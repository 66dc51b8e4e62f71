package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * The four tables of SQL blobs (names under the depot's table prefix) and their DDL:
 *
 * <ul>
 *   <li>{@code blobs}: one row per blob and per directory of a bucket, keyed by (bucket, path). A path
 *       is stored as its UTF-8 bytes in a binary column, whose byte order is code point order on
 *       every database (H2 compares text by UTF-16 unit, and a 1025-byte key as utf8mb4 text would
 *       exceed InnoDB's key limit). A directory's key is its path plus {@code /} and its {@code id}
 *       is NULL; a blob's {@code id} names its content in {@code blob_chunks}. Listing by prefix is a
 *       range scan of the primary key.
 *   <li>{@code blob_chunks}: content as numbered chunks of {@link #CHUNK} bytes (all full but the
 *       last), keyed by (content id, chunk no). A copy shares its source's content id; content is
 *       deleted when no blob row names it any more (the index on {@code blobs.id} answers that).
 *   <li>{@code blob_uploads}: content ids being written, with a lease ({@code expires}, epoch
 *       microseconds of the depot clock) renewed with every chunk; rows and chunks of an expired
 *       upload (its writer died) are swept.
 *   <li>{@code blob_buckets}: per bucket the blob count and bytes (for {@code stats()}), and the row
 *       every change of that bucket locks first, which serialises a bucket's publishes, deletes,
 *       copies, moves and directory changes (as memory's per-bucket lock does) and fixes one lock
 *       order, so they never deadlock.
 * </ul>
 */
final class BlobTables {
    /**
     * Bytes per chunk row: a quarter of the rows and round trips of 256 KiB, which measured no faster
     * with SqlBlobBench (64 MiB blobs, PostgreSQL, on a loaded 2-core machine: 256 KiB read 530 ms and
     * wrote 4.2 s per blob, 1 MiB 340-530 ms and 1.9-4.1 s), and far below MariaDB's default 16 MiB
     * packet limit. A writer buffers one chunk, a reader holds one. Fixed: stored content depends on it.
     */
    static final int CHUNK = 1 << 20;

    final String blobs;
    final String chunks;
    final String uploads;
    final String buckets;

    BlobTables(String prefix) {
        this.blobs = prefix + "blobs";
        this.chunks = prefix + "blob_chunks";
        this.uploads = prefix + "blob_uploads";
        this.buckets = prefix + "blob_buckets";
    }

    /** The column type of a path: binary, compared as unsigned bytes, indexable up to 1025 bytes. */
    static String pathType(Dialect d) {
        return d instanceof MariaDbDialect || d instanceof H2Dialect ? "VARBINARY(1025)" : d.bytesType();
    }

    /**
     * The column type of a chunk. H2 keeps VARBINARY values inside its B-tree pages, so every page
     * rewrite and every undo entry carries whole chunks (deleting a 192 MiB blob ran a 64 MiB heap out
     * of memory); its BLOB keeps them in separate LOB storage.
     */
    static String chunkType(Dialect d) {
        return d instanceof H2Dialect ? "BLOB" : d.bytesType();
    }

    /**
     * The DDL of the blob tables, idempotent, for {@code ddl=create} and {@link JdbcDepots#ddl}; with
     * MariaDB's inline comments (see {@link StoreComments}).
     */
    static List<String> ddl(Dialect d, String prefix) {
        BlobTables t = new BlobTables(prefix);
        String opts = d.tableOptions();
        java.util.function.BiFunction<String, String, String> c = (table, column) -> StoreComments.column(d, table, column);
        List<String> out = new java.util.ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS " + t.blobs + " (bucket VARCHAR(63) NOT NULL" + c.apply("blobs", "bucket")
                        + ", path " + pathType(d) + " NOT NULL" + c.apply("blobs", "path")
                        + ", id BIGINT" + c.apply("blobs", "id") + ", size BIGINT" + c.apply("blobs", "size")
                        + ", etag VARCHAR(64)" + c.apply("blobs", "etag") + ", ctype VARCHAR(255)" + c.apply("blobs", "ctype")
                        + ", meta " + d.textType() + c.apply("blobs", "meta") + ", created BIGINT" + c.apply("blobs", "created")
                        + ", modified BIGINT" + c.apply("blobs", "modified") + ", PRIMARY KEY (bucket, path))" + opts
                        + StoreComments.table(d, "blobs"),
                "CREATE INDEX IF NOT EXISTS " + prefix + "blobs_id ON " + t.blobs + " (id)",
                "CREATE TABLE IF NOT EXISTS " + t.chunks + " (id BIGINT NOT NULL" + c.apply("blob_chunks", "id")
                        + ", n INTEGER NOT NULL" + c.apply("blob_chunks", "n") + ", data " + chunkType(d) + " NOT NULL"
                        + c.apply("blob_chunks", "data") + ", PRIMARY KEY (id, n))" + opts + StoreComments.table(d, "blob_chunks"),
                "CREATE TABLE IF NOT EXISTS " + t.uploads + " (id BIGINT NOT NULL PRIMARY KEY" + c.apply("blob_uploads", "id")
                        + ", expires BIGINT NOT NULL" + c.apply("blob_uploads", "expires") + ")" + opts
                        + StoreComments.table(d, "blob_uploads"),
                "CREATE INDEX IF NOT EXISTS " + prefix + "blob_uploads_expires ON " + t.uploads + " (expires)",
                "CREATE TABLE IF NOT EXISTS " + t.buckets + " (bucket VARCHAR(63) NOT NULL PRIMARY KEY" + c.apply("blob_buckets", "bucket")
                        + ", blobs BIGINT NOT NULL" + c.apply("blob_buckets", "blobs") + ", bytes BIGINT NOT NULL"
                        + c.apply("blob_buckets", "bytes") + ")" + opts + StoreComments.table(d, "blob_buckets")));
        if (d instanceof PostgresDialect) {
            // Chunks are mostly compressed or random-looking bytes: trying pglz on every 1 MiB costs CPU for nothing.
            // Only if not yet set: ALTER TABLE would take an exclusive lock, queued behind every open read, at each open.
            out.add("DO $$ BEGIN IF (SELECT attstorage FROM pg_attribute WHERE attrelid = '" + t.chunks
                    + "'::regclass AND attname = 'data') <> 'e' THEN ALTER TABLE " + t.chunks
                    + " ALTER COLUMN data SET STORAGE EXTERNAL; END IF; END $$");
        }
        return out;
    }

    /** For {@code ddl=validate}: notes what of the blob tables is missing. */
    void check(SchemaCheck check, Connection c, String prefix) throws SQLException {
        check.table(c, blobs, List.of("bucket", "path", "id", "size", "etag", "ctype", "meta", "created", "modified"),
                List.of(prefix + "blobs_id"));
        check.table(c, chunks, List.of("id", "n", "data"), List.of());
        check.table(c, uploads, List.of("id", "expires"), List.of());
        check.table(c, buckets, List.of("bucket", "blobs", "bytes"), List.of());
    }
}
