package dev.depot.jdbc;

import dev.depot.BackendUnavailableException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a schema change waits for its table's lock: in short attempts ({@link Dialect#boundLockWaits}),
 * each rolled back when its wait runs out, with a growing pause between them, until {@code bound}
 * (the statement timeout) has passed since the first. A DDL statement that waits for a table lock on
 * PostgreSQL or MariaDB makes every later query of that table queue behind it, so one long wait for a
 * transaction that holds the table would stall all of the table's readers with it; short attempts
 * keep them waiting at most one attempt, and the change still goes through soon after that
 * transaction ends. One per schema change; not thread-safe.
 */
final class TableLockWaits {
    private static final long FIRST_PAUSE_MILLIS = 10;
    private static final long MAX_PAUSE_MILLIS = 1_000;

    private final Duration bound;
    private final long deadline;
    private final String what;
    /** The table waited for, as the message names it ("the collection's table", "table x_changes"). */
    private final String table;
    /** Who holds it: a transaction that has ... */
    private final String holders;
    private final String display;
    private long pause = FIRST_PAUSE_MILLIS;

    /** For a change of a collection's table. */
    TableLockWaits(Duration bound, String what, String display) {
        this(bound, what, "the collection's table", "read or written the collection", display);
    }

    /**
     * For a change of {@code table}, a table transactions hold once they have {@code holders} (e.g.
     * "written a record or read the change feed").
     */
    TableLockWaits(Duration bound, String what, String table, String holders, String display) {
        this.bound = bound;
        this.deadline = System.nanoTime() + bound.toNanos();
        this.what = what;
        this.table = table;
        this.holders = holders;
        this.display = display;
    }

    /**
     * After an attempt whose lock wait ran out (and rolled back): pauses, so the caller tries again, or
     * throws once the bound is spent, saying that a transaction holding the table blocks the change.
     */
    void ranOut(SQLException e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new BackendUnavailableException(what + ": the schema change waited " + bound.toMillis() + " ms (statementTimeout)"
                    + " for " + table + ", which a transaction held all that time (one that has " + holders
                    + " and not ended yet, in this or another process); nothing was changed. Retry once that"
                    + " transaction has ended (" + display + ")", e);
        }
        long sleep = Math.min(ThreadLocalRandom.current().nextLong(pause / 2, pause + 1), left / 1_000_000 + 1);
        pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new BackendUnavailableException(what + ": interrupted while waiting for " + table + "; nothing was"
                    + " changed (" + display + ")", e);
        }
    }
}
