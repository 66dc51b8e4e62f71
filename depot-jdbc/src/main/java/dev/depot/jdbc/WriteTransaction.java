package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * An open write transaction holding the feed lock: the only place rows and events are written.
 * {@link #apply} writes a session's overlay and its events; stamps and sequences come from the
 * counter read under the lock.
 */
final class WriteTransaction {
    final Connection conn;
    private final JdbcBackend backend;
    private long last;
    private boolean rollbackOnly;
    private boolean appended;
    private String commitId;

    WriteTransaction(Connection conn, JdbcBackend backend, long last) {
        this.conn = conn;
        this.backend = backend;
        this.last = last;
    }

    /** Ends the transaction without writing (a precondition failed). */
    void rollbackOnly() {
        rollbackOnly = true;
    }

    boolean isRollbackOnly() {
        return rollbackOnly;
    }

    boolean appended() {
        return appended;
    }

    /** The counter: the last sequence numbered so far. */
    long last() {
        return last;
    }

    /** Tags the events appended from now on with the commit id of the transaction being applied. */
    void commitId(String id) {
        this.commitId = id;
    }

    /** Writes the overlay's rows and appends the events, numbered after the counter. */
    void apply(Overlay overlay, List<PendingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        long stamp = last + events.size();
        for (TableOverlay o : overlay.tables()) {
            if (!o.isEmpty()) {
                RowWriter.apply(conn, o.table, o.pendings(), stamp);
            }
        }
        appendEvents(events);
    }

    /** Applies work that commits with the records (queue operations), in order. */
    void apply(List<CommitPart> parts) throws SQLException {
        for (CommitPart p : parts) {
            p.apply(conn);
        }
    }

    /** Appends events that have no overlay (clearing a collection). */
    void appendEvents(List<PendingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        backend.feed.append(conn, last, events, backend.options.clock().instant(), commitId);
        last += events.size();
        appended = true;
    }
}
