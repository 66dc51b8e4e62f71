package dev.depot.jdbc;

import java.util.List;

/**
 * The two tables of the work queues: {@code <prefix>queues} (each queue's options, shared by every
 * process on the database) and {@code <prefix>queue_items} (every item of every queue, one row each).
 * Instants are epoch microseconds (BIGINT). Three indexes serve every hot statement as a seek:
 * {@code (queue, state, ready_at, rseq)} finds the next ready items in FIFO order (a claim reads
 * its first rows and stops), {@code (queue, due_at)} finds the items whose next timed transition
 * (schedule, lease expiry, {@code expireAfter} deadline, end of dead-item retention) is due, and the
 * unique {@code (queue, dedup)} holds the dedup key of a live item (NULL once it completes or dies,
 * and NULLs never collide). {@code ver} counts a row's changes: every write back is conditional on
 * the version read, so a row changed concurrently (whatever a database's locking reads return) fails
 * the write as a conflict and the call runs again, instead of overwriting the newer state.
 */
final class QueueTables {
    static final String ITEM_COLUMNS = "id, queue, state, ready_at, rseq, due_at, attempts, token, leased_at, holder, produced_at, "
            + "deadline, dedup, dedup_key, dead_from, dead_reason, dead_at, headers, history, ver";

    /** The columns a queue operation changes, in the order {@link QueueRow} binds them. */
    static final String MUTABLE = "queue, state, ready_at, rseq, due_at, attempts, token, leased_at, holder, deadline, dedup, "
            + "dead_from, dead_reason, dead_at, history, ver";

    /** How many columns {@link #insert} binds per row. */
    static final int INSERT_COLUMNS = 21;

    private QueueTables() {}

    static String insert(String prefix) {
        return "INSERT INTO " + prefix + "queue_items (" + MUTABLE + ", id, produced_at, dedup_key, headers, payload) VALUES ("
                + "?, ".repeat(INSERT_COLUMNS - 1) + "?)";
    }

    /**
     * Inserts {@code rows} items (bound as {@link #insert}'s columns, row after row, then the queue's
     * name) only if the queue's declaration row exists, locking that row against a drop with
     * {@code lock} ({@link Dialect#queueLockInInsert}) in the same statement: it inserts every row or,
     * for a queue dropped, none. The rows are a derived table of {@code SELECT ... UNION ALL} (named
     * columns: MariaDB refuses a derived table whose columns share a name, as {@code VALUES} with
     * equal values would).
     */
    static String lockedInsert(String prefix, int rows, String lock) {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(prefix).append("queue_items (").append(MUTABLE)
                .append(", id, produced_at, dedup_key, headers, payload) SELECT v.* FROM (SELECT ");
        for (int c = 1; c <= INSERT_COLUMNS; c++) {
            sql.append(c > 1 ? ", " : "").append("? AS c").append(c);
        }
        for (int r = 1; r < rows; r++) {
            sql.append(" UNION ALL SELECT ").append("?, ".repeat(INSERT_COLUMNS - 1)).append('?');
        }
        return sql.append(") v, ").append(prefix).append("queues q WHERE q.name = ?").append(lock).toString();
    }

    static String update(String prefix) {
        return "UPDATE " + prefix + "queue_items SET " + MUTABLE.replace(",", " = ?,") + " = ? WHERE id = ? AND ver = ?";
    }

    /** The DDL of the queue tables, idempotent, with MariaDB's inline comments (see {@link StoreComments}). */
    static List<String> ddl(Dialect d, String prefix) {
        String opts = d.tableOptions();
        String bytes = d.bytesType();
        String text = d.textType();
        String[][] items = {
            {"id", "BIGINT NOT NULL PRIMARY KEY"}, {"queue", "VARCHAR(63) NOT NULL"}, {"state", "SMALLINT NOT NULL"},
            {"ready_at", "BIGINT NOT NULL"}, {"rseq", "BIGINT NOT NULL"}, {"due_at", "BIGINT"}, {"attempts", "INTEGER NOT NULL"},
            {"token", "VARCHAR(64)"}, {"leased_at", "BIGINT"}, {"holder", text}, {"produced_at", "BIGINT NOT NULL"},
            {"deadline", "BIGINT"}, {"dedup", "VARCHAR(255)"}, {"dedup_key", "VARCHAR(255)"}, {"dead_from", "VARCHAR(63)"},
            {"dead_reason", text}, {"dead_at", "BIGINT"}, {"headers", bytes}, {"history", bytes}, {"ver", "BIGINT NOT NULL"},
            {"payload", bytes + " NOT NULL"}};
        String[][] queues = {
            {"name", "VARCHAR(63) NOT NULL PRIMARY KEY"}, {"lease_micros", "BIGINT NOT NULL"}, {"max_attempts", "INTEGER NOT NULL"},
            {"dlq", "VARCHAR(63)"}, {"retention_micros", "BIGINT NOT NULL"}};
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + prefix + "queues (" + columns(d, "queues", queues) + ")" + opts
                        + StoreComments.table(d, "queues"),
                "CREATE TABLE IF NOT EXISTS " + prefix + "queue_items (" + columns(d, "queue_items", items) + ")" + opts
                        + StoreComments.table(d, "queue_items"),
                "CREATE INDEX IF NOT EXISTS " + prefix + "queue_ready ON " + prefix + "queue_items (queue, state, ready_at, rseq)",
                "CREATE INDEX IF NOT EXISTS " + prefix + "queue_due ON " + prefix + "queue_items (queue, due_at)",
                "CREATE UNIQUE INDEX IF NOT EXISTS " + prefix + "queue_dedup ON " + prefix + "queue_items (queue, dedup)");
    }

    private static String columns(Dialect d, String table, String[][] definitions) {
        java.util.StringJoiner out = new java.util.StringJoiner(", ");
        for (String[] c : definitions) {
            out.add(c[0] + " " + c[1] + StoreComments.column(d, table, c[0]));
        }
        return out.toString();
    }

    /** What {@code ddl=validate} requires. */
    static void check(SchemaCheck check, java.sql.Connection c, String prefix) throws java.sql.SQLException {
        check.table(c, prefix + "queues", List.of("name", "lease_micros", "max_attempts", "dlq", "retention_micros"), List.of());
        check.table(c, prefix + "queue_items", List.of("id", "queue", "state", "ready_at", "rseq", "due_at", "attempts", "token",
                "leased_at", "holder", "produced_at", "deadline", "dedup", "dedup_key", "dead_from", "dead_reason", "dead_at", "headers",
                "history", "ver", "payload"), List.of(prefix + "queue_ready", prefix + "queue_due", prefix + "queue_dedup"));
    }
}
