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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The change feed table, the sequence counter beside it, and the outbox where commits leave their
 * events until the {@link Sequencer} numbers them.
 *
 * <p>A data transaction takes no shared lock: it writes its rows and inserts its events into the
 * outbox ({@link #stage}), then commits; the sequencer, under the counter lock, moves committed
 * outbox rows into the feed with the next sequences. So sequences are handed out without gaps, in
 * the order the sequencer's runs saw commits, and only for committed data. But "committed" is not
 * "visible to every new reader at once": InnoDB can show a later run's events before an earlier
 * one's (seen as 5935 → 5937). So readers never trust a hole: since the counter only advances in
 * committed transactions, a missing sequence is either a run not yet visible or an event dropped by
 * retention or a clear. The second kind is recorded as the <em>trim floor</em> (meta row {@code
 * trim}: the highest sequence ever deleted, raised in the same transaction as the delete), read in
 * the same statement as the events; {@link #since} returns only the consecutive run after
 * max(after, floor), and {@link #awaitAfter} waits until that run can grow. One code path on every
 * database; on those that never show a hole it costs a scalar subquery.
 *
 * <p>Waiters are woken by commits through this backend at once, by other processes' commits through
 * {@link PgListener} on PostgreSQL, and otherwise by polling every few milliseconds. A reader that
 * finds nothing new and events waiting in the outbox (a process died between its data commit and
 * the numbering) runs the sequencer itself, at most once per poll interval.
 *
 * <p>Retention (age and count from {@link DepotOptions}) is applied by the sequencer after it
 * numbers events. Each event stores the commit id of its transaction (null for auto-commit writes),
 * and each transaction with an id records it in the {@code commits} table in its data transaction,
 * so {@link #lookup} can settle a commit whose outcome was unknown.
 */
final class Feed implements ChangeLog {
    private static final Logger LOG = LoggerFactory.getLogger(Feed.class);
    private static final ChangeEvent.Op[] OPS = ChangeEvent.Op.values();
    /** How often waiters look for other processes' commits; PostgreSQL notifies, so it polls rarely. */
    private static final long POLL_MILLIS = 25;
    private static final long POLL_MILLIS_NOTIFIED = 500;
    /** Commit ids are kept as long as events (by age); dropped in a scan at most once a minute. */
    private static final long COMMITS_TRIM_NANOS = 60_000_000_000L;

    private final JdbcBackend backend;
    private final String meta;
    private final String changes;
    private final String lastSql;
    private final String tryLockSql;
    private final String insertSql;
    private final String advanceSql;
    private final String insertAndAdvanceSql;
    private final String stageSql;
    private final String pendingSql;
    private final String lastAndWaitingSql;
    /** Commits return before numbering ({@link Dialect#numbersAfterCommit}): reads drain the outbox first. */
    private final boolean drainsOnRead;
    private final String fenceSql;
    private final String commitsTrimSql;
    private final String fenceKindSql;
    private final String sinceSql;
    private final String nextSql;
    private final String raiseFloorSql;
    private final String trimCountSql;
    private final String trimAgeMaxSql;
    private final String oldestSql;
    private final String clearSql;
    private final String clearOutboxSql;
    private final String countSql;
    private final String lookupSql;
    private final String notifySql;
    private final boolean scriptsNotify;
    private final long pollMillis;
    private final Duration maxAge;
    private final long maxEvents;
    final Sequencer sequencer;
    /** When a reader last looked for events left in the outbox (nanoTime), see {@link #since}. */
    private volatile long lastOutboxCheck;
    /** When the commits table was last trimmed to the retention age (nanoTime). */
    private volatile long lastCommitsTrim;
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
        String floor = floor(prefix);
        this.lastSql = "SELECT val FROM " + meta + " WHERE name = 'seq'";
        this.tryLockSql = backend.dialect.tryLock() == null ? null : lastSql + backend.dialect.tryLock();
        this.insertSql = "INSERT INTO " + changes + " (seq, coll, rkey, op, ver, t, commit_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        this.advanceSql = "UPDATE " + meta + " SET val = ? WHERE name = 'seq'";
        this.stageSql = "INSERT INTO " + prefix + "outbox (s, coll, rkey, op, ver, t, commit_id, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        this.pendingSql = "SELECT MIN(id) FROM " + prefix + "outbox";
        this.lastAndWaitingSql = "SELECT val, (" + pendingSql + ") FROM " + meta + " WHERE name = 'seq'";
        this.drainsOnRead = backend.dialect.numbersAfterCommit();
        this.fenceSql = "INSERT INTO " + prefix + "commits (id, t_sec) VALUES (?, ?)";
        // A commit records its id with its time; a lookup fences an id with minus its time (never applied).
        this.commitsTrimSql = "DELETE FROM " + prefix + "commits WHERE t_sec < ? AND t_sec > ?";
        this.fenceKindSql = "SELECT t_sec FROM " + prefix + "commits WHERE id = ?";
        // The floor comes from the same statement, hence the same snapshot, as the events.
        this.sinceSql = "SELECT seq, coll, rkey, op, ver, t, " + floor + ", origin FROM " + changes
                + " WHERE seq > ? ORDER BY seq LIMIT ?";
        this.nextSql = "SELECT MIN(seq), " + floor + " FROM " + changes + " WHERE seq > ?";
        this.raiseFloorSql = "UPDATE " + meta + " SET val = ? WHERE name = 'trim' AND val < ?";
        // Bounded below by the floor (every row through it is gone): an index range from the last trim
        // up, not every dead entry below it, and never a full scan chosen for an open-ended range.
        this.trimCountSql = "DELETE FROM " + changes + " WHERE seq > " + floor + " AND seq <= ?";
        // The feed row, the counter and retention by count: every row through the new floor is gone
        // after the DELETE (a locking statement, it sees every committed row), so the floor may rise.
        this.insertAndAdvanceSql = insertSql + "; " + advanceSql + "; " + trimCountSql + "; " + raiseFloorSql;
        this.trimAgeMaxSql = "SELECT MAX(seq) FROM " + changes + " WHERE t < ?";
        this.oldestSql = "SELECT t FROM " + changes + " ORDER BY t LIMIT 1";
        this.clearSql = "DELETE FROM " + changes;
        this.clearOutboxSql = "DELETE FROM " + prefix + "outbox";
        this.countSql = "SELECT COUNT(*) FROM " + changes;
        this.lookupSql = "SELECT MIN(seq), MAX(seq), " + floor + " FROM " + changes + " WHERE commit_id = ?";
        this.notifySql = backend.dialect.notify(changes);
        this.scriptsNotify = backend.dialect.notifiesInScripts();
        this.pollMillis = notifySql == null ? POLL_MILLIS : POLL_MILLIS_NOTIFIED;
        this.maxAge = options.changeRetentionAge();
        this.maxEvents = options.changeRetentionEvents();
        this.sequencer = new Sequencer(backend, this, prefix);
    }

    /** The trim floor as a scalar subquery (rows through it are gone), for statements and scripts. */
    static String floor(String prefix) {
        return "(SELECT val FROM " + prefix + "meta WHERE name = 'trim')";
    }

    // ---- opening ----

    /**
     * Brings feed tables of an earlier version up to date, after the counter row exists: adds the
     * {@code commit_id} column and the trim floor row. The floor of a feed that has already been
     * trimmed is what it lacks: the sequence before its oldest event, or the counter when it is empty.
     */
    void init(Connection c) throws SQLException {
        backend.catalog.addFeedColumn(c, changes, "commit_id", "VARCHAR(64)");
        if (floorRow(c) == null) {
            backend.inWrite(c, true, tx -> { // under the counter lock, so concurrent openers insert it once
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

    private Long floorRow(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT val FROM " + meta + " WHERE name = 'trim'");
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    // ---- inside a data transaction ----

    /**
     * Leaves a commit's events in the outbox, tagged with its stamp (which keeps them together when
     * numbered) and {@code commitId} (may be null), with one batch.
     */
    void stage(Connection c, long stamp, List<PendingEvent> events, Instant clockTime, String commitId) throws SQLException {
        stage(c, stamp, events, clockTime, commitId, false);
    }

    /**
     * As above; with {@code commit} (one event, and {@link #commitsWithStage}) the same round trip also
     * commits, so an auto-commit write costs what a hand-written one does; a lost connection then
     * leaves the outcome unknown ({@link JdbcBackend.CommitFailed}).
     */
    void stage(Connection c, long stamp, List<PendingEvent> events, Instant clockTime, String commitId, boolean commit)
            throws SQLException {
        // Event times are instants like any other: microseconds on every backend.
        Instant time = clockTime.truncatedTo(ChronoUnit.MICROS);
        if (commit) {
            PendingEvent e = events.get(0);
            try (PreparedStatement ps = c.prepareStatement(backend.dialect.withCommit(stageSql))) {
                ps.setLong(1, stamp);
                bindEvent(backend.dialect, ps, e.collection(), e.key(), e.op().ordinal(), e.version(), time, commitId, backend.origin());
                ps.execute();
            } catch (SQLException x) {
                throw ambiguous(x);
            }
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(stageSql)) {
            for (PendingEvent e : events) {
                ps.setLong(1, stamp);
                bindEvent(backend.dialect, ps, e.collection(), e.key(), e.op().ordinal(), e.version(), time, commitId, backend.origin());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The ordinal of an operation stored by its name, as {@link #bindEvent} takes it. */
    static int op(String name) {
        return ChangeEvent.Op.valueOf(name).ordinal();
    }

    /**
     * Binds an event's columns as parameters 2..8 of the outbox or feed insert (parameter 1 is the
     * stamp or the sequence): collection, key, operation, version, time (microseconds, see
     * {@link Dialect#bindEventTime}), commit id (may be null), origin (null when empty).
     */
    static void bindEvent(Dialect d, PreparedStatement ps, String coll, String key, int op, long version, Instant time,
            String commitId, String origin) throws SQLException {
        ps.setString(2, coll);
        ps.setString(3, key);
        ps.setString(4, OPS[op].name());
        ps.setLong(5, version);
        d.bindEventTime(ps, 6, time);
        if (commitId == null) {
            ps.setNull(7, Types.VARCHAR);
        } else {
            ps.setString(7, commitId);
        }
        if (origin == null || origin.isEmpty()) {
            ps.setNull(8, Types.VARCHAR);
        } else {
            ps.setString(8, origin);
        }
    }

    /**
     * The fast path of a commit with no other commit numbering at this moment: takes the counter lock
     * if it is free (never waiting for it, so no writer waits for another) and returns the counter,
     * or null if another transaction holds it (or the database has no such lock). The caller then
     * numbers its events itself, in its own transaction, like a sequencer run would: one transaction
     * per commit instead of two, holding the counter only for its last statements and COMMIT.
     */
    Long tryLockCounter(Connection c) throws SQLException {
        if (tryLockSql == null) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(tryLockSql); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? saw(rs.getLong(1)) : null;
        }
    }

    /** Whether {@link #stage} can carry the COMMIT in its round trip (several statements in one execute). */
    boolean commitsWithStage() {
        return backend.dialect.multiStatementsAlways() || backend.multiStatements();
    }

    /**
     * Whether the numbering statements of a commit that numbers its own events may end with its
     * COMMIT, in the same round trip: only where the statements can be sent together (PostgreSQL's
     * script, MariaDB with multi-queries) and when no time-driven trim is due, since trimming runs
     * statements after the numbering, in its transaction. Retention by count is done by the numbering
     * statements themselves (see {@link Sequencer} and {@link #appendNumbered}).
     */
    boolean mayCommitWithLastStatement() {
        if (!commitsWithStage()) {
            return false;
        }
        long tick = System.nanoTime();
        if (lastCommitsTrim == 0 || tick - lastCommitsTrim > COMMITS_TRIM_NANOS) {
            return false;
        }
        Instant known = oldest;
        return known != null && !known.isBefore(backend.options.clock().instant().minus(maxAge));
    }

    /**
     * After a dialect script numbered events {@code locked+1..end} and applied retention by count to
     * the rows older than itself: drops the rest (only when one numbering exceeds maxEvents), then
     * the time-driven trims, in the transaction; or, if the script also committed, right after it in
     * a short transaction of its own.
     */
    void afterScript(Connection c, long locked, long end, long oldestSecond, boolean committed) throws SQLException {
        if (committed) {
            noteNumbered(oldestSecond);
            if (end - maxEvents > locked) {
                trimUnderLock(c);
            }
            return;
        }
        if (end - maxEvents > locked) {
            dropThrough(c, end - maxEvents);
        }
        afterNumbering(c, end, oldestSecond, true, true);
    }

    /** A failure of a statement that carried COMMIT: unknown outcome unless the server refused it. */
    private SQLException ambiguous(SQLException e) {
        Dialect.Failure f = backend.dialect.classify(e);
        return f == Dialect.Failure.UNAVAILABLE || f == Dialect.Failure.TIMEOUT || f == Dialect.Failure.FULL
                ? new JdbcBackend.CommitFailed(e) : e;
    }

    /**
     * After a commit that ended with its numbering: applies retention in a short transaction of its
     * own under the counter lock, like a sequencer run, on {@code c} (its data transaction has
     * committed; the caller still ends the write). Never throws: the commit has happened, and the next
     * numbering trims what this one could not.
     */
    private void trimUnderLock(Connection c) {
        Dialect d = backend.dialect;
        try {
            d.beginWrite(c);
            try (PreparedStatement ps = c.prepareStatement(lastSql + d.forUpdate()); ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    trim(c, rs.getLong(1), backend.options.clock().instant());
                }
            }
            d.commit(c);
        } catch (SQLException e) {
            try {
                d.rollback(c);
            } catch (SQLException ignored) {
                // a broken connection rolls back by itself
            }
            LOG.warn("trimming the change feed after a commit failed (SQLSTATE {}); the next numbering trims it",
                    Dialect.sqlState(e), e);
        }
    }

    /**
     * Under the counter lock: appends events numbered {@code last+1...} to the feed, moves the counter,
     * notifies and trims. Returns the new counter.
     */
    long appendNumbered(Connection c, long last, List<PendingEvent> events, Instant clockTime, String commitId, boolean commit)
            throws SQLException {
        Instant time = clockTime.truncatedTo(ChronoUnit.MICROS);
        long seq = last;
        if (events.size() == 1 && backend.multiStatements()) { // MariaDB
            // One round trip for the feed row, the counter and (with commit) COMMIT; parameter 9 is the
            // counter, 10 to 12 what retention by count drops (nothing when negative).
            PendingEvent e = events.get(0);
            try (PreparedStatement ps = c.prepareStatement(commit ? backend.dialect.withCommit(insertAndAdvanceSql) : insertAndAdvanceSql)) {
                ps.setLong(1, ++seq);
                bindEvent(backend.dialect, ps, e.collection(), e.key(), e.op().ordinal(), e.version(), time, commitId, backend.origin());
                ps.setLong(9, seq);
                ps.setLong(10, seq - maxEvents);
                ps.setLong(11, seq - maxEvents);
                ps.setLong(12, seq - maxEvents);
                try {
                    ps.execute();
                } catch (SQLException x) {
                    throw commit ? ambiguous(x) : x;
                }
            }
            if (commit) {
                noteNumbered(time.getEpochSecond());
            } else {
                afterNumbering(c, seq, time.getEpochSecond(), false, true);
            }
            return seq;
        }
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (PendingEvent e : events) {
                ps.setLong(1, ++seq);
                bindEvent(backend.dialect, ps, e.collection(), e.key(), e.op().ordinal(), e.version(), time, commitId, backend.origin());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement(advanceSql)) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        }
        afterNumbering(c, seq, time.getEpochSecond(), false);
        return seq;
    }

    /**
     * Records a transaction's commit id in its data transaction: the row is what {@link #lookup}
     * fences against. Fails with SQLSTATE 40001 (a conflict: nothing applied) if a lookup already
     * fenced the id, which it did only because this commit had not begun.
     */
    void recordCommit(Connection c, String commitId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(fenceSql)) {
            ps.setString(1, commitId);
            ps.setLong(2, backend.options.clock().instant().getEpochSecond());
            ps.executeUpdate();
        } catch (SQLException e) {
            if (backend.dialect.classify(e) == Dialect.Failure.UNIQUE) {
                throw new Fenced(commitId, e);
            }
            throw e;
        }
    }

    /** A lookup settled the commit as not committed before it began: it must not apply (a conflict). */
    static final class Fenced extends SQLException {
        Fenced(String commitId, SQLException cause) {
            super("commit " + commitId + " was already settled as not committed by a lookup", "40001", cause);
        }
    }

    // ---- in a sequencer run, under the counter lock ----

    /**
     * After a run numbered events through {@code end} (the oldest of them from {@code oldestSecond}):
     * wakes other processes' waiters (unless {@code byScript} and the dialect's script already did)
     * and trims to retention.
     */
    void afterNumbering(Connection c, long end, long oldestSecond, boolean byScript) throws SQLException {
        afterNumbering(c, end, oldestSecond, byScript, false);
    }

    /** As above; {@code countTrimmed}: the numbering statements already applied retention by count. */
    private void afterNumbering(Connection c, long end, long oldestSecond, boolean byScript, boolean countTrimmed) throws SQLException {
        if (notifySql != null && !(byScript && scriptsNotify)) {
            Dialect.execute(c, notifySql);
        }
        noteNumbered(oldestSecond);
        trim(c, end, backend.options.clock().instant(), !countTrimmed);
    }

    /**
     * Under the counter lock the caller holds ({@code end} is the counter), in a run that numbered
     * nothing: applies retention by time if an event this process knows the feed holds has expired
     * since it was numbered (runs trim when they number; without new commits nothing else would).
     */
    void trimExpired(Connection c, long end) throws SQLException {
        if (expiredEventsKnown()) {
            trim(c, end, backend.options.clock().instant(), false);
        }
    }

    /**
     * Whether the oldest event this process knows the feed holds is older than the retention now: a
     * run that decided on an earlier clock (PostgreSQL's script decides before it reads the outbox)
     * or the clock moving on without commits leaves it there. In memory; stale only on the safe side
     * (another process may have trimmed it already).
     */
    private boolean expiredEventsKnown() {
        Instant known = oldest;
        return known != null && known.isBefore(backend.options.clock().instant().minus(maxAge));
    }

    /** Events from {@code oldestSecond} were numbered: the oldest retained event is known no longer if older. */
    private void noteNumbered(long oldestSecond) {
        Instant known = oldest;
        oldest = known == null || oldestSecond < known.getEpochSecond() ? null : known;
    }

    /** Drops what retention no longer keeps, always a prefix up to a sequence that becomes the floor. */
    void trim(Connection c, long end, Instant now) throws SQLException {
        trim(c, end, now, true);
    }

    /** As {@link #trim(Connection, long, Instant)}; without {@code byCount} when the numbering statements did that part. */
    private void trim(Connection c, long end, Instant now, boolean byCount) throws SQLException {
        if (byCount && end - maxEvents > 0) {
            dropThrough(c, end - maxEvents);
        }
        Instant cutoff = now.minus(maxAge);
        long tick = System.nanoTime();
        if (tick - lastCommitsTrim > COMMITS_TRIM_NANOS || lastCommitsTrim == 0) {
            lastCommitsTrim = tick;
            try (PreparedStatement ps = c.prepareStatement(commitsTrimSql)) {
                ps.setLong(1, cutoff.getEpochSecond());
                ps.setLong(2, -cutoff.getEpochSecond());
                ps.executeUpdate();
            }
        }
        Instant known = oldest;
        if (known != null && !known.isBefore(cutoff)) {
            return;
        }
        // Clocks of several processes need not agree, so the newest expired event bounds the prefix.
        long newestExpired;
        try (PreparedStatement ps = c.prepareStatement(trimAgeMaxSql)) {
            // Event times are whole microseconds: t < cutoff is t < the cutoff rounded up to one.
            Instant bound = cutoff.truncatedTo(ChronoUnit.MICROS);
            backend.dialect.bindEventTime(ps, 1, bound.equals(cutoff) ? bound : bound.plusNanos(1_000));
            try (ResultSet rs = ps.executeQuery()) {
                newestExpired = rs.next() ? rs.getLong(1) : 0;
            }
        }
        if (newestExpired > 0) {
            dropThrough(c, newestExpired);
        }
        try (PreparedStatement ps = c.prepareStatement(oldestSql); ResultSet rs = ps.executeQuery()) {
            oldest = rs.next() ? backend.dialect.readEventTime(rs, 1) : null;
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

    /**
     * Drops every event; {@code last} is the counter, read under the lock. Events of commits that
     * returned before (still in the outbox where commits do not wait for numbering) are numbered
     * first, so the new floor covers them: a commit outcome asked for later says their events may
     * have been dropped, never that they did not commit. Outbox rows of commits that end after this
     * move stay and are numbered above the floor. Returns the sequence the clear took, for {@link
     * #saw} once it committed: a transaction begun later must know a sequence at least the floor.
     */
    long clear(Connection c, long last) throws SQLException {
        // depot.clear() takes one sequence of its own, which no event has and the floor covers: the
        // memory engine needs one for the deletions it keeps for open snapshots, and every backend
        // answers lastSequence() alike.
        long end = sequencer.moveCommitted(c, last).end() + 1;
        try (PreparedStatement ps = c.prepareStatement(advanceSql)) {
            ps.setLong(1, end);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement(clearSql)) {
            ps.executeUpdate();
        }
        if (!drainsOnRead) {
            Dialect.execute(c, clearOutboxSql);
        }
        raiseFloor(c, end);
        oldest = null;
        return end;
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

    long saw(long sequence) {
        known.accumulateAndGet(sequence, Math::max);
        return sequence;
    }

    // ---- ChangeLog ----

    /**
     * The consecutive run of events after {@code afterSequence}. When there is none and events wait in
     * the outbox (checked at most once per poll interval), they are numbered first.
     */
    @Override
    public List<ChangeEvent> since(long afterSequence, int limit) {
        if (drainsOnRead) {
            // Commits return before their events are numbered: a read first numbers what is waiting,
            // so it returns every event of every commit that returned before it began, in any process.
            // (Checking after reading would race a run that commits in between: its events unread,
            // the outbox already empty.)
            catchUp();
            return read(afterSequence, limit);
        }
        catchUp();
        List<ChangeEvent> out = read(afterSequence, limit);
        if (out.isEmpty() && outboxWaiting()) {
            drain();
            out = read(afterSequence, limit);
        }
        return out;
    }

    /**
     * Before a read: drops events this process knows to be past the retention (as memory does), and,
     * where commits do not wait for numbering, numbers the events waiting in the outbox, so that what
     * is read next includes every commit that returned before this call. True if a run was needed.
     */
    boolean catchUp() {
        if (!expiredEventsKnown() && !(drainsOnRead && outboxNonEmpty())) {
            return false;
        }
        drain();
        return true;
    }

    /** Whether committed events wait in the outbox now (one indexed probe). */
    private boolean outboxNonEmpty() {
        return backend.read("reading the change feed", c -> {
            try (PreparedStatement ps = c.prepareStatement(pendingSql); ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null;
            }
        });
    }

    /** Whether committed events wait to be numbered; asks the database at most once per poll interval. */
    private boolean outboxWaiting() {
        long now = System.nanoTime();
        if (now - lastOutboxCheck < POLL_MILLIS * 1_000_000L) {
            return false;
        }
        lastOutboxCheck = now;
        return backend.read("reading the change feed", c -> {
            try (PreparedStatement ps = c.prepareStatement(pendingSql); ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getObject(1) != null;
            }
        });
    }

    /**
     * Numbers what waits in the outbox, or throws: a read must not go on without it. A run that lost a
     * race (a deadlock; nothing of it applied) is run again, a few times, before that counts.
     */
    private void drain() {
        for (int attempt = 1; ; attempt++) {
            try {
                sequencer.drain();
                return;
            } catch (SQLException e) {
                Dialect.Failure f = backend.dialect.classify(e);
                if (attempt >= 3 || f != Dialect.Failure.CONFLICT && f != Dialect.Failure.UNIQUE) {
                    throw backend.failures.map(e, "numbering committed change events");
                }
            }
        }
    }

    private List<ChangeEvent> read(long afterSequence, int limit) {
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
                            expected = Math.max(afterSequence, rs.getLong(7)) + 1;
                        }
                        if (seq < expected) {
                            continue; // at or below the floor: dropped, and its deletion not yet visible here
                        }
                        if (seq > expected) {
                            break; // a hole: an earlier commit not visible yet; a later call returns it
                        }
                        String origin = rs.getString(8);
                        out.add(new ChangeEvent(seq, rs.getString(2), rs.getString(3), ChangeEvent.Op.valueOf(rs.getString(4)),
                                rs.getLong(5), backend.dialect.readEventTime(rs, 6), origin == null ? "" : origin));
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
        if (drainsOnRead) {
            // The counter and whether events wait in the outbox, from one statement; if some wait, number them first.
            long last = backend.read("reading the change feed", c -> {
                try (PreparedStatement ps = c.prepareStatement(lastAndWaitingSql); ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return 0L;
                    }
                    long val = rs.getLong(1);
                    return rs.getObject(2) != null ? -1L : saw(val);
                }
            });
            if (last >= 0) {
                return last;
            }
            drain();
        }
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

    private boolean drained(long afterSequence) {
        drain();
        return readable(afterSequence);
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
            if (readable(afterSequence) || outboxWaiting() && drained(afterSequence)) {
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
     * Settles the commit first: inserts its id into the commits table as a fence, in a transaction of
     * its own. If the commit is in flight, its data transaction holds that id, and the insert waits
     * for it to end. A duplicate then means it was applied: the sequencer is drained so its events
     * have their sequences. Success means it was never applied, and now never can be (its own insert
     * of the id would fail). Events are then looked up by id (also those of commits by earlier
     * versions, which recorded no id); the floor is read in the same statement, so "absent and floor
     * below its sequences" proves it was never applied.
     */
    @Override
    public CommitLookup lookup(String commitId) {
        boolean applied = fence(commitId) && appliedByItsCommit(commitId);
        if (applied) {
            drain();
        }
        return backend.read("looking up a commit", c -> {
            try (PreparedStatement ps = c.prepareStatement(lookupSql)) {
                ps.setString(1, commitId);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    long first = rs.getLong(1);
                    return new CommitLookup(rs.wasNull() ? 0 : first, rs.getLong(2), rs.getLong(3), applied);
                }
            }
        });
    }

    /**
     * Whether the id's row was written by its commit (its time, not negative) rather than by an
     * earlier lookup's fence (minus its time): a commit of queue operations only has no events to
     * show it was applied, and a second lookup of a fenced id must not take the fence for a commit.
     */
    private boolean appliedByItsCommit(String commitId) {
        return backend.read("looking up a commit", c -> {
            try (PreparedStatement ps = c.prepareStatement(fenceKindSql)) {
                ps.setString(1, commitId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getLong(1) >= 0;
                }
            }
        });
    }

    /**
     * Inserts the fence; true if the id was already there (applied by its commit, or fenced by a lookup
     * before). On a pooled connection that turns out dead it runs once more on a fresh one, as a read
     * does ({@link JdbcBackend#read}): safe even if the first insert committed and only its answer was
     * lost, since the second then finds the fence, which {@link #appliedByItsCommit} tells from a commit.
     */
    private boolean fence(String commitId) {
        return backend.read("looking up a commit", c -> fence(c, commitId));
    }

    private boolean fence(Connection c, String commitId) throws SQLException {
        Dialect d = backend.dialect;
        d.beginWrite(c);
        boolean ended = false;
        try (PreparedStatement ps = c.prepareStatement(fenceSql)) {
            ps.setString(1, commitId);
            ps.setLong(2, -backend.options.clock().instant().getEpochSecond());
            ps.executeUpdate();
            d.commit(c);
            ended = true;
            return false;
        } catch (SQLException e) {
            if (d.classify(e) == Dialect.Failure.UNIQUE) {
                return true;
            }
            throw e;
        } finally {
            if (!ended) {
                try {
                    d.rollback(c);
                } catch (SQLException e) {
                    // a broken connection rolls back by itself; the first failure is the one to report
                }
            }
            Sequencer.endWrite(d, c);
        }
    }
}
