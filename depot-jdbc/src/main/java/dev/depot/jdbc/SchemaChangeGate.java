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
 * read view. Tables created are noted on the same clock: H2's snapshot does not cover a table
 * created after it began (it shows that table's later commits), so a snapshot older than a table
 * reads it as empty, as PostgreSQL's does and as it reads the tables its own depot created.
 */
final class SchemaChangeGate extends ReentrantReadWriteLock {
    private long clock; // guarded by the write lock; read under the read lock
    private final Map<String, Long> rebuilt = new ConcurrentHashMap<>();
    private final Map<String, Long> created = new ConcurrentHashMap<>();

    /** The clock now; read holding the gate shared (as a snapshot begins under it). */
    long clock() {
        return clock;
    }

    /** Notes that {@code table} is being rebuilt; called holding the gate exclusively, before the copy. */
    synchronized void rebuilding(String table) {
        rebuilt.put(table.toLowerCase(java.util.Locale.ROOT), ++clock);
    }

    /** Notes that {@code table} is being created; called holding the gate exclusively, before the CREATE. */
    synchronized void creating(String table) {
        created.put(table.toLowerCase(java.util.Locale.ROOT), ++clock);
    }

    /** Whether {@code table} was rebuilt after the clock read {@code since}. */
    boolean rebuiltSince(String table, long since) {
        return after(rebuilt, table, since);
    }

    /** Whether {@code table} was created after the clock read {@code since} (by any depot of this JVM). */
    boolean createdSince(String table, long since) {
        return after(created, table, since);
    }

    private static boolean after(Map<String, Long> noted, String table, long since) {
        Long at = noted.get(table.toLowerCase(java.util.Locale.ROOT));
        return at != null && at > since;
    }
}
