package dev.depot.jdbc;

import dev.depot.ChangeEvent;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.sql.SQLException;
import java.util.List;

/**
 * An auto-commit write whose precondition the database checks by itself, so it needs no locking
 * read first: an insert (the primary key refuses a key that exists) or an update at a given version
 * (the {@code WHERE} clause matches no other). That saves a round trip and, on InnoDB, the gap lock
 * a locking read of an absent key takes, which made concurrent inserts wait for one another.
 *
 * <p>It only tells success apart. When the database refuses, the transaction is rolled back and the
 * caller runs the general path ({@link WriteRules} on locked reads), which finds out why (exists,
 * missing, stale and at which version) on the state of that moment. Tables with unique indexes
 * always take the general path: their holders are read to name the index a write collides with.
 */
final class DirectWrite {
    private DirectWrite() {}

    /** Whether {@code w} on {@code t} may go direct. */
    static boolean applies(Table t, Write w) {
        if (t.hasUnique) {
            return false;
        }
        return w.mode() == Write.Mode.INSERT || (w.mode() == Write.Mode.UPDATE && w.expectedVersion() != Write.ANY_VERSION);
    }

    /**
     * Writes {@code w} and stages its event; returns its result, or null when the database refused it
     * (then {@code tx} is rollback-only and nothing was written).
     */
    static WriteResult apply(WriteTransaction tx, Table t, Write w) throws SQLException {
        boolean insert = w.mode() == Write.Mode.INSERT;
        long version = insert ? 1 : w.expectedVersion() + 1;
        Base base = insert ? Base.absent(w.key()) : new Base(w.key(), true, w.expectedVersion(), 0, null);
        Pending row = new Pending(base, version, w.document(), w.indexValues(), w.anyKeyOrder());
        if (!(insert ? inserted(tx, t, row) : RowWriter.updateAt(tx.conn, t, row, w.expectedVersion(), tx.stamp()))) {
            tx.rollbackOnly();
            return null;
        }
        ChangeEvent.Op op = insert ? ChangeEvent.Op.INSERT : ChangeEvent.Op.UPDATE;
        tx.stageLast(List.of(new PendingEvent(t.spec.name(), t.spec.keyType().text(w.key()), op, version)));
        return WriteResult.ok(version);
    }

    /** Inserts the row; false when the key exists (the only unique constraint such a table has). */
    private static boolean inserted(WriteTransaction tx, Table t, Pending row) throws SQLException {
        try {
            RowWriter.insert(tx.conn, t, row, tx.stamp());
            return true;
        } catch (SQLException e) {
            if (t.dialect.classify(e) == Dialect.Failure.UNIQUE) {
                return false;
            }
            throw e;
        }
    }
}
