package dev.depot.jdbc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What Depot says in the database's comments about the tables of its blob store and work queues
 * (their names after the table prefix) and every column of them, as {@link TableComments} says it
 * for collection tables. MariaDB takes them inline in CREATE TABLE ({@link #column}); PostgreSQL and
 * H2 as {@code COMMENT ON} statements ({@link #statements}); SQLite keeps none.
 */
final class StoreComments {
    private static final String MICROS = " (epoch microseconds of the depot clock)";
    private static final Map<String, String> TABLES = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> COLUMNS = new LinkedHashMap<>();

    static {
        table("blobs", "Depot blobs: one row per blob and per directory of a bucket, keyed by (bucket, path)."
                + " Written only through Depot; read freely.",
                "bucket", "The bucket's name.",
                "path", "The path as UTF-8 bytes; a directory's ends in /.",
                "id", "The content id of the blob's chunks in blob_chunks; NULL for a directory.",
                "size", "The blob's size in bytes.",
                "etag", "The blob's ETag.",
                "ctype", "The blob's content type.",
                "meta", "The blob's user metadata, as Depot encodes it.",
                "created", "When the blob was first written" + MICROS + ".",
                "modified", "When the blob was last written" + MICROS + ".");
        table("blob_chunks", "Depot blob content: numbered chunks of 1 MiB (all full but the last); copies share a content id.",
                "id", "The content id (blobs.id).",
                "n", "The chunk's number, from 0.",
                "data", "The chunk's bytes.");
        table("blob_uploads", "Depot blob uploads in progress: content ids being written, with a lease renewed per chunk;"
                + " an expired one (its writer died) is swept with its chunks.",
                "id", "The content id being written.",
                "expires", "When the upload's lease ends" + MICROS + ".");
        table("blob_buckets", "Depot blob buckets: blob count and bytes per bucket; its row is locked first by every change of the bucket.",
                "bucket", "The bucket's name.",
                "blobs", "How many blobs the bucket holds.",
                "bytes", "The sum of their sizes in bytes.");
        table("queues", "Depot work queues: each queue's options, shared by every process on the database.",
                "name", "The queue's name.",
                "lease_micros", "How long a lease lasts, in microseconds.",
                "max_attempts", "Attempts before an item dies.",
                "dlq", "The queue dead items move to; NULL when they stay in this one.",
                "retention_micros", "How long dead items are kept, in microseconds.");
        table("queue_items", "Depot work queue items: one row per live or dead item of every queue. Written only through Depot;"
                + " read freely.",
                "id", "The item's id.",
                "queue", "The queue the item is in.",
                "state", "The item's state: 0 READY, 1 SCHEDULED, 2 LEASED, 3 DEAD (ItemState's order).",
                "ready_at", "When the item is or was ready" + MICROS + ".",
                "rseq", "Orders items ready at the same time (first in, first out).",
                "due_at", "The item's next timed transition (schedule, lease expiry, deadline, end of retention)" + MICROS
                        + "; NULL if none.",
                "attempts", "How many times the item was leased.",
                "token", "The current lease's token; NULL when not leased.",
                "leased_at", "When the current lease began" + MICROS + ".",
                "holder", "Who holds the current lease, as the consumer named itself.",
                "produced_at", "When the item was produced" + MICROS + ".",
                "deadline", "When the item dies if not completed" + MICROS + "; NULL if never.",
                "dedup", "The dedup key while the item is live (it blocks another item with the same key); NULL after.",
                "dedup_key", "The dedup key the item was produced with, kept after it completes or dies.",
                "dead_from", "The queue a dead item died in.",
                "dead_reason", "Why the item died.",
                "dead_at", "When the item died" + MICROS + ".",
                "headers", "The item's headers, as Depot encodes them.",
                "history", "The item's past attempts, as Depot encodes them.",
                "ver", "The row's version: every write is conditional on the version read.",
                "payload", "The item's payload: the bytes the producer gave.");
    }

    private StoreComments() {}

    private static void table(String name, String text, String... columns) {
        TABLES.put(name, text);
        Map<String, String> c = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i += 2) {
            c.put(columns[i], columns[i + 1]);
        }
        COLUMNS.put(name, c);
    }

    /** The inline comment of a column (MariaDB's {@code COMMENT '…'}; empty elsewhere). */
    static String column(Dialect d, String table, String column) {
        String text = COLUMNS.get(table).get(column);
        if (text == null) {
            throw new IllegalArgumentException("no comment for " + table + "." + column);
        }
        return d.columnComment(text);
    }

    /** The inline comment of a table (MariaDB's {@code COMMENT=…}; empty elsewhere). */
    static String table(Dialect d, String table) {
        return d.tableComment(TABLES.get(table));
    }

    /** The comment statements of every table and column ({@code COMMENT ON}; none where comments are inline or unsupported). */
    static List<String> statements(Dialect d, String prefix) {
        List<String> out = new ArrayList<>();
        TABLES.forEach((table, text) -> out.addAll(d.commentStatements(prefix + table, text, COLUMNS.get(table))));
        return out;
    }

    /** The columns of a table that have comments, in order (for tests). */
    static List<String> columns(String table) {
        return List.copyOf(COLUMNS.get(table).keySet());
    }
}
