package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * An open data transaction: the only place rows and events are written. {@link #apply} writes a
 * session's overlay with its commit stamp and leaves its events in the outbox, numbered after COMMIT
 * (PostgreSQL, MariaDB), or numbers them itself when the counter is free (H2, SQLite; see {@link
 * #stageEvents}); {@link #add} appends further {@link
 * CommitPart}s (e.g. queue operations), applied just before COMMIT in the same transaction. It never
 * waits for a lock that writers of other keys hold, except in an {@linkplain
 * JdbcBackend#writeExclusive exclusive} transaction, which takes the sequence counter's lock first
 * and knows its value ({@link #last}).
 */
final class WriteTransaction {
    final Connection conn;
    private final JdbcBackend backend;
    private final long stamp;
    private final long last;
    /** The counter while this transaction holds its lock (numbering its own events), else -1. */
    private long counter;
    private boolean outboxUsed;
    private boolean numbered;
    private boolean drained;
    private final List<CommitPart> parts = new ArrayList<>(0);
    private boolean rollbackOnly;
    private String commitId;
    /** Set by {@link #applyLast}: the next numbering may end with COMMIT. */
    private boolean finalWrite;
    private boolean committed;

    WriteTransaction(Connection conn, JdbcBackend backend, long stamp, long last) {
        this.conn = conn;
        this.backend = backend;
        this.stamp = stamp;
        this.last = last;
        this.counter = last;
    }

    /** Ends the transaction without writing (a precondition failed). */
    void rollbackOnly() {
        rollbackOnly = true;
    }

    boolean isRollbackOnly() {
        return rollbackOnly;
    }

    /** Whether events were left in the outbox, which the sequencer must number after COMMIT. */
    boolean staged() {
        return outboxUsed;
    }

    /** Whether the transaction is already committed, by the statement that numbered its events ({@link #applyLast}). */
    boolean committed() {
        return committed;
    }

    /** Whether this transaction numbered events itself (under the counter lock). */
    boolean numbered() {
        return numbered;
    }


    /** The counter (last sequence numbered), in an exclusive transaction only. */
    long last() {
        if (last < 0) {
            throw new IllegalStateException("not an exclusive write transaction");
        }
        return last;
    }

    /** This commit's stamp, stored in the {@code s} column of every row it writes. */
    long stamp() {
        return stamp;
    }

    /**
     * Records the commit id of the transaction being applied (which a lookup may fence, see {@link
     * Feed#lookup}) and tags the events staged from now on with it. Call before writing anything.
     */
    void commitId(String id) throws SQLException {
        this.commitId = id;
        if (id != null) {
            backend.feed.recordCommit(conn, id);
        }
    }

    /** Adds work applied just before COMMIT, in this transaction. */
    void add(CommitPart part) {
        parts.add(part);
    }

    /** Applies the added parts; called once, right before COMMIT. */
    void applyParts() throws SQLException {
        for (CommitPart p : parts) {
            p.apply(conn);
        }
    }

    /**
     * Writes the overlay's rows (their keys are locked and checked by the caller) and stages the events.
     */
    void apply(Overlay overlay, List<PendingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        writeRows(overlay);
        stageEvents(events);
    }

    private void writeRows(Overlay overlay) throws SQLException {
        for (TableOverlay o : overlay.tables()) {
            if (!o.isEmpty()) {
                RowWriter.apply(conn, o.table, o.pendings(), stamp);
            }
        }
    }

    /**
     * As {@link #apply}, when nothing follows in this transaction (no parts, not exclusive, no other
     * write): where the feed allows ({@link Feed#mayCommitWithLastStatement}), the statement that
     * numbers or stages the events also commits, saving the COMMIT round trip; {@link #committed}
     * then tells the caller not to commit again.
     */
    void applyLast(Overlay overlay, List<PendingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        writeRows(overlay);
        stageLast(events);
    }

    /** As {@link #applyLast} for rows the caller wrote itself ({@link DirectWrite}): stages the events. */
    void stageLast(List<PendingEvent> events) throws SQLException {
        finalWrite = parts.isEmpty() && last < 0 && !rollbackOnly;
        try {
            stageEvents(events);
        } finally {
            finalWrite = false;
        }
    }

    /**
     * Stages events (also those without an overlay: clearing a collection): numbered at once if this
     * transaction holds or can take the counter lock without waiting ({@link Feed#tryLockCounter}),
     * after the events of every commit already in the outbox, else left in the outbox for the
     * sequencer.
     */
    void stageEvents(List<PendingEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        CommitProbe.beforeNumbering(events);
        if (counter < 0 && backend.dialect.numbersAfterCommit()) {
            // Numbered after COMMIT, off the commit path (Sequencer#poke, or the next feed read):
            // the commit does the anchor's work, its rows and its events, and takes no shared lock.
            boolean fold = finalWrite && events.size() == 1 && backend.feed.commitsWithStage();
            backend.feed.stage(conn, stamp, events, backend.options.clock().instant(), commitId, fold);
            committed = fold;
            outboxUsed = true;
            return;
        }
        boolean commit = finalWrite && backend.feed.mayCommitWithLastStatement();
        if (counter < 0 && !outboxUsed) {
            Long free = backend.feed.tryLockCounter(conn);
            counter = free == null ? -1 : free;
        }
        if (counter >= 0) {
            if (!drained) {
                // Commits that went to the outbox before this one are numbered first: one of them may
                // have written a key this commit rewrote, and the feed keeps each key's order.
                counter = backend.feed.sequencer.moveCommitted(conn, counter).end();
                drained = true;
            }
            boolean fold = commit && events.size() == 1 && backend.multiStatements();
            counter = backend.feed.appendNumbered(conn, counter, events, backend.options.clock().instant(), commitId, fold);
            committed = fold;
            numbered = true;
        } else {
            backend.feed.stage(conn, stamp, events, backend.options.clock().instant(), commitId);
            outboxUsed = true;
        }
    }
}
