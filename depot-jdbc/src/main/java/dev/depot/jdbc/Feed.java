package dev.depot.jdbc;

import dev.depot.ChangeEvent;
import dev.depot.DepotOptions;
import dev.depot.spi.ChangeLog;
import dev.depot.spi.CommitLookup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The change feed table and the sequence counter beside it.
 *
 * <p>Sequences are handed out in commit order without gaps: every write transaction first locks the
 * counter row ({@link #lock}) and holds that lock until it commits; it numbers its events from the
 * counter, stores the new counter value and commits. But "committed" is not "visible to every new
 * reader at once": InnoDB can show a later commit's events before an earlier one's (seen as 5935 →
 * 5937 with six writers). So readers never trust a hole: since the counter only advances in committed
 * transactions, a missing sequence is either a commit not yet visible or an event dropped by
 * retention or a clear. The second kind is recorded as the <em>trim floor</em> (meta row {@code
 * trim}: the highest sequence ever deleted, raised in the same transaction as the delete), read in
 * the same statement as the events; {@link #since} returns only the consecutive run after
 * max(after, floor), and {@link #awaitAfter} waits until that run can grow. One code path on every
 * database; on those that never show a hole it costs a scalar subquery.
 *
 * <p>Waiters are woken by commits through this backend at once, by other processes' commits through
 * {@link PgListener} on PostgreSQL, and otherwise by polling every few milliseconds.
 *
 * <p>Retention (age and count from {@link DepotOptions}) is applied when events are appended, as
 * memory does. Each event stores the commit id of its transaction (null for auto-commit writes), so
 * {@link #lookup} can tell whether a commit whose outcome was unknown was applied.
 */
final class Feed implements ChangeLog {
    private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();
    /** How often waiters look for other processes' commits; PostgreSQL notifies, so it polls rarely. */
    private static final long POLL_MILLIS = 25;
    private static final long POLL_MILLIS_NOTIFIED = 500;

    private final JdbcBackend backend;
    private final String meta;
    private final String changes;
    private final String lockSql;
    private final String advanceSql;
    private final String lastSql;
    private final String insertSql;
    private final String sinceSql;
    private final String nextSql;
    private final String raiseFloorSql;
    private final String trimCountSql;
    private final String trimAgeMaxSql;
    private final String oldestSql;
    private final String clearSql;
    private final String countSql;
    private final String lookupSql;
    private final String notifySql;
    private final long pollMillis;
    private final Duration maxAge;
    private final long maxEvents;
    private final Object signal = new Object();
    private long generation;
    /** Oldest retained event time this process knows of; null when unknown. */
    private volatile Instant oldest;
    /** The highest committed sequence this process has read; see {@link #knownSequence}. */
    private final AtomicLong known = new AtomicLong();

    Feed(JdbcBackend backend, String prefix, DepotOptions options) {
        this.backend = backend;
        this.meta = prefix + "meta";
        this.changes = prefix + "changes";
        String floor = "(SELECT val FROM " + meta + " WHERE name = 'trim')";
        this.lockSql = "SELECT val FROM " + meta + " WHERE name = 'seq'" + backend.dialect.forUpdate();
        this.advanceSql = "UPDATE " + meta + " SET val = ? WHERE name = 'seq'";
        this.lastSql = "SELECT val FROM " + meta + " WHERE name = 'seq'";
        this.insertSql = "INSERT INTO " + changes + " (seq, coll, rkey, op, ver, t_sec, t_nano, commit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        // The floor comes from the same statement, hence the same snapshot, as the events.
        this.sinceSql = "SELECT seq, coll, rkey, op, ver, t_sec, t_nano, " + floor + " FROM " + changes
                + " WHERE seq > ? ORDER BY seq LIMIT ?";
        this.nextSql = "SELECT MIN(seq), " + floor + " FROM " + changes + " WHERE seq > ?";
        this.raiseFloorSql = "UPDATE " + meta + " SET val = ? WHERE name = 'trim' AND val < ?";
        this.trimCountSql = "DELETE FROM " + changes + " WHERE seq <= ?";
        this.trimAgeMaxSql = "SELECT MAX(seq) FROM " + changes + " WHERE t_sec < ? OR (t_sec = ? AND t_nano < ?)";
        this.oldestSql = "SELECT t_sec, t_nano FROM " + changes + " ORDER BY t_sec, t_nano LIMIT 1";
        this.clearSql = "DELETE FROM " + changes;
        this.countSql = "SELECT COUNT(*) FROM " + changes;
        this.lookupSql = "SELECT MIN(seq), MAX(seq), " + floor + " FROM " + changes + " WHERE commit_id = ?";
        this.notifySql = backend.dialect.notify(changes);
        this.pollMillis = notifySql == null ? POLL_MILLIS : POLL_MILLIS_NOTIFIED;
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
    }

    // ---- opening ----

    /**
     * Brings feed tables of an earlier version up to date, after the counter row exists: adds the
     * {@code commit_id} column and the trim floor row. The floor of a feed that has already been
     * trimmed is what it lacks: the sequence before its oldest event, or the counter when it is empty.
     */
    void init(Connection c) throws SQLException {
        if (!hasCommitIdColumn(c)) {
            try {
                Dialect.execute(c, "ALTER TABLE " + changes + " ADD COLUMN commit_id VARCHAR(64)");
            } catch (SQLException e) {
                if (!hasCommitIdColumn(c)) {
                    throw e; // else another process added it first
                }
            }
        }
        if (floorRow(c) == null) {
            backend.inWrite(c, tx -> { // under the counter lock, so concurrent openers insert it once
                if (floorRow(c) == null) {
                    long floor = tx.last();
                    try (PreparedStatement ps = c.prepareStatement("SELECT MIN(seq) FROM " + changes);
                            ResultSet rs = ps.executeQuery()) {
                        if (rs.next() && rs.getObject(1) != null) {
                            floor = rs.getLong(1) - 1;
                        }
                    }
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + meta + " (name, val) VALUES ('trim', ?)")) {
                        ps.setLong(1, floor);
                        ps.executeUpdate();
                    }
                }
                return null;
            });
        }
        try (PreparedStatement ps = c.prepareStatement(lastSql); ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                saw(rs.getLong(1));
            }
        }
    }

    private boolean hasCommitIdColumn(Connection c) {
        try (PreparedStatement ps = c.prepareStatement("SELECT commit_id FROM " + changes + " WHERE seq < 0");
                ResultSet rs = ps.executeQuery()) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private Long floorRow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM " + meta + " WHERE name = 'trim'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    // ---- inside a write transaction ----

    /** Takes the feed lock (held until the transaction ends) and returns the current counter. */
    long lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockSql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the depot's sequence row is missing", "55000");
            }
            return saw(rs.getLong(1));
        }
    }

    /**
     * Appends events numbered {@code last+1...} tagged with {@code commitId} (may be null), moves the
     * counter, trims to retention.
     */
    void append(Connection c, long last, List<PendingEvent> events, Instant clockTime, String commitId) throws SQLException {
        // Event times are instants like any other: microseconds on every backend.
        Instant time = clockTime.truncatedTo(ChronoUnit.MICROS);
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            long seq = last;
            for (PendingEvent e : events) {
                ps.setLong(1, ++seq);
                ps.setString(2, e.collection());
                ps.setString(3, e.key());
                ps.setInt(4, e.op().ordinal());
                ps.setLong(5, e.version());
                ps.setLong(6, time.getEpochSecond());
                ps.setInt(7, time.getNano());
                if (commitId == null) {
                    ps.setNull(8, Types.VARCHAR);
                } else {
                    ps.setString(8, commitId);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
        long end = last + events.size();
        try (PreparedStatement ps = c.prepareStatement(advanceSql)) {
            ps.setLong(1, end);
            ps.executeUpdate();
        }
        if (notifySql != null) {
            Dialect.execute(c, notifySql);
        }
        Instant known = oldest;
        oldest = known == null || time.isBefore(known) ? null : known;
        trim(c, end, time);
    }

    /** Drops what retention no longer keeps, always a prefix up to a sequence that becomes the floor. */
    private void trim(Connection c, long end, Instant now) throws SQLException {
        if (end - maxEvents > 0) {
            dropThrough(c, end - maxEvents);
        }
        Instant cutoff = now.minus(maxAge);
        Instant known = oldest;
        if (known != null && !known.isBefore(cutoff)) {
            return;
        }
        // Clocks of several processes need not agree, so the newest expired event bounds the prefix.
        long newestExpired;
        try (PreparedStatement ps = c.prepareStatement(trimAgeMaxSql)) {
            ps.setLong(1, cutoff.getEpochSecond());
            ps.setLong(2, cutoff.getEpochSecond());
            ps.setInt(3, cutoff.getNano());
            try (ResultSet rs = ps.executeQuery()) {
                newestExpired = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (newestExpired > 0) {
            dropThrough(c, newestExpired);
        }
        try (PreparedStatement ps = c.prepareStatement(oldestSql); ResultSet rs = ps.executeQuery()) {
            oldest = rs.next() ? Instant.ofEpochSecond(rs.getLong(1), rs.getInt(2)) : null;
        }
    }

    private void dropThrough(Connection c, long seq) throws SQLException {
        int dropped;
        try (PreparedStatement ps = c.prepareStatement(trimCountSql)) {
            ps.setLong(1, seq);
            dropped = ps.executeUpdate();
        }
        if (dropped > 0) {
            raiseFloor(c, seq);
        }
    }

    private void raiseFloor(Connection c, long floor) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(raiseFloorSql)) {
            ps.setLong(1, floor);
            ps.setLong(2, floor);
            ps.executeUpdate();
        }
    }

    /** Drops every event; {@code last} (the counter, read under the lock) becomes the floor. */
    void clear(Connection c, long last) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(clearSql)) {
            ps.executeUpdate();
        }
        raiseFloor(c, last);
        oldest = null;
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(countSql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Wakes local waiters after a commit that appended events. */
    void published() {
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private long saw(long sequence) {
        known.accumulateAndGet(sequence, Math::max);
        return sequence;
    }

    // ---- ChangeLog ----

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        return backend.read("reading the change feed", c -> {
            List<ChangeEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sinceSql)) {
                ps.setLong(1, afterSequence);
                ps.setLong(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    long expected = -1;
                    while (rs.next()) {
                        long seq = rs.getLong(1);
                        if (expected < 0) {
                            expected = Math.max(afterSequence, rs.getLong(8)) + 1;
                        }
                        if (seq < expected) {
                            continue; // at or below the floor: dropped, and its deletion not yet visible here
                        }
                        if (seq > expected) {
                            break; // a hole: an earlier commit not visible yet; a later call returns it
                        }
                        out.add(new ChangeEvent(seq, rs.getString(2), rs.getString(3), OPS[rs.getInt(4)],
                                rs.getLong(5), Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7))));
                        expected++;
                    }
                }
            }
            if (!out.isEmpty()) {
                saw(out.getLast().sequence());
            }
            return out;
        });
    }

    @Override
    public long lastSequence() {
        return backend.read("reading the change feed", c -> {
            try (PreparedStatement ps = c.prepareStatement(lastSql); ResultSet rs = ps.executeQuery()) {
                return saw(rs.next() ? rs.getLong(1) : 0L);
            }
        });
    }

    @Override
    public long knownSequence() {
        return known.get();
    }

    /** Whether {@link #since} would return at least one event now. */
    private boolean readable(long afterSequence) {
        return backend.read("reading the change feed", c -> {
            try (PreparedStatement ps = c.prepareStatement(nextSql)) {
                ps.setLong(1, afterSequence);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    long next = rs.getLong(1);
                    return !rs.wasNull() && next == Math.max(afterSequence, rs.getLong(2)) + 1;
                }
            }
        });
    }

    /**
     * Returns when the next event after {@code afterSequence} is readable, checked whenever a commit
     * through this depot signals and after a short poll interval (which is how commits by other
     * processes, and the filling of a hole, are noticed), or at the timeout. So a waiter never spins
     * while a hole fills. A backend failure propagates (subscriptions handle it).
     */
    @Override
    public void awaitAfter(long afterSequence, Duration timeout) throws InterruptedException {
        backend.listenForCommits();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long seen;
            synchronized (signal) {
                seen = generation;
            }
            if (readable(afterSequence)) {
                return;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            synchronized (signal) {
                if (generation == seen) {
                    signal.wait(Math.max(1, Math.min(pollMillis, left / 1_000_000)));
                }
            }
        }
    }

    /**
     * Under the counter lock, so a commit still in flight has ended (applied or not) before the
     * answer; the lookup reads before the floor in one statement, so "absent and floor below its
     * sequences" proves it was never applied.
     */
    @Override
    public CommitLookup lookup(String commitId) {
        return backend.write("looking up a commit", tx -> {
            tx.rollbackOnly();
            try (PreparedStatement ps = tx.conn.prepareStatement(lookupSql)) {
                ps.setString(1, commitId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long first = rs.getLong(1);
                    return new CommitLookup(rs.wasNull() ? 0 : first, rs.getLong(2), rs.getLong(3));
                }
            }
        });
    }
}
