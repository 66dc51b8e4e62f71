package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work a record transaction applies in its write transaction after the record rows and before
 * COMMIT, so that it commits or rolls back with them (the queue operations of {@code tx.queue}).
 * Throwing from {@link #apply} rolls the whole transaction back.
 */
interface CommitPart {
    void apply(Connection c) throws SQLException;

    /** After COMMIT succeeded. */
    void committed();
}
