package dev.depot.jdbc;

import dev.depot.ChangeEvent;
import dev.depot.DepotOptions;
import dev.depot.spi.ChangeLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The change feed table and the sequence counter beside it.
 *
 * <p>Why sequence order equals visibility order: every write transaction first locks the counter
 * row ({@link #lock}) and holds that lock until it commits; it numbers its events from the counter,
 * stores the new counter value and commits. The next writer can read the counter only after that
 * commit, so sequences are handed out in commit order and the counter never runs ahead of what
 * readers can see. A reader resuming from its last sequence therefore never misses an event.
 *
 * <p>Waiters are woken by commits through this backend at once, by other processes' commits through
 * {@link PgListener} on PostgreSQL, and otherwise by polling every few milliseconds.
 *
 * <p>Retention (age and count from {@link DepotOptions}) is applied when events are appended, as
 * memory does.
 */
final class Feed implements ChangeLog {
    private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();
    /** How often waiters look for other processes' commits; PostgreSQL notifies, so it polls rarely. */
    private static final long POLL_MILLIS = 25;
    private static final long POLL_MILLIS_NOTIFIED = 500;

    private final JdbcBackend backend;
    private final String lockSql;
    private final String advanceSql;
    private final String lastSql;
    private final String insertSql;
    private final String sinceSql;
    private final String trimCountSql;
    private final String trimAgeSql;
    private final String oldestSql;
    private final String clearSql;
    private final String countSql;
    private final String notifySql;
    private final long pollMillis;
    private final Duration maxAge;
    private final long maxEvents;
    private final Object signal = new Object();
    private long generation;
    /** Oldest retained event time this process knows of; null when unknown. */
    private volatile Instant oldest;

    Feed(JdbcBackend backend, String prefix, DepotOptions options) {
        this.backend = backend;
        String meta = prefix + "meta";
        String changes = prefix + "changes";
        this.lockSql = "SELECT val FROM " + meta + " WHERE name = 'seq'" + backend.dialect.forUpdate();
        this.advanceSql = "UPDATE " + meta + " SET val = ? WHERE name = 'seq'";
        this.lastSql = "SELECT val FROM " + meta + " WHERE name = 'seq'";
        this.insertSql = "INSERT INTO " + changes + " (seq, coll, rkey, op, ver, t_sec, t_nano) VALUES (?, ?, ?, ?, ?, ?, ?)";
        this.sinceSql = "SELECT seq, coll, rkey, op, ver, t_sec, t_nano FROM " + changes + " WHERE seq > ? ORDER BY seq LIMIT ?";
        this.trimCountSql = "DELETE FROM " + changes + " WHERE seq <= ?";
        this.trimAgeSql = "DELETE FROM " + changes + " WHERE t_sec < ? OR (t_sec = ? AND t_nano < ?)";
        this.oldestSql = "SELECT t_sec, t_nano FROM " + changes + " ORDER BY t_sec, t_nano LIMIT 1";
        this.clearSql = "DELETE FROM " + changes;
        this.countSql = "SELECT COUNT(*) FROM " + changes;
        this.notifySql = backend.dialect.notify(changes);
        this.pollMillis = notifySql == null ? POLL_MILLIS : POLL_MILLIS_NOTIFIED;
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
    }

    // ---- inside a write transaction ----

    /** Takes the feed lock (held until the transaction ends) and returns the current counter. */
    long lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(lockSql); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("the depot's sequence row is missing", "55000");
            }
            return rs.getLong(1);
        }
    }

    /** Appends events numbered {@code last+1...}, moves the counter, trims to retention. */
    void append(Connection c, long last, List<PendingEvent> events, Instant clockTime) throws SQLException {
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

    private void trim(Connection c, long end, Instant now) throws SQLException {
        if (end - maxEvents > 0) {
            try (PreparedStatement ps = c.prepareStatement(trimCountSql)) {
                ps.setLong(1, end - maxEvents);
                ps.executeUpdate();
            }
        }
        Instant cutoff = now.minus(maxAge);
        Instant known = oldest;
        if (known != null && !known.isBefore(cutoff)) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(trimAgeSql)) {
            ps.setLong(1, cutoff.getEpochSecond());
            ps.setLong(2, cutoff.getEpochSecond());
            ps.setInt(3, cutoff.getNano());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(oldestSql); ResultSet rs = ps.executeQuery()) {
            oldest = rs.next() ? Instant.ofEpochSecond(rs.getLong(1), rs.getInt(2)) : null;
        }
    }

    void clear(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(clearSql)) {
            ps.executeUpdate();
        }
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

    // ---- ChangeLog ----

    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        return backend.read("reading the change feed", c -> {
            List<ChangeEvent> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sinceSql)) {
                ps.setLong(1, afterSequence);
                ps.setLong(2, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ChangeEvent(rs.getLong(1), rs.getString(2), rs.getString(3), OPS[rs.getInt(4)],
                                rs.getLong(5), Instant.ofEpochSecond(rs.getLong(6), rs.getInt(7))));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public long lastSequence() {
        return backend.read("reading the change feed", c -> {
            try (PreparedStatement ps = c.prepareStatement(lastSql); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /**
     * Returns when a commit through this depot signals, or after a short poll interval (which is how
     * commits by other processes are noticed), or at the timeout.
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
            if (lastSequence() > afterSequence) {
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
}
