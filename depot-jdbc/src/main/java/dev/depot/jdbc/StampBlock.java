package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Commit stamps: a number unique to each commit, stored in the {@code s} column of every row it
 * writes, which first-committer-wins compares for equality. Reserved {@value #SIZE} at a time from
 * the {@code stamps} meta row in a short transaction of its own (like a pooled sequence), so a
 * commit costs no round trip for its stamp. Stamps start at {@link #FIRST}, far above any feed
 * sequence, which is what earlier versions stored as stamp. Unused stamps of a block are simply
 * lost. Thread-safe.
 */
final class StampBlock {
    /** The first stamp value is above this; see {@link Catalog}. */
    static final long FIRST = 1L << 62;
    static final int SIZE = 1000;

    private final Dialect dialect;
    private final String reserveSql;
    private final String readSql;
    private long next;
    private long end;

    StampBlock(Dialect dialect, String prefix) {
        this.dialect = dialect;
        this.reserveSql = "UPDATE " + prefix + "meta SET val = val + " + SIZE + " WHERE name = 'stamps'";
        this.readSql = "SELECT val FROM " + prefix + "meta WHERE name = 'stamps'";
    }

    /** The next stamp; {@code c} (in auto-commit, no transaction open) reserves a block when needed. */
    synchronized long next(Connection c) throws SQLException {
        if (next >= end) {
            reserve(c);
        }
        return next++;
    }

    private void reserve(Connection c) throws SQLException {
        dialect.beginWrite(c);
        boolean committed = false;
        try {
            Dialect.execute(c, reserveSql);
            long top;
            try (PreparedStatement ps = c.prepareStatement(readSql); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the depot's stamps row is missing", "55000");
                }
                top = rs.getLong(1);
            }
            dialect.commit(c);
            committed = true;
            next = top - SIZE + 1;
            end = top + 1;
        } finally {
            if (!committed) {
                try {
                    dialect.rollback(c);
                } catch (SQLException e) {
                    // a broken connection rolls back by itself
                }
            }
            dialect.endWrite(c);
        }
    }
}
