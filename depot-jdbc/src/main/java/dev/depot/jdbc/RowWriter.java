package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Writes a transaction's final state of each key with JDBC batches: deletes, then updates, then
 * inserts, so values freed by one kind are free before another takes them. When several updated rows
 * carry unique indexes, their unique columns are cleared first: the writes were valid one after
 * another, but the batch applies only each key's final state, which could collide midway (a value
 * moved from one key to another and back).
 */
final class RowWriter {
    private RowWriter() {}

    static void apply(Connection c, Table t, Collection<Pending> pendings, long stamp) throws SQLException {
        List<Pending> deletes = new ArrayList<>();
        List<Pending> updates = new ArrayList<>();
        List<Pending> inserts = new ArrayList<>();
        List<Object> taken = new ArrayList<>();
        for (Pending p : pendings) {
            if (p.base().exists()) {
                (p.present() ? updates : deletes).add(p);
            } else if (p.present()) {
                inserts.add(p);
            } else {
                taken.add(p.key()); // inserted and deleted again by this transaction
            }
        }
        Dialect d = t.dialect;
        take(c, t, taken, stamp);
        if (!deletes.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(t.delete)) {
                for (Pending p : deletes) {
                    d.bindKey(ps, 1, t.spec.keyType(), p.key());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!updates.isEmpty()) {
            if (t.hasUnique && updates.size() > 1) {
                try (PreparedStatement ps = c.prepareStatement(t.clearUniques)) {
                    for (Pending p : updates) {
                        d.bindKey(ps, 1, t.spec.keyType(), p.key());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(t.update)) {
                for (Pending p : updates) {
                    bindUpdate(ps, t, p, stamp);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (!inserts.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement(t.insert)) {
                for (Pending p : inserts) {
                    bindInsert(ps, t, p, stamp);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private static final byte[] PLACEHOLDER = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    /**
     * Takes the keys of a transaction's writes that leave no row (a key absent from its snapshot that
     * it inserted and deleted again) by inserting and deleting a row of each, so that a concurrent
     * insert of such a key waits for this commit, or this commit fails as a lost race if that insert
     * came first. Their events go to the feed, and without a lock on the key another writer's insert
     * could take its outbox ids first and commit after this transaction checked the key: the feed then
     * showed that insert before this transaction's insert and delete, while the table kept its row.
     * No other session ever sees these rows.
     */
    private static void take(Connection c, Table t, List<Object> keys, long stamp) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(t.insert)) {
            Object[] noValues = new Object[t.spec.indexes().size()];
            for (Object k : keys) {
                bindInsert(ps, t, new Pending(Base.absent(k), 0, PLACEHOLDER, noValues, false), stamp);
                ps.addBatch();
            }
            ps.executeBatch();
        }
        delete(c, t, keys);
    }

    /** Inserts one row (a duplicate key fails with the database's unique violation). */
    static void insert(Connection c, Table t, Pending p, long stamp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(t.insert)) {
            bindInsert(ps, t, p, stamp);
            ps.executeUpdate();
        }
    }

    /** Updates one row if it is at {@code expectedVersion}; returns whether it was. */
    static boolean updateAt(Connection c, Table t, Pending p, long expectedVersion, long stamp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(t.updateAt)) {
            int next = bindUpdate(ps, t, p, stamp);
            ps.setLong(next, expectedVersion);
            return ps.executeUpdate() == 1;
        }
    }

    private static void bindInsert(PreparedStatement ps, Table t, Pending p, long stamp) throws SQLException {
        t.dialect.bindKey(ps, 1, t.spec.keyType(), p.key());
        ps.setLong(2, p.version());
        ps.setLong(3, stamp);
        bindValues(ps, t.docs.bind(ps, 4, p.document(), p.anyKeyOrder()), t, p.values());
    }

    /** Binds {@link Table#update}'s parameters; returns the index of the next one. */
    private static int bindUpdate(PreparedStatement ps, Table t, Pending p, long stamp) throws SQLException {
        ps.setLong(1, p.version());
        ps.setLong(2, stamp);
        int i = bindValues(ps, t.docs.bind(ps, 3, p.document(), p.anyKeyOrder()), t, p.values());
        t.dialect.bindKey(ps, i, t.spec.keyType(), p.key());
        return i + 1;
    }

    /** Deletes the rows of {@code keys} with one batch. */
    static void delete(Connection c, Table t, List<Object> keys) throws SQLException {
        if (keys.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(t.delete)) {
            for (Object k : keys) {
                t.dialect.bindKey(ps, 1, t.spec.keyType(), k);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Binds index values from parameter {@code first}; returns the next parameter index. */
    static int bindValues(PreparedStatement ps, int first, Table t, Object[] values) throws SQLException {
        int i = first;
        for (int x = 0; x < values.length; x++) {
            t.dialect.bindValue(ps, i++, t.spec.index(x).type(), values[x]);
        }
        return i;
    }
}
