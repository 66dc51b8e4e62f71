package dev.depot.jdbc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The JVM-wide lock of one database whose schema changes the database's own locks do not keep apart
 * from data transactions (H2, {@link H2Dialect#schemaChangeGate}): data transactions and reads hold
 * it shared, schema changes exclusively. It also remembers which tables a schema change rebuilt, and
 * when, on a clock of its own: H2 adds a column by copying the table, and the copy holds every row
 * committed when it was made, so a snapshot that began before the copy would read later commits in
 * it. A transaction notes the clock when its snapshot begins and is refused when it reads a table
 * rebuilt since ({@link TransactionSession}), as MariaDB refuses a read of a table newer than its
 * read view.
 */
final class SchemaChangeGate extends ReentrantReadWriteLock {
    private long clock; // guarded by the write lock; read under the read lock
    private final Map<String, Long> rebuilt = new ConcurrentHashMap<>();

    /** The clock now; read holding the gate shared (as a snapshot begins under it). */
    long clock() {
        return clock;
    }

    /** Notes that {@code table} is being rebuilt; called holding the gate exclusively, before the copy. */
    synchronized void rebuilding(String table) {
        rebuilt.put(table.toLowerCase(java.util.Locale.ROOT), ++clock);
    }

    /** Whether {@code table} was rebuilt after the clock read {@code since}. */
    boolean rebuiltSince(String table, long since) {
        Long at = rebuilt.get(table.toLowerCase(java.util.Locale.ROOT));
        return at != null && at > since;
    }
}
