package dev.depot.jdbc;

import dev.depot.QueueOptions;
import dev.depot.spi.QueueStore;
import dev.depot.spi.QueueTime;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The work queues of a JDBC depot, in {@link QueueTables}. Every operation is one short database
 * transaction of its own (never the feed lock): claims and due-work scans lock rows with
 * {@code FOR UPDATE SKIP LOCKED} on PostgreSQL, MariaDB and H2, so concurrent consumers, in this
 * process or others, take disjoint rows without waiting for each other; on SQLite every write
 * transaction is {@code BEGIN IMMEDIATE}, which serializes them. All time is the depot's clock.
 *
 * <p>Item ids come from the {@code meta} counter {@code queue_ids} in blocks of {@value #ID_BLOCK}
 * (one short transaction per block), so they are unique across every process on the database.
 * Options live in {@code <prefix>queues}, shared by every process: each call reads those in force
 * in a statement it sends anyway (see {@link SqlQueue}), so a change made by another process
 * governs this one's next operation.
 */
final class SqlQueueStore implements QueueStore {
    static final int ID_BLOCK = 1_000;
    /** The option columns of {@code <prefix>queues}, in the order {@link #options(ResultSet, int)} reads them. */
    static final String OPTION_COLUMNS = "lease_micros, max_attempts, dlq, retention_micros";
    /** How often a waiting consumer looks for items made ready by other processes (or by the clock). */
    static final long POLL_NANOS = 100_000_000L;
    private static final int WRITE_ATTEMPTS = 8;

    final JdbcBackend backend;
    final String prefix;
    final String items;
    /** Appended to the SELECTs that claim rows: skip rows other consumers hold. */
    final String skipLocked;
    /** Appended to SELECTs that lock rows to settle them. */
    final String forUpdate;
    final String insertSql;
    final String updateSql;
    private final Map<String, SqlQueue> queues = new ConcurrentHashMap<>();
    private final Map<String, QueueSignal> signals = new ConcurrentHashMap<>();
    private final String tokenPrefix;
    private final AtomicLong tokens = new AtomicLong();
    private final QueueTime time;
    /**
     * Ready-order tie breaker among items that became ready in the same microsecond. Seeded with the
     * wall clock in microseconds so that a process started later numbers after one started earlier
     * (only the order within one microsecond of clock time depends on it).
     */
    private final AtomicLong order = new AtomicLong(System.currentTimeMillis() * 1_000);
    private long nextId;
    private long idsEnd;

    SqlQueueStore(JdbcBackend backend, String prefix) {
        this.backend = backend;
        this.prefix = prefix;
        this.items = prefix + "queue_items";
        boolean sqlite = backend.dialect instanceof SqliteDialect;
        this.skipLocked = sqlite ? "" : " FOR UPDATE SKIP LOCKED";
        this.forUpdate = backend.dialect.forUpdate();
        this.insertSql = QueueTables.insert(prefix);
        this.updateSql = QueueTables.update(prefix);
        byte[] seed = new byte[8];
        new SecureRandom().nextBytes(seed);
        this.tokenPrefix = java.util.HexFormat.of().formatHex(seed) + "-";
        this.time = new QueueTime(backend.options.clock());
    }

    @Override
    public SqlQueue open(String name, QueueOptions options) {
        SqlQueue q = queues.computeIfAbsent(name, n -> new SqlQueue(n, this));
        Wakeups w = new Wakeups(this);
        inTx("opening queue " + name, c -> {
            if (options != null) {
                // Due work first, under the options in force when it fell due: a change affects later events only.
                loadOrCreate(c, name);
                q.catchUp(c, now(), w);
                saveOptions(c, name, options);
                if (options.deadLetterQueue() != null) {
                    loadOrCreate(c, options.deadLetterQueue());
                }
                q.seen = options;
            } else {
                q.seen = loadOrCreate(c, name);
            }
            return null;
        }, w);
        return q;
    }

    /**
     * The queue's stored options, storing the defaults for a new one (or one dropped). The row stays
     * locked against a drop until commit, so what this transaction then writes for the queue is
     * either dropped with it or belongs to a queue that exists.
     */
    QueueOptions loadOrCreate(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + OPTION_COLUMNS + " FROM " + prefix
                + "queues WHERE name = ?" + backend.dialect.forKeyShare())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return options(rs, 1);
                }
            }
        }
        QueueOptions d = QueueOptions.defaults();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix
                + "queues (lease_micros, max_attempts, dlq, retention_micros, name) VALUES (?, ?, ?, ?, ?)")) {
            bindOptions(ps, d, name);
            ps.executeUpdate(); // a concurrent insert fails as UNIQUE and the transaction runs again
        }
        return d;
    }

    private void saveOptions(Connection c, String name, QueueOptions o) throws SQLException {
        QueueOptions before = loadOrCreate(c, name);
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix
                + "queues SET lease_micros = ?, max_attempts = ?, dlq = ?, retention_micros = ? WHERE name = ?")) {
            bindOptions(ps, o, name);
            ps.executeUpdate();
        }
        if (!before.deadRetention().equals(o.deadRetention())) {
            // Dead items are due when their retention (from their death) ends: under the new retention.
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + items + " SET due_at = dead_at + ? WHERE queue = ? AND state = ?")) {
                ps.setLong(1, micros(o.deadRetention()));
                ps.setString(2, name);
                ps.setInt(3, dev.depot.ItemState.DEAD.ordinal());
                ps.executeUpdate();
            }
        }
    }

    private static void bindOptions(PreparedStatement ps, QueueOptions o, String name) throws SQLException {
        ps.setLong(1, micros(o.leaseTimeout()));
        ps.setInt(2, o.maxAttempts());
        ps.setString(3, o.deadLetterQueue());
        ps.setLong(4, micros(o.deadRetention()));
        ps.setString(5, name);
    }

    /** The options in force for {@code name}, a plain read: the defaults if it is not declared (dropped). */
    QueueOptions readOptions(String name) {
        return backend.read("reading the options of queue " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + OPTION_COLUMNS + " FROM " + prefix + "queues WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? options(rs, 1) : QueueOptions.defaults();
                }
            }
        });
    }

    /** Reads {@link #OPTION_COLUMNS} from column {@code col} on. */
    static QueueOptions options(ResultSet rs, int col) throws SQLException {
        QueueOptions o = QueueOptions.leaseTimeout(Duration.of(rs.getLong(col), ChronoUnit.MICROS)).maxAttempts(rs.getInt(col + 1))
                .deadRetention(Duration.of(rs.getLong(col + 3), ChronoUnit.MICROS));
        String dlq = rs.getString(col + 2);
        return dlq == null ? o : o.deadLetter(dlq);
    }

    @Override
    public Map<String, QueueOptions> options() {
        return backend.read("reading queue options", c -> {
            Map<String, QueueOptions> out = new HashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name, lease_micros, max_attempts, dlq, retention_micros FROM " + prefix
                    + "queues"); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), options(rs, 2));
                }
            }
            return out;
        });
    }

    /**
     * Whether the queue is declared, locking its row against a drop until commit: a produce through
     * a handle checks it, so no item is ever stored for a queue that does not exist (a drop in
     * another process deletes the row; its items then go with it, or the produce fails).
     */
    boolean declared(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + prefix + "queues WHERE name = ?"
                + backend.dialect.forKeyShare())) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Stores the default options for {@code name} unless it is declared (read without a lock). */
    void declareIfMissing(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + prefix + "queues WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        loadOrCreate(c, name); // a concurrent insert fails as UNIQUE and the call runs again
    }

    /**
     * One transaction: delete the declaration first (its row lock waits for producers and openers
     * holding it, so what they commit is seen below), then refuse if a queue still names it as its
     * dead-letter queue (rolling back), then delete every item. This process's handles keep the
     * queue object: it has the default options until the queue is opened again.
     */
    @Override
    public boolean drop(String name) {
        boolean existed = inTx("dropping queue " + name, c -> {
            int deleted;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + prefix + "queues WHERE name = ?")) {
                ps.setString(1, name);
                deleted = ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM " + prefix + "queues WHERE dlq = ? ORDER BY name")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        throw dev.depot.spi.QueueConflicts.deadLetterQueueInUse(name, rs.getString(1)); // rolls back
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + items + " WHERE queue = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            SqlQueue q = queues.get(name);
            if (q != null) {
                q.seen = QueueOptions.defaults(); // before commit: an open waiting for the row sets its own after
            }
            return deleted > 0;
        }, null);
        signal(name).dropped(); // this process's waiters return empty
        return existed;
    }

    @Override
    public void clearAll() {
        inTx("clearing the queues", c -> {
            clearAll(c);
            return null;
        }, null);
    }

    /** Inside the depot's clear: every item goes, every queue gets the default options again. */
    void clearAll(Connection c) throws SQLException {
        Dialect.execute(c, "DELETE FROM " + items);
        // The queues stay (listed, as on memory), with the default options.
        QueueOptions d = QueueOptions.defaults();
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix
                + "queues SET lease_micros = ?, max_attempts = ?, dlq = NULL, retention_micros = ?")) {
            ps.setLong(1, micros(d.leaseTimeout()));
            ps.setInt(2, d.maxAttempts());
            ps.setLong(3, micros(d.deadRetention()));
            ps.executeUpdate();
        }
        for (SqlQueue q : queues.values()) {
            q.seen = QueueOptions.defaults();
        }
        time.reset(); // nothing is queued any more: queue time follows the clock again, also one set back
    }

    /** A new queue operation context of a transaction ({@code tx.queue}). */
    SqlQueueWork work() {
        return new SqlQueueWork(this);
    }

    /**
     * The queue as a transaction's commit uses it: one open in this process, else one whose options
     * are read, or stored as the defaults, in the caller's transaction {@code c}, so that a
     * transaction rolled back creates no queue (memory creates none either).
     */
    SqlQueue queueIn(Connection c, String name) throws SQLException {
        SqlQueue q = queues.get(name);
        if (q != null) {
            return q;
        }
        return fresh(c, name);
    }

    /**
     * As {@link #queueIn}, for a transaction that produces to it: its declaration is read (or stored
     * again, if it was dropped: {@code tx.queue(name)} creates on first use) and locked against a
     * drop until commit, so the items are never stored for a queue that does not exist.
     */
    SqlQueue queueToProduceIn(Connection c, String name) throws SQLException {
        SqlQueue q = queues.get(name);
        if (q == null) {
            return fresh(c, name);
        }
        if (!declared(c, name)) {
            q.seen = loadOrCreate(c, name); // dropped (here or by another process): a fresh queue, default options
        }
        return q;
    }

    private SqlQueue fresh(Connection c, String name) throws SQLException {
        SqlQueue fresh = new SqlQueue(name, this);
        fresh.seen = loadOrCreate(c, name);
        return fresh;
    }

    // ---- time, ids, tokens ----

    /** Queue time: the depot clock in microseconds, never going back (CONTRACT.md "Queues", "Time"). */
    long now() {
        return time.micros();
    }

    static long micros(Duration d) {
        return d.toNanos() / 1_000;
    }

    String token() {
        return tokenPrefix + tokens.incrementAndGet();
    }

    /** The next ready-order number. */
    long nextId() {
        return order.incrementAndGet();
    }

    /** {@code n} fresh item ids, unique across the database's processes. */
    synchronized long[] reserveIds(int n) {
        try {
            return reserveIds(n, block -> inTx("numbering queue items", c -> allocate(c, block), null));
        } catch (SQLException e) {
            throw new IllegalStateException(e); // inTx reports its own failures
        }
    }

    /**
     * As {@link #reserveIds(int)}, taking a new block of ids on {@code c} (idle, in auto-commit) in a
     * short transaction of its own, committed before {@code c}'s next: a transaction's commit numbers
     * its items on its own connection, with no second one from the pool (a pool of one waited for
     * itself, and the commit failed).
     */
    synchronized long[] reserveIds(Connection c, int n) throws SQLException {
        return reserveIds(n, block -> allocateOn(c, block));
    }

    private long[] reserveIds(int n, SqlWork<Integer, Long> blocks) throws SQLException {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            if (nextId == idsEnd) {
                int block = Math.max(ID_BLOCK, n - i);
                long end = blocks.run(block);
                nextId = end - block;
                idsEnd = end;
            }
            out[i] = ++nextId;
        }
        return out;
    }

    /** {@link #allocate} in a transaction of its own on {@code c}, run again on a race as {@link #inTx} does. */
    private long allocateOn(Connection c, int block) throws SQLException {
        Dialect d = backend.dialect;
        for (int attempt = 1; ; attempt++) {
            d.beginWrite(c);
            boolean ended = false;
            try {
                long end = allocate(c, block);
                d.commit(c);
                ended = true;
                return end;
            } catch (SQLException e) {
                Dialect.Failure f = d.classify(e);
                if (!(f == Dialect.Failure.CONFLICT || f == Dialect.Failure.UNIQUE) || attempt >= WRITE_ATTEMPTS) {
                    throw e;
                }
            } finally {
                if (!ended) {
                    try {
                        d.rollback(c);
                    } catch (SQLException e) {
                        // a broken connection: the database rolls back, and the commit fails on it next
                    }
                }
                d.endWrite(c);
            }
        }
    }

    /** Moves the counter on by {@code block}; returns its new value (ids up to it are ours). */
    private long allocate(Connection c, int block) throws SQLException {
        int updated;
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + prefix + "meta SET val = val + ? WHERE name = 'queue_ids'")) {
            ps.setLong(1, block);
            updated = ps.executeUpdate();
        }
        if (updated == 0) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + prefix + "meta (name, val) VALUES ('queue_ids', ?)")) {
                ps.setLong(1, block);
                ps.executeUpdate(); // a concurrent first insert fails as UNIQUE and this runs again
            }
            return block;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM " + prefix + "meta WHERE name = 'queue_ids'");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ---- waking waiters ----

    QueueSignal signal(String queue) {
        return signals.computeIfAbsent(queue, n -> new QueueSignal());
    }

    void signal(String queue, int ready) {
        QueueSignal s = signals.get(queue);
        if (s != null && ready > 0) {
            s.signal();
        }
    }

    // ---- transactions ----

    /**
     * Runs {@code work} on a pooled connection in auto-commit (each statement, or a PostgreSQL batch,
     * its own transaction). A deadlock the database reports ran nothing: the work runs again.
     */
    <T> T autoCommit(String what, SqlWork<Connection, T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection c = backend.connection()) {
                return work.run(c);
            } catch (SQLException e) {
                if (backend.dialect.classify(e) != Dialect.Failure.CONFLICT || attempt >= WRITE_ATTEMPTS) {
                    throw backend.failures.map(e, what);
                }
            }
        }
    }

    /**
     * Runs {@code work} in a write transaction of its own on a pooled connection, then wakes the
     * consumers {@code wakeups} collected. A lost race the database reports (deadlock, a dedup key
     * inserted concurrently) runs the work again from scratch; nothing was committed then.
     */
    <T> T inTx(String what, SqlWork<Connection, T> work, Wakeups wakeups) {
        Dialect d = backend.dialect;
        for (int attempt = 1; ; attempt++) {
            if (wakeups != null) {
                wakeups.reset();
            }
            try (Connection c = backend.connection()) {
                d.beginWrite(c);
                boolean ended = false;
                try {
                    T result = work.run(c);
                    if (wakeups != null) {
                        wakeups.declareArrivals(c);
                        wakeups.orderArrivals(c);
                    }
                    d.commit(c);
                    ended = true;
                    if (wakeups != null) {
                        wakeups.signal();
                    }
                    return result;
                } finally {
                    if (!ended) {
                        try {
                            d.rollback(c);
                        } catch (SQLException e) {
                            // broken connection: the database rolls back; the pool discards it
                        }
                    }
                    try {
                        d.endWrite(c);
                    } catch (SQLException e) {
                        // as above
                    }
                }
            } catch (SQLException e) {
                Dialect.Failure f = d.classify(e);
                if (!(f == Dialect.Failure.CONFLICT || f == Dialect.Failure.UNIQUE) || attempt >= WRITE_ATTEMPTS) {
                    throw backend.failures.map(e, what);
                }
            }
        }
    }
}
