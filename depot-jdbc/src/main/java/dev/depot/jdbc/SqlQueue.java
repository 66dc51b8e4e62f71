package dev.depot.jdbc;

import dev.depot.BatchResult;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.StoredQueue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One work queue of a {@link SqlQueueStore}: each call is one database transaction that first
 * processes the queue's due work (rows whose {@code due_at} has passed: scheduled items, expired
 * leases, {@code expireAfter} deadlines, dead items past retention, by the {@code (queue, due_at)}
 * index), then acts. A claim reads the first ready rows in FIFO order from the
 * {@code (queue, state, ready_at, rseq)} index, skipping rows other consumers have locked, and
 * marks them leased with a fresh token; settling locks the leased rows by id and checks the token
 * and the expiry against the clock. Thread-safe; the state machine is {@link QueueRow}'s.
 *
 * <p>The options that decide are those in force in the database, read by a statement the call
 * sends anyway (the due-work seek, the settle lock, PostgreSQL's one-statement claim), never a
 * copy: another process may have changed them since this one opened the queue (CONTRACT.md
 * "Queues", "Options"). The copy this handle keeps ({@link #seen}) only picks a plan.
 */
final class SqlQueue implements StoredQueue {
    private static final int DUE_BATCH = 256;
    /**
     * The most rows a produce's first insert, which also locks the queue's declaration, takes in one
     * statement ({@value QueueTables#INSERT_COLUMNS} parameters each); later rows go in a batch.
     */
    static final int LOCKED_INSERT_ROWS = 64;
    /**
     * The most payload and header bytes a produce's first insert carries when it holds more than one
     * row: that statement is one packet, and MariaDB's text protocol sends a NUL, quote or backslash
     * byte as two, so six 4 MiB payloads in one statement passed its default 16 MiB
     * {@code max_allowed_packet} and the server dropped the connection (the produce failed as
     * "unavailable" while memory and the other databases took it). Under this budget any rows fit
     * twice over; a single row always goes (the payload limit keeps it under the packet), and the
     * rest go in the batch, a statement each.
     */
    static final long LOCKED_INSERT_BYTES = 4L << 20;

    final String name;
    private final SqlQueueStore store;
    private final QueueSignal signal;
    /**
     * The options this process last read (or wrote) for the queue. Only a plan hint — whether a
     * settling call processes due work before it acts, PostgreSQL's complete shortcut — never what
     * decides an item's fate: a stale copy only leaves due work to the next call.
     */
    volatile QueueOptions seen = QueueOptions.defaults();
    /** The due-work seek, with the options in force (package-private for {@code QueueSettlePlanTest}). */
    final String dueSql;
    /** Rows due at one instant in processing order, a batch at a time: for a batch that is all one such group. */
    private final String dueTiesSql;
    /** Locks due rows found by {@link #dueSql}, by primary key ({@code %s}: their ids' placeholders). */
    private final String dueRowsSql;
    private final String claimSql;
    private final String leaseSql;
    private final String deleteSql;
    /** PostgreSQL's shortcuts for claims and completes whose general path would do nothing else; null elsewhere. */
    final AutoCommitQueueCalls autoCommit;

    SqlQueue(String name, SqlQueueStore store) {
        this.name = name;
        this.store = store;
        this.signal = store.signal(name);
        String t = store.items;
        // The queue's options in force come with the first due rows (or alone, with nulls, if none
        // is due): one statement, the first of almost every call. A queue without its declaration
        // row has no items (a drop deletes both in one transaction), so no row means nothing to do.
        this.dueSql = "SELECT " + SqlQueueStore.OPTION_COLUMNS.replaceAll("(\\w+)", "q.$1") + ", d.id, d.due_at FROM " + store.prefix
                + "queues q LEFT JOIN (SELECT id, due_at FROM " + t + " WHERE queue = ? AND due_at <= ? ORDER BY due_at LIMIT " + DUE_BATCH
                + ") d ON 1 = 1 WHERE q.name = ? ORDER BY d.due_at";
        this.dueTiesSql = "SELECT id FROM " + t + " WHERE queue = ? AND due_at = ? ORDER BY ready_at, rseq LIMIT " + DUE_BATCH;
        this.dueRowsSql = "SELECT " + QueueTables.ITEM_COLUMNS + " FROM " + t + " WHERE due_at <= ? AND id IN (%s) ORDER BY due_at"
                + store.skipLocked;
        this.claimSql = "SELECT " + QueueTables.ITEM_COLUMNS + ", payload FROM " + t
                + " WHERE queue = ? AND state = 0 AND ready_at <= ? ORDER BY ready_at, rseq LIMIT ?" + store.skipLocked;
        this.leaseSql = "UPDATE " + t
                + " SET state = 2, attempts = ?, token = ?, leased_at = ?, holder = ?, due_at = ?, ver = ver + 1 WHERE id = ? AND ver = ?";
        this.deleteSql = "DELETE FROM " + t + " WHERE id = ? AND ver = ?";
        this.autoCommit = AutoCommitQueueCalls.supported(store.backend.dialect) ? new AutoCommitQueueCalls(this, store) : null;
    }

    @Override
    public String name() {
        return name;
    }

    /** The options in force, read from the database (the defaults while the queue is dropped). */
    @Override
    public QueueOptions options() {
        QueueOptions o = store.readOptions(name);
        seen = o;
        return o;
    }

    // ---- produce ----

    @Override
    public List<String> produce(List<Message> messages) {
        long[] ids = store.reserveIds(messages.size());
        Wakeups w = new Wakeups(store);
        // A handle may be opened before a drop (here or in another process): the declaration row is
        // locked against a drop until commit, so no item is stored for a queue that does not exist.
        boolean dedup = messages.stream().anyMatch(m -> m.dedupKey() != null);
        // Without dedup keys the first insert takes the lock itself (one round trip fewer). With
        // them the lock comes first, as in every other transaction: before the due work locks items
        // (a drop locks the declaration, then the items).
        String lock = dedup ? null : store.backend.dialect.queueLockInInsert();
        return store.inTx("producing to queue " + name, c -> {
            if (lock == null && !store.declared(c, name)) {
                throw QueueConflicts.dropped(name);
            }
            long now = store.now();
            if (dedup) {
                catchUp(c, now, w); // an item past its deadline releases its key first, as on memory
            }
            return insert(c, messages, ids, now, w, lock);
        }, w);
    }

    /** Inserts the items in order (a dedup key held by a live item, or earlier in the batch, yields that item's id). */
    List<String> insert(Connection c, List<Message> messages, long[] ids, long now, Wakeups w) throws SQLException {
        return insert(c, messages, ids, now, w, null);
    }

    /**
     * As {@link #insert(Connection, List, long[], long, Wakeups)}; with {@code lock} (a
     * {@link Dialect#queueLockInInsert}) the first rows go in one statement that locks the queue's
     * declaration and inserts nothing if the queue is gone, which fails the call as dropped.
     */
    private List<String> insert(Connection c, List<Message> messages, long[] ids, long now, Wakeups w, String lock)
            throws SQLException {
        Map<String, String> held = dedupHolders(c, messages);
        List<String> out = new ArrayList<>(messages.size());
        List<QueueRow> rows = new ArrayList<>(messages.size());
        int ready = 0;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            String key = m.dedupKey();
            if (key != null && held.containsKey(key)) {
                out.add(held.get(key));
                continue;
            }
            QueueRow r = new QueueRow(ids[i], name, now, key, m.headers(), m.payload());
            r.dedup = key;
            r.deadline = m.expireAfter() == null ? null : now + SqlQueueStore.micros(m.expireAfter());
            long notBefore = m.notBefore() == null ? now : EpochMicros.of(m.notBefore());
            if (notBefore > now) {
                r.state = ItemState.SCHEDULED;
                r.readyAt = notBefore;
                r.rseq = store.nextId();
                r.dueAt = r.deadline == null ? notBefore : Math.min(notBefore, r.deadline);
            } else {
                r.makeReady(now, w);
                ready++;
            }
            rows.add(r);
            String id = Long.toString(r.id);
            if (key != null) {
                held.put(key, id);
            }
            out.add(id);
        }
        int first = 0;
        if (lock != null && !rows.isEmpty()) {
            first = lockedRows(rows);
            try (PreparedStatement ps = c.prepareStatement(QueueTables.lockedInsert(store.prefix, first, lock))) {
                for (int i = 0; i < first; i++) {
                    rows.get(i).bindInsert(ps, i * QueueTables.INSERT_COLUMNS);
                }
                ps.setString(first * QueueTables.INSERT_COLUMNS + 1, name);
                int inserted = ps.executeUpdate();
                if (inserted == 0) {
                    throw QueueConflicts.dropped(name); // a handle opened before a drop (here or in another process)
                }
                if (inserted != first) {
                    throw new SQLException("a queue insert stored " + inserted + " of " + first + " rows", "40001"); // runs again
                }
            }
        }
        if (first < rows.size()) {
            try (PreparedStatement ps = c.prepareStatement(store.insertSql)) {
                for (QueueRow r : rows.subList(first, rows.size())) {
                    r.bindInsert(ps);
                    ps.addBatch();
                }
                executeBatch(ps); // the declaration row is locked already: by the statement above or a read before
            }
        }
        w.ready(name, ready);
        return out;
    }

    /** How many leading rows the locked insert takes: at least one, at most {@link #LOCKED_INSERT_ROWS} and {@link #LOCKED_INSERT_BYTES}. */
    static int lockedRows(List<QueueRow> rows) {
        int n = 0;
        long bytes = 0;
        while (n < rows.size() && n < LOCKED_INSERT_ROWS) {
            bytes += rows.get(n).wireBytes();
            if (n > 0 && bytes > LOCKED_INSERT_BYTES) {
                break;
            }
            n++;
        }
        return n;
    }

    private static void executeBatch(PreparedStatement ps) throws SQLException {
        int[] counts;
        try {
            counts = ps.executeBatch();
        } catch (java.sql.BatchUpdateException e) {
            throw e.getNextException() != null && e.getSQLState() == null ? e.getNextException() : e;
        }
        for (int n : counts) {
            if (n == 0) {
                // The row changed since it was read and locked (a database whose locking read returned
                // an older version): a conflict, so the whole call runs again from the start.
                throw new SQLException("a queue row changed concurrently", "40001");
            }
        }
    }

    private Map<String, String> dedupHolders(Connection c, List<Message> messages) throws SQLException {
        Set<String> keys = new HashSet<>();
        for (Message m : messages) {
            if (m.dedupKey() != null) {
                keys.add(m.dedupKey());
            }
        }
        Map<String, String> held = new HashMap<>();
        if (keys.isEmpty()) {
            return held;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT dedup, id FROM " + store.items + " WHERE queue = ? AND dedup IN ("
                + "?, ".repeat(keys.size() - 1) + "?)")) {
            ps.setString(1, name);
            int i = 2;
            for (String k : keys) {
                ps.setString(i++, k);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    held.put(rs.getString(1), Long.toString(rs.getLong(2)));
                }
            }
        }
        return held;
    }

    // ---- due work ----

    /**
     * Processes this queue's rows whose next timed transition is due by {@code now}, under the
     * options in force, which it returns (the defaults for a queue not declared).
     */
    QueueOptions catchUp(Connection c, long now, Wakeups w) throws SQLException {
        QueueOptions o = QueueOptions.defaults();
        while (true) {
            // Find due rows without locking, then lock exactly those by primary key. A locking range
            // scan also locks (if only for a moment) the index record after its range, which can be
            // another queue's ready row: a concurrent claim's SKIP LOCKED then passed over it and a
            // lease came back empty with an item ready (MariaDB, the kit's several-queues test).
            List<Long> ids = new ArrayList<>();
            List<Long> dues = new ArrayList<>();
            boolean declared = false;
            try (PreparedStatement ps = c.prepareStatement(dueSql)) {
                ps.setString(1, name);
                ps.setLong(2, now);
                ps.setString(3, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (!declared) {
                            o = SqlQueueStore.options(rs, 1);
                            declared = true;
                        }
                        long id = rs.getLong(5);
                        if (!rs.wasNull()) {
                            ids.add(id);
                            dues.add(rs.getLong(6));
                        }
                    }
                }
            }
            seen = o;
            if (ids.isEmpty()) {
                return o;
            }
            boolean more = ids.size() == DUE_BATCH;
            if (more) {
                wholeTieGroups(c, ids, dues);
            }
            List<QueueRow> due = new ArrayList<>(ids.size());
            try (PreparedStatement ps = c.prepareStatement(dueRowsSql.formatted(String.join(", ", Collections.nCopies(ids.size(), "?"))))) {
                ps.setLong(1, now);
                for (int i = 0; i < ids.size(); i++) {
                    ps.setLong(i + 2, ids.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        due.add(QueueRow.read(rs, false));
                    }
                }
            }
            if (due.isEmpty()) {
                return o; // all taken by another caller's catch-up, which processes them
            }
            due.sort(DUE_ORDER);
            int ready = 0;
            for (QueueRow r : due) {
                if (r.catchUp(now, o, w)) {
                    ready++;
                }
            }
            write(c, due);
            w.ready(name, ready);
            if (!more) {
                return o;
            }
        }
    }

    /**
     * The order due rows are processed in, so that what becomes ready at one instant is queued as on
     * memory: by due time; at one due time a lease's expiry (its row was ready before it was leased)
     * before a scheduled item's time (ready then), leases in the order they were granted (their
     * items' ready order), scheduled items in the order they were scheduled.
     */
    private static final Comparator<QueueRow> DUE_ORDER = (a, b) -> {
        int c = Long.compare(a.dueAt, b.dueAt);
        if (c == 0) {
            c = Long.compare(a.readyAt, b.readyAt);
        }
        return c != 0 ? c : Long.compare(a.rseq, b.rseq);
    };

    /**
     * A full batch may end inside a group of rows due at one instant, which must be processed in
     * order: its tail group is left to the next batch; a batch that is all one group is replaced by
     * the group's first rows in processing order (a processed row is never due at that instant again).
     */
    private void wholeTieGroups(Connection c, List<Long> ids, List<Long> dues) throws SQLException {
        long last = dues.getLast();
        if (dues.getFirst() != last) {
            while (dues.getLast() == last) {
                dues.removeLast();
                ids.removeLast();
            }
            return;
        }
        ids.clear();
        try (PreparedStatement ps = c.prepareStatement(dueTiesSql)) {
            ps.setString(1, name);
            ps.setLong(2, last);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
    }

    /**
     * Due work before a settling call acts, where it shows: items dying now reach the dead-letter
     * queue now, as on memory (every other transition keeps its own time and place in the ready order
     * whichever call processes it, so a queue without a dead-letter queue saves the statement).
     * Whether the queue has one is known for sure only once {@link #lock} has read the options:
     * {@link #settle} catches up then if this copy said none and they say one. Returns whether it ran.
     */
    private boolean catchUpDeaths(Connection c, long now, Wakeups w) throws SQLException {
        if (seen.deadLetterQueue() != null) {
            catchUp(c, now, w);
            return true;
        }
        return false;
    }

    /**
     * A settling call's start: due deaths processed (see {@link #catchUpDeaths}), the leases' rows
     * locked, and the options in force; {@code null} options when no row of this queue was found
     * (every lease stale: nothing is decided by them).
     */
    private Locked settle(Connection c, List<Lease> leases, long now, Wakeups w) throws SQLException {
        boolean caughtUp = catchUpDeaths(c, now, w);
        Locked locked = lock(c, leases);
        if (!caughtUp && locked.options() != null && locked.options().deadLetterQueue() != null) {
            // Another process gave the queue a dead-letter queue. The rows locked above are leased,
            // current or stale: a current lease's row is not due, a stale one is not acted on.
            catchUp(c, now, w);
        }
        return locked;
    }

    /** Writes rows back: deleted ones go, the others get their new state. */
    void write(Connection c, List<QueueRow> rows) throws SQLException {
        boolean deletes = false;
        boolean updates = false;
        try (PreparedStatement del = c.prepareStatement(deleteSql); PreparedStatement upd = c.prepareStatement(store.updateSql)) {
            for (QueueRow r : rows) {
                if (r.deleted) {
                    del.setLong(1, r.id);
                    del.setLong(2, r.ver);
                    del.addBatch();
                    deletes = true;
                } else {
                    r.bindUpdate(upd);
                    upd.addBatch();
                    updates = true;
                }
            }
            if (deletes) {
                executeBatch(del);
            }
            if (updates) {
                executeBatch(upd);
            }
        }
    }

    // ---- lease ----

    @Override
    public List<Lease> lease(String holder, int max, Duration wait) {
        return lease(holder, max, wait, () -> false);
    }

    /** Waits as memory does; {@code stop} (the depot closed) ends the wait at the next look, with nothing leased. */
    @Override
    public List<Lease> lease(String holder, int max, Duration wait, java.util.function.BooleanSupplier stop) {
        long dropsSeen = signal.drops(); // before anything: a drop from here on ends the wait
        List<Lease> got = claim(holder, max);
        if (!got.isEmpty() || !wait.isPositive()) {
            return got;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        // Counted only between two waiters' share-and-claim: one that computed its share before this
        // one counted must not claim after items arrive for both (it would take them all).
        synchronized (signal.claiming) {
            signal.enter();
        }
        boolean counted = true;
        try {
            while (true) {
                long seen = signal.version();
                if (signal.drops() != dropsSeen) {
                    return List.of(); // the queue it waited on was dropped (by this process): the consumer decides what next
                }
                // Woken waiters of this process take their shares one at a time, each leaving the
                // waiting count before the next computes its share (as memory does under its lock).
                synchronized (signal.claiming) {
                    int limit = share(max);
                    got = limit == 0 ? List.of() : claim(holder, limit);
                    if (!got.isEmpty()) {
                        signal.exit();
                        counted = false;
                        if (signal.waiting() > 0) {
                            signal.signal(); // others may find what is left
                        }
                        return got;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !signal.await(seen, Math.min(left, SqlQueueStore.POLL_NANOS)) || stop.getAsBoolean()) {
                    return List.of();
                }
            }
        } finally {
            if (counted) {
                signal.exit();
            }
        }
    }

    /** With several consumers waiting here, each takes at most its share of what is ready. */
    private int share(int max) {
        int waiting = signal.waiting();
        if (waiting <= 1) {
            return max;
        }
        long ready = store.backend.read("counting ready items of queue " + name, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM (SELECT id FROM " + store.items
                    + " WHERE queue = ? AND state = 0 LIMIT ?) x")) {
                ps.setString(1, name);
                ps.setLong(2, (long) max * waiting);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        // Nothing ready: wait rather than claim, or a commit landing in between would all go to this one.
        return (int) Math.min(max, (ready + waiting - 1) / waiting);
    }

    private List<Lease> claim(String holder, int max) {
        if (autoCommit != null) {
            List<Lease> got = autoCommit.claim(holder, max);
            if (got != null) {
                return got;
            }
        }
        Wakeups w = new Wakeups(store);
        return store.inTx("leasing from queue " + name, c -> {
            long now = store.now();
            QueueOptions o = catchUp(c, now, w);
            long expiry = now + SqlQueueStore.micros(o.leaseTimeout());
            List<QueueRow> rows = new ArrayList<>(Math.min(max, 64));
            try (PreparedStatement ps = c.prepareStatement(claimSql)) {
                ps.setString(1, name);
                // Never an item that became ready after this call's now (another call, reading the
                // clock later, may have requeued it): leases never predate their item's readiness.
                ps.setLong(2, now);
                ps.setInt(3, max);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(QueueRow.read(rs, true));
                    }
                }
            }
            if (rows.isEmpty()) {
                return List.of();
            }
            List<Lease> out = new ArrayList<>(rows.size());
            try (PreparedStatement ps = c.prepareStatement(leaseSql)) {
                for (QueueRow r : rows) {
                    r.lease(holder, store.token(), now, expiry);
                    ps.setInt(1, r.attempts);
                    ps.setString(2, r.token);
                    ps.setLong(3, now);
                    ps.setString(4, holder);
                    ps.setLong(5, expiry);
                    ps.setLong(6, r.id);
                    ps.setLong(7, r.ver);
                    ps.addBatch();
                    out.add(r.lease());
                }
                executeBatch(ps);
            }
            return out;
        }, w);
    }

    // ---- settle ----

    /** Rows of leases, locked, by id; and the queue's options in force, or null if no row of the queue was found. */
    record Locked(Map<Long, QueueRow> rows, QueueOptions options) {}

    /**
     * Locks the rows of these leases (in id order, so settlers never deadlock) and reads them, with
     * the queue's options in force: scalar subqueries of the same statement, which lock nothing
     * (PostgreSQL locks only the tables of FROM; MariaDB reads other tables of a locking read
     * without locks), so an options change never waits for settling calls.
     */
    Locked lock(Connection c, List<Lease> leases) throws SQLException {
        Set<Long> ids = new java.util.TreeSet<>();
        for (Lease l : leases) {
            Long id = parseId(l.id());
            if (id != null) {
                ids.add(id);
            }
        }
        Map<Long, QueueRow> out = new HashMap<>();
        if (ids.isEmpty()) {
            return new Locked(out, null);
        }
        QueueOptions o = null;
        // By primary key alone: with a queue condition PostgreSQL's generic plan may read every row of
        // the queue through a (queue, ...) index and filter the ids. A row of another queue (a lease
        // id from elsewhere) is locked for this short transaction and then ignored.
        try (PreparedStatement ps = c.prepareStatement(lockSql(ids.size()))) {
            int i = 1;
            for (int k = 0; k < OPTION_SUBQUERIES; k++) {
                ps.setString(i++, name);
            }
            for (Long id : ids) {
                ps.setLong(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    QueueRow r = QueueRow.read(rs, false);
                    if (name.equals(r.queue)) {
                        out.put(r.id, r);
                        if (o == null && rs.getObject(LOCK_OPTIONS) != null) {
                            o = SqlQueueStore.options(rs, LOCK_OPTIONS);
                        }
                    }
                }
            }
        }
        if (o == null && !out.isEmpty()) {
            o = QueueOptions.defaults(); // rows without a declaration row: as for a queue not declared (not seen to happen)
        }
        if (o != null) {
            seen = o;
        }
        return new Locked(out, o);
    }

    /** How many queue names {@link #lockSql} binds before the ids: one per option column. */
    private static final int OPTION_SUBQUERIES = 4;
    /** Where {@link #lockSql}'s options begin: after the item columns. */
    private static final int LOCK_OPTIONS = 21;

    /**
     * Locks {@code n} rows by id, in id order, with the queue's options (its name bound
     * {@value #OPTION_SUBQUERIES} times first; package-private for {@code QueueSettlePlanTest}).
     */
    String lockSql(int n) {
        StringBuilder options = new StringBuilder();
        for (String column : SqlQueueStore.OPTION_COLUMNS.split(", ")) {
            options.append(", (SELECT ").append(column).append(" FROM ").append(store.prefix).append("queues WHERE name = ?)");
        }
        return "SELECT " + QueueTables.ITEM_COLUMNS + options + " FROM " + store.items + " WHERE id IN (" + "?, ".repeat(n - 1)
                + "?) ORDER BY id" + store.forUpdate;
    }

    /**
     * The row id an item id names, or null if it names none: only the id as produced (decimal, no
     * sign, no leading zero), as memory looks ids up by their text. {@code "07"} or {@code "+7"} named
     * row 7 here: a lease carrying such an id completed item 7, and inspect found it, where memory
     * reported a stale lease and no item.
     */
    static Long parseId(String id) {
        Long v = parseLong(id);
        return v != null && Long.toString(v).equals(id) ? v : null;
    }

    private static Long parseLong(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The row {@code lease} currently holds, or null. */
    static QueueRow current(Map<Long, QueueRow> rows, Lease lease, long now) {
        Long id = parseId(lease.id());
        QueueRow r = id == null ? null : rows.get(id);
        return r != null && r.holds(lease, now) ? r : null;
    }

    @Override
    public BatchResult complete(List<Lease> leases) {
        if (autoCommit != null && seen.deadLetterQueue() == null) {
            // Decided by this process's copy: with a dead-letter queue set elsewhere since, due deaths
            // wait for the next call (which then hands them over), nothing else differs.
            return autoCommit.complete(leases);
        }
        Wakeups w = new Wakeups(store);
        return store.inTx("completing items of queue " + name, c -> {
            long now = store.now();
            Map<Long, QueueRow> rows = settle(c, leases, now, w).rows();
            List<Lease> applied = new ArrayList<>(leases.size());
            List<Lease> stale = new ArrayList<>(0);
            List<QueueRow> done = new ArrayList<>(leases.size());
            for (Lease l : leases) {
                QueueRow r = current(rows, l, now);
                if (r == null) {
                    stale.add(l);
                } else {
                    r.deleted = true;
                    done.add(r);
                    applied.add(l);
                }
            }
            write(c, done);
            return new BatchResult(applied, stale);
        }, w);
    }

    @Override
    public BatchResult retry(List<Lease> leases, Duration delay) {
        Wakeups w = new Wakeups(store);
        return store.inTx("retrying items of queue " + name, c -> {
            long now = store.now();
            Locked locked = settle(c, leases, now, w);
            Map<Long, QueueRow> rows = locked.rows();
            List<Lease> applied = new ArrayList<>(leases.size());
            List<Lease> stale = new ArrayList<>(0);
            List<QueueRow> changed = new ArrayList<>(leases.size());
            int ready = 0;
            for (Lease l : leases) {
                QueueRow r = current(rows, l, now);
                if (r == null) {
                    stale.add(l);
                } else {
                    if (r.retry(now, SqlQueueStore.micros(delay), locked.options(), w)) {
                        ready++;
                    }
                    changed.add(r);
                    applied.add(l);
                }
            }
            write(c, changed);
            w.ready(name, ready);
            return new BatchResult(applied, stale);
        }, w);
    }

    @Override
    public boolean deadLetter(Lease lease, String reason) {
        Wakeups w = new Wakeups(store);
        return store.inTx("dead-lettering an item of queue " + name, c -> {
            long now = store.now();
            Locked locked = settle(c, List.of(lease), now, w);
            QueueRow r = current(locked.rows(), lease, now);
            if (r == null) {
                return false;
            }
            r.deadLetter(now, reason, locked.options(), w);
            write(c, List.of(r));
            return true;
        }, w);
    }

    @Override
    public Lease extend(Lease lease, Duration by) {
        Wakeups w = new Wakeups(store);
        return store.inTx("extending a lease of queue " + name, c -> {
            long now = store.now();
            QueueRow r = current(settle(c, List.of(lease), now, w).rows(), lease, now);
            if (r == null) {
                return null;
            }
            r.dueAt = now + SqlQueueStore.micros(by);
            write(c, List.of(r));
            return lease.withExpiry(EpochMicros.toInstant(r.dueAt));
        }, w);
    }

    // ---- inspection ----

    @Override
    public QueueStats stats() {
        Wakeups w = new Wakeups(store);
        return store.inTx("reading statistics of queue " + name, c -> {
            long now = store.now();
            catchUp(c, now, w);
            long[] counts = new long[4];
            Long oldest = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT state, COUNT(*), MIN(ready_at) FROM " + store.items
                    + " WHERE queue = ? GROUP BY state")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        int state = rs.getInt(1);
                        counts[state] = rs.getLong(2);
                        if (state == ItemState.READY.ordinal()) {
                            oldest = rs.getLong(3);
                        }
                    }
                }
            }
            Duration age = oldest == null || oldest > now ? Duration.ZERO : Duration.of(now - oldest, java.time.temporal.ChronoUnit.MICROS);
            return new QueueStats(counts[0], counts[2], counts[1], counts[3], age, signal.waiting());
        }, w);
    }

    @Override
    public Page<QueueItem> list(ItemState state, int limit, String cursor) {
        long after = parseCursor(cursor);
        Wakeups w = new Wakeups(store);
        return store.inTx("listing queue " + name, c -> {
            catchUp(c, store.now(), w);
            List<QueueItem> items = new ArrayList<>();
            String next = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT " + QueueTables.ITEM_COLUMNS + ", payload FROM " + store.items
                    + " WHERE queue = ? AND id > ?" + (state == null ? "" : " AND state = ?") + " ORDER BY id LIMIT ?")) {
                ps.setString(1, name);
                ps.setLong(2, after);
                int i = 3;
                if (state != null) {
                    ps.setInt(i++, state.ordinal());
                }
                ps.setInt(i, limit + 1);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (items.size() == limit) {
                            next = items.getLast().id();
                            break;
                        }
                        items.add(QueueRow.read(rs, true).item());
                    }
                }
            }
            return new Page<>(items, next);
        }, w);
    }

    private long parseCursor(String cursor) {
        if (cursor == null) {
            return Long.MIN_VALUE;
        }
        Long at = parseLong(cursor); // as memory reads a cursor
        if (at == null) {
            throw new IllegalArgumentException("queue " + name + ": invalid list cursor");
        }
        return at;
    }

    @Override
    public Optional<QueueItem> inspect(String id) {
        Long at = parseId(id);
        Wakeups w = new Wakeups(store);
        return store.inTx("inspecting queue " + name, c -> {
            catchUp(c, store.now(), w);
            if (at == null) {
                return Optional.<QueueItem>empty();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT " + QueueTables.ITEM_COLUMNS + ", payload FROM " + store.items
                    + " WHERE id = ?")) { // by primary key alone, as lock()
                ps.setLong(1, at);
                try (ResultSet rs = ps.executeQuery()) {
                    QueueRow r = rs.next() ? QueueRow.read(rs, true) : null;
                    return r != null && name.equals(r.queue) ? Optional.of(r.item()) : Optional.<QueueItem>empty();
                }
            }
        }, w);
    }

    @Override
    public long clear() {
        Wakeups w = new Wakeups(store);
        return store.inTx("clearing queue " + name, c -> {
            catchUp(c, store.now(), w); // due work first, as every call: what died before went on, or is gone past retention
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + store.items + " WHERE queue = ?")) {
                ps.setString(1, name);
                return (long) ps.executeUpdate();
            }
        }, w);
    }
}
