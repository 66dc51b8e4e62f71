package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Numbers committed events: the one place sequences are handed out. Data transactions commit their
 * events into the outbox table without any shared lock; a sequencer run is one short transaction that
 * locks the counter row, then, in a new statement (so it sees every commit that ended while it
 * waited), reads all committed outbox rows (where that read skips locked rows, only up to the first
 * commit it did not read whole, see {@link WholeCommits}), inserts them into the feed numbered counter+1..n in
 * commit order — commits ordered by their first outbox id, each commit's events together (they share
 * its stamp) in id order — deletes exactly
 * those rows, advances the counter, trims to retention and commits. Runs of all processes serialize on
 * the counter row; sequences are therefore gap-free, never repeated, and an event becomes readable
 * only after its commit's data (the run started after that commit).
 *
 * <p>Group commit: after its data commit a committer calls {@link #settle}, which returns once a run
 * that <em>started after the call</em> has ended, running one itself if none is running; so concurrent
 * committers share runs, and a commit's events are in the feed when its commit call returns. A run
 * that fails leaves the rows in the outbox for the next run (any committer's, or a reader's through
 * {@link #drain}); the commit that triggered it has happened and is not failed for it. Thread-safe.
 */
final class Sequencer {
    private static final Logger LOG = LoggerFactory.getLogger(Sequencer.class);

    private final JdbcBackend backend;
    private final Feed feed;
    private final String lockSql;
    private final String pendingSql;
    private final String insertSql;
    private final String advanceSql;
    private final String script;
    private final String outbox;
    /** Non-null where the outbox read skips locked rows: bounds each run to whole commits. */
    private final WholeCommits whole;
    private final ConcurrentHashMap<Integer, String> deleteIn = new ConcurrentHashMap<>();
    private final Object runs = new Object();
    private static final long PAUSE_MILLIS = 10;
    private static final long STOP_MILLIS = 5_000;
    /** Test seam: no background runs while set (see CommitRoundTripTest). */
    static volatile boolean held;
    private final Object wake = new Object();
    private boolean wanted;
    private boolean stopped;
    private Thread worker;
    /** Runs started and ended in this process, counted; at most one runs at a time. */
    private long started;
    private long ended;
    private boolean running;
    /** How the run that ended last ({@link #ended}) failed, or null. */
    private Exception lastFailure;

    Sequencer(JdbcBackend backend, Feed feed, String prefix) {
        this.backend = backend;
        this.feed = feed;
        String meta = prefix + "meta";
        this.outbox = prefix + "outbox";
        this.lockSql = "SELECT val FROM " + meta + " WHERE name = 'seq'" + backend.dialect.forUpdate();
        this.pendingSql = "SELECT id, coll, rkey, op, ver, t, commit_id, s, origin FROM " + outbox + " ORDER BY id"
                + backend.dialect.outboxRead();
        this.insertSql = "INSERT INTO " + prefix + "changes (seq, coll, rkey, op, ver, t, commit_id, origin) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        this.advanceSql = "UPDATE " + meta + " SET val = ? WHERE name = 'seq'";
        this.script = backend.dialect.sequencerScript(prefix, backend.options.changeRetentionEvents());
        this.whole = backend.dialect.outboxReadSkipsLocked() ? new WholeCommits(outbox) : null;
    }

    /**
     * Returns once a sequencer run that started after this call has ended (successfully or not),
     * running it on {@code c} (in auto-commit, no transaction open) if no run is under way. A failed
     * run is logged, never thrown: what called it has already committed.
     */
    void settle(Connection c) {
        Exception failed = runAfterCall(c);
        if (failed != null && !(failed instanceof Interrupted)) {
            LOG.warn("numbering committed change events failed (SQLSTATE {}); the next commit or feed read numbers them",
                    Dialect.sqlState(failed instanceof SQLException s ? s : new SQLException(failed)), failed);
        }
    }

    /**
     * As {@link #settle}, and returns the failure of the run it waited for (its own or another
     * thread's), or null: what a feed read needs, since a read after a failed run would silently
     * leave out commits that returned before it.
     */
    private Exception runAfterCall(Connection c) {
        long mine;
        synchronized (runs) {
            long need = started + 1;
            while (true) {
                if (ended >= need) {
                    return lastFailure;
                }
                if (!running) {
                    running = true;
                    mine = ++started;
                    break;
                }
                try {
                    runs.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new Interrupted(e); // the run under way or a later one numbers the events
                }
            }
        }
        Exception failed = null;
        try {
            run(c);
        } catch (SQLException | RuntimeException e) {
            failed = e;
        } finally {
            synchronized (runs) {
                running = false;
                ended = mine;
                lastFailure = failed;
                runs.notifyAll();
            }
        }
        return failed;
    }

    /** The caller was interrupted while a run was under way: its numbering is not known to be done. */
    private static final class Interrupted extends SQLException {
        Interrupted(InterruptedException e) {
            super("interrupted while waiting for the numbering of committed change events", e);
        }
    }

    /**
     * Asks for a run soon, off the caller's thread (where commits do not wait for numbering, {@link
     * Dialect#numbersAfterCommit}): one background virtual thread runs them, at most one every {@value
     * #PAUSE_MILLIS} ms, so the commits of that interval share one run (and one NOTIFY). Feed reads
     * do not depend on it: they number what waits before they read. Never blocks.
     */
    void poke() {
        if (held) {
            return; // a test counts the commit path alone; readers still number on demand
        }
        synchronized (wake) {
            if (stopped) {
                return;
            }
            wanted = true;
            if (worker == null) {
                worker = Thread.ofVirtual().name("depot-sequencer").start(this::background);
            }
            wake.notifyAll();
        }
    }

    /**
     * Ends the background runs (the depot closes): waits for one under way, then numbers what this
     * depot's commits left, so its events are in the feed table once it is closed.
     */
    void stop() {
        Thread w;
        synchronized (wake) {
            stopped = true;
            wake.notifyAll();
            w = worker;
        }
        if (w != null) {
            try {
                w.join(STOP_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                drain(); // what this depot's last commits left: numbered before its pool closes
            } catch (SQLException | RuntimeException e) {
                LOG.debug("numbering at close failed; the next feed read of any process numbers the events", e);
            }
        }
    }

    private void background() {
        while (true) {
            synchronized (wake) {
                while (!wanted && !stopped) {
                    try {
                        wake.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                wanted = false;
            }
            try {
                drain();
            } catch (SQLException | RuntimeException e) {
                LOG.debug("a background numbering run failed; the next run or feed read numbers the events", e);
            }
            try {
                Thread.sleep(PAUSE_MILLIS); // commits of the pause share the next run
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Numbers whatever is committed in the outbox now, on a pooled connection (feed readers, lookups),
     * and throws if that numbering failed: the reader must not go on as if every commit that returned
     * before it were in the feed. A run that met a dead connection (killed while idle, the server
     * restarted) runs once more on a fresh one, as a read does: a run numbers whatever is committed in
     * the outbox when it runs, so one more is safe even after a run whose COMMIT was lost.
     */
    void drain() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            Exception failed;
            try (Connection c = backend.connection()) { // none within poolTimeout: not retried, as for reads
                failed = runAfterCall(c);
            }
            if (failed == null) {
                return;
            }
            if (attempt == 1 && failed instanceof SQLException e && backend.lostConnection(e)) {
                continue;
            }
            if (failed instanceof SQLException e) {
                throw e;
            }
            throw (RuntimeException) failed;
        }
    }

    /**
     * What {@link #moveCommitted} numbered: how many events, the new counter, the oldest event's
     * second; and how many committed rows it left for the next run ({@link WholeCommits}).
     */
    record Moved(int count, long end, long oldestSecond, int deferred) {}

    /** At most this many passes of one run wait out commits releasing their locks (see below). */
    private static final int MAX_PASSES = 100;

    /**
     * Under the counter lock ({@code last} is the counter): numbers every committed outbox row into the
     * feed and deletes exactly those rows; returns what it moved. The order is commit order: a
     * commit's outbox ids are taken after it locked its keys, so a later writer of the same key, or
     * one that read this commit's data, has only higher ids; commits are ordered by their first id
     * and keep their events together (they share the commit's stamp). Stamps alone do not order
     * commits: a process takes them from its reserved block before it waits for row locks.
     *
     * <p>Where the read skips locked rows, a pass stops before the first commit it did not read whole
     * ({@link WholeCommits}), and the run reads again until every commit the first pass saw is
     * numbered (a commit that returned before the run began is among them: reads of the feed that
     * drain first still see it); commits that arrive meanwhile may be left for the next run.
     */
    Moved moveCommitted(Connection c, long last) throws SQLException {
        Pass p = pass(c, last);
        int count = p.count();
        long oldest = p.oldestSecond();
        long horizon = p.bound().highest();
        for (int n = 1; p.bound().cut() <= horizon && n < MAX_PASSES; n++) {
            if (n > 3) {
                pause(); // a commit releasing its locks lost its core: let it finish
            }
            p = pass(c, p.end());
            count += p.count();
            oldest = Math.min(oldest, p.oldestSecond());
        }
        return new Moved(count, p.end(), count == 0 ? 0 : oldest, p.deferred());
    }

    private static void pause() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the run goes on; its caller sees the flag
        }
    }

    private record Pass(int count, long end, long oldestSecond, int deferred, WholeCommits.Bound bound) {}

    private static final WholeCommits.Bound ALL = new WholeCommits.Bound(Long.MAX_VALUE, -1);

    /** One read of the outbox and the numbering of what it may number. */
    private Pass pass(Connection c, long last) throws SQLException {
        List<Staged> read = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(pendingSql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                read.add(new Staged(rs.getLong(1), rs.getLong(8), rs.getString(2), rs.getString(3), Feed.op(rs.getString(4)),
                        rs.getLong(5), backend.dialect.readEventTime(rs, 6), rs.getString(7), rs.getString(9))); // in id order
            }
        }
        WholeCommits.Bound bound = whole == null || read.isEmpty() ? ALL
                : whole.cut(c, read.stream().mapToLong(Staged::id).toArray(), read.stream().mapToLong(Staged::stamp).toArray());
        java.util.LinkedHashMap<Long, List<Staged>> commits = new java.util.LinkedHashMap<>(); // by first id
        for (Staged r : read) {
            commits.computeIfAbsent(r.stamp(), k -> new ArrayList<>()).add(r);
        }
        List<Staged> all = new ArrayList<>(read.size());
        long oldest = Long.MAX_VALUE;
        for (List<Staged> commit : commits.values()) {
            if (commit.get(0).id() >= bound.cut()) {
                break; // it and every later commit wait for the next pass or run
            }
            for (Staged r : commit) {
                all.add(r);
                oldest = Math.min(oldest, r.time().getEpochSecond());
            }
        }
        int deferred = read.size() - all.size();
        if (all.isEmpty()) {
            return new Pass(0, last, Long.MAX_VALUE, deferred, bound);
        }
        long seq = last;
        try (PreparedStatement ps = c.prepareStatement(insertSql)) {
            for (Staged r : all) {
                ps.setLong(1, ++seq);
                Feed.bindEvent(backend.dialect, ps, r.coll(), r.key(), r.op(), r.version(), r.time(), r.commitId(), r.origin());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        deleteMoved(c, all);
        try (PreparedStatement ps = c.prepareStatement(advanceSql)) {
            ps.setLong(1, seq);
            ps.executeUpdate();
        }
        return new Pass(all.size(), seq, oldest, deferred, bound);
    }

    private record Staged(long id, long stamp, String coll, String key, int op, long version, java.time.Instant time, String commitId,
            String origin) {}

    private void run(Connection c) throws SQLException {
        Dialect d = backend.dialect;
        d.beginWrite(c);
        boolean done = false;
        try {
            if (script != null) {
                runScript(c);
                done = true;
                return;
            }
            long last;
            try (PreparedStatement ps = c.prepareStatement(lockSql); ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the depot's sequence row is missing", "55000");
                }
                last = rs.getLong(1);
            }
            Moved moved = moveCommitted(c, last);
            if (moved.deferred() > 0) {
                poke(); // commits it did not read whole: the next run numbers them, even if nothing else commits
            }
            if (moved.count() == 0) {
                feed.trimExpired(c, last);
                d.commit(c);
                done = true;
                feed.saw(last);
                return;
            }
            long seq = moved.end();
            feed.afterNumbering(c, seq, moved.oldestSecond(), false);
            d.commit(c);
            done = true;
            feed.saw(last); // what it read, as a reader would: commit ids made from it stay conservative
            feed.published();
        } finally {
            if (!done) {
                try {
                    d.rollback(c);
                } catch (SQLException e) {
                    // a broken connection rolls back by itself
                }
            }
            endWrite(d, c);
        }
    }

    /**
     * The run as the dialect's one-round-trip script (lock, then move everything committed in one
     * statement: one snapshot, so exactly the rows it numbers are deleted, and apply retention by
     * count), then the time-driven trims and COMMIT, or with COMMIT in the script when none is due.
     */
    private void runScript(Connection c) throws SQLException {
        long end;
        long count;
        long oldest;
        long last = -1;
        // COMMIT in the same round trip unless a time-driven trim is due (its statements follow the numbering).
        boolean commit = feed.mayCommitWithLastStatement();
        try (Statement st = c.createStatement()) {
            st.execute(commit ? backend.dialect.withCommit(script) : script);
            ResultSet moved = null;
            while (true) {
                ResultSet rs = st.getResultSet();
                if (rs != null) {
                    if (last < 0) {
                        try (rs) {
                            if (!rs.next()) {
                                throw new SQLException("the depot's sequence row is missing", "55000");
                            }
                            last = rs.getLong(1);
                        }
                    } else {
                        moved = rs;
                        break;
                    }
                } else if (st.getUpdateCount() == -1) {
                    break;
                }
                st.getMoreResults();
            }
            if (moved == null) {
                throw new SQLException("the sequencer script returned no counter", "55000");
            }
            try (ResultSet r = moved) {
                r.next();
                end = r.getLong(1);
                count = r.getLong(2);
                oldest = r.getLong(3);
            }
            feed.saw(last);
        }
        if (count > 0) {
            feed.afterScript(c, last, end, oldest, commit);
        } else if (!commit) {
            // A run that decided on an earlier clock may have numbered newer events with COMMIT in
            // its script and trimmed nothing.
            feed.trimExpired(c, end);
        }
        if (!commit) {
            backend.dialect.commit(c);
        }
        if (count > 0) {
            feed.published();
        }
    }

    /** Deletes exactly the rows moved (never others committed meanwhile), with padded IN lists. */
    private void deleteMoved(Connection c, List<Staged> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += Table.MAX_IN) {
            List<Staged> chunk = rows.subList(from, Math.min(rows.size(), from + Table.MAX_IN));
            int size = Table.inSize(chunk.size());
            String sql = deleteIn.computeIfAbsent(size, n -> "DELETE FROM " + outbox + " WHERE id IN (" + "?, ".repeat(n - 1) + "?)");
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                for (int i = 0; i < size; i++) {
                    ps.setLong(i + 1, chunk.get(Math.min(i, chunk.size() - 1)).id());
                }
                ps.executeUpdate();
            }
        }
    }

    /**
     * Back to auto-commit in a {@code finally}: a connection that fails here is broken (the pool
     * discards it), and throwing would replace the failure the block is propagating, if any.
     */
    static void endWrite(Dialect d, Connection c) {
        try {
            d.endWrite(c);
        } catch (SQLException e) {
            // as above
        }
    }
}
