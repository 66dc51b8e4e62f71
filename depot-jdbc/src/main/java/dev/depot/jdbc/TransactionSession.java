package dev.depot.jdbc;

import dev.depot.ConflictException;
import dev.depot.spi.CollectionSpec;
import dev.depot.spi.Conflicts;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.QueueOp;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A transaction with snapshot isolation and first-committer-wins, identical on every database.
 *
 * <p>Reads run in a read-only snapshot transaction on one connection, begun at the first call. Writes
 * are checked against the snapshot plus the transaction's own writes and kept in an {@link Overlay};
 * nothing is written and no lock is held until commit. Commit ends the snapshot, opens a data
 * transaction, locks the rows of the keys it wrote (table by table, in key order), verifies that none
 * has been written since its snapshot (the stored stamp still equals the one read), and applies the
 * overlay with batches. Writers of different keys therefore neither conflict nor wait for each other,
 * and a conflict is detected exactly where the contract says: at commit, as {@link
 * ConflictException}, with nothing applied. A key inserted by a concurrent commit that had not yet
 * committed when the rows were locked makes the database refuse the insert (a duplicate key); the
 * commit then tells that lost race from a unique-index violation by reading the latest state.
 */
final class TransactionSession implements Session {
    private static final int COMMIT_ATTEMPTS = 5;

    private final JdbcBackend backend;
    private final Overlay overlay = new Overlay();
    private final List<PendingEvent> events = new ArrayList<>();
    private Connection conn;
    private View view;
    /** {@link Catalog#ddlEpoch} before the snapshot began: tables created after it read as empty ({@link View#unseen}). */
    private long epoch;
    /** Tables another process created after this snapshot began, found by reading them ({@link Dialect#snapshotHasSchema}). */
    private final java.util.Set<String> newerTables = new java.util.HashSet<>();
    /** {@link JdbcBackend#schemaClock} when the snapshot began: a table rebuilt after it is refused ({@link SchemaChangeGate}). */
    private long schemaClock;
    private boolean ended;
    /** Stored with the commit's change events, see {@link Feed#lookup}. */
    private String commitId;
    /** Work committed with the records: the queue operations of {@code tx.queue}. */
    private final List<CommitPart> parts = new ArrayList<>();
    private SqlQueueWork queueWork;

    TransactionSession(JdbcBackend backend) {
        this.backend = backend;
    }

    private View view() throws SQLException {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        if (view == null) {
            Connection c = backend.connection();
            epoch = backend.catalog.ddlEpoch(); // before the snapshot: a table created later may be missing from it
            schemaClock = backend.schemaClock(); // under the gate, as the snapshot begins: no copy between the two
            try {
                backend.dialect.beginSnapshot(c);
            } catch (SQLException e) {
                c.close();
                throw e;
            }
            conn = c;
            long clock = schemaClock;
            view = new View(c, overlay, t -> backend.catalog.bornAfter(t, epoch) || newerTables.contains(t.name)
                    || backend.createdSince(t.name, clock));
        }
        return view;
    }

    private <T> T call(CollectionSpec spec, SqlWork<View, T> work) {
        try {
            try {
                return backend.shared(() -> work.run(current(spec)));
            } catch (SQLException e) {
                if (view == null || !backend.dialect.tableNewerThanSnapshot(e)) {
                    throw e;
                }
                // Another process created (or altered) the table after this snapshot began. Where the
                // snapshot fixes the schema too, the collection was empty in it: read it so (a
                // refused read changed nothing, so it can run again). Elsewhere a fresh snapshot
                // reads it: a conflict, which Retry.onConflict runs again.
                String table = backend.table(spec).name;
                if (backend.dialect.snapshotHasSchema() && newerTables.add(table)) {
                    return backend.shared(() -> work.run(view));
                }
                throw tableNewerThanSnapshot(spec);
            }
        } catch (SQLException e) {
            throw backend.failures.map(e, "a transaction on collection '" + spec.name() + "'");
        }
    }

    /**
     * The view, refusing a read of a table that a schema change rebuilt since the snapshot began: on
     * H2 the rebuilt table is a copy holding every row committed when it was made, later commits
     * included, so the snapshot would not be repeatable. Runs under the gate, so no copy comes between
     * the check and the read. A rebuild by this depot's own redeclaration makes the handle stale, and
     * is refused as stale (as memory refuses it: open it again); another depot's, or one older than a
     * handle opened after it, as a conflict (run the transaction again).
     */
    private View current(CollectionSpec spec) throws SQLException {
        View v = view();
        if (backend.rebuiltSince(backend.table(spec).name, schemaClock)) {
            if (backend.catalog.isDeclaring(spec.name())) {
                throw Conflicts.redeclared(spec.name()); // installed once the declaration ends
            }
            backend.table(spec); // stale if that declaration ended meanwhile
            throw tableNewerThanSnapshot(spec);
        }
        return v;
    }

    private static ConflictException tableNewerThanSnapshot(CollectionSpec spec) {
        return new ConflictException("a transaction on collection '" + spec.name() + "': its snapshot is older than the"
                + " collection's table, which another process or depot created or changed since; retry the transaction");
    }

    @Override
    public StoredRecord get(CollectionSpec spec, Object key) {
        Table t = backend.table(spec);
        return call(spec, v -> {
            Pending p = overlay.of(t).pending(key);
            if (p != null) {
                return p.present() ? p : null;
            }
            return v.unseen(t) ? null : Reads.record(v.conn, t, key);
        });
    }

    @Override
    public List<StoredRecord> getAll(CollectionSpec spec, List<Object> keys) {
        Table t = backend.table(spec);
        return call(spec, v -> {
            TableOverlay o = overlay.of(t);
            List<StoredRecord> out = new ArrayList<>(keys.size());
            List<Object> unwritten = new ArrayList<>(keys.size());
            for (Object k : keys) {
                Pending p = o.pending(k);
                if (p == null) {
                    unwritten.add(k);
                } else if (p.present()) {
                    out.add(p);
                }
            }
            if (!v.unseen(t)) {
                out.addAll(Reads.records(v.conn, t, unwritten));
            }
            return out;
        });
    }

    @Override
    public WriteResult write(CollectionSpec spec, Write write) {
        Table t = backend.table(spec);
        return call(spec, v -> WriteRules.write(v, t, write, events));
    }

    @Override
    public List<WriteResult> writeAll(CollectionSpec spec, List<Write> writes) {
        Table t = backend.table(spec);
        return call(spec, v -> WriteRules.writeAll(v, t, writes, events));
    }

    @Override
    public WriteResult delete(CollectionSpec spec, Object key, long expectedVersion) {
        Table t = backend.table(spec);
        return call(spec, v -> WriteRules.delete(v, t, key, expectedVersion, events));
    }

    @Override
    public List<StoredRecord> query(CollectionSpec spec, QueryPlan plan) {
        Table t = backend.table(spec);
        return call(spec, v -> QueryRunner.query(v.unseen(t) ? null : v.conn, t, plan, overlay.peek(t)));
    }

    @Override
    public long count(CollectionSpec spec, QueryPlan plan) {
        Table t = backend.table(spec);
        return call(spec, v -> QueryRunner.count(v.unseen(t) ? null : v.conn, t, plan, overlay.peek(t)));
    }

    @Override
    public void commit(String commitId) {
        this.commitId = commitId;
        commit();
    }

    @Override
    public void commit() {
        if (ended) {
            throw new IllegalStateException("the transaction has ended");
        }
        ended = true;
        if (conn == null && parts.isEmpty()) {
            return;
        }
        try {
            if (conn == null) {
                conn = backend.connection(); // only queue operations, nothing read
            } else {
                backend.dialect.rollback(conn); // the snapshot was read-only; end it
                backend.dialect.endSnapshot(conn);
            }
            if (queueWork != null) {
                queueWork.reserveIds(conn); // at commit, as memory numbers them: ids follow the order items are produced in
            }
            if (!events.isEmpty() || !parts.isEmpty()) {
                // After the snapshot ended: a declaration waiting for this table may go on meanwhile.
                try (var held = backend.catalog.holdDeclarations(writtenTables())) {
                    apply();
                }
                parts.forEach(CommitPart::committed);
            }
        } catch (SQLException e) {
            throw backend.failures.map(e, "committing a transaction");
        } finally {
            release();
        }
    }

    private List<Table> writtenTables() {
        List<Table> written = new ArrayList<>();
        for (TableOverlay o : overlay.tables()) {
            if (!o.isEmpty()) {
                written.add(o.table);
            }
        }
        return written;
    }

    /**
     * Runs the data transaction. When the database refuses it as a race (a duplicate key, a deadlock)
     * and the latest state does not decide it yet (the rival has not committed: it may still roll
     * back), the data transaction runs again: nothing of it was applied, and the snapshot it is
     * checked against is unchanged. A lost key or a taken unique value ends it.
     */
    private void apply() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                backend.inWrite(conn, false, tx -> {
                    tx.commitId(commitId); // first: a lookup of this id now waits for this transaction
                    if (queueWork != null) {
                        queueWork.checkLeases(tx.conn); // queues before records, as memory locks them
                    }
                    checkNotWrittenSince();
                    tx.apply(overlay, events);
                    parts.forEach(tx::add);
                    return null;
                });
                return;
            } catch (SQLException e) {
                Dialect.Failure f = backend.dialect.classify(e);
                boolean raced = (f == Dialect.Failure.UNIQUE || f == Dialect.Failure.CONFLICT)
                        && !(e instanceof JdbcBackend.CommitFailed) && !(e instanceof Feed.Fenced);
                if (!raced) {
                    throw e;
                }
                RuntimeException decided = lostRaceOrUnique(e);
                if (decided != null) {
                    throw decided;
                }
                if (attempt >= COMMIT_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    /**
     * First committer wins: every key written must still have the stamp the snapshot showed. Then
     * unique values are re-checked against the latest committed state, as memory does, since a
     * concurrent transaction may have taken one after this one's snapshot.
     */
    private void checkNotWrittenSince() throws SQLException {
        List<TableOverlay> tables = new ArrayList<>(overlay.tables());
        tables.sort(java.util.Comparator.comparing(o -> o.table.name)); // one lock order for every writer
        for (TableOverlay o : tables) {
            if (o.isEmpty()) {
                continue;
            }
            Table t = o.table;
            List<Object> keys = new ArrayList<>(o.size());
            for (Pending p : o.pendings()) {
                keys.add(p.key());
            }
            Iterator<Pending> mine = o.pendings().iterator();
            for (Base now : Reads.bases(conn, t, keys, true)) {
                Base then = mine.next().base();
                if (now.exists() != then.exists() || now.stamp() != then.stamp()) {
                    throw Conflicts.lostRace(t.spec.name(), t.spec.keyType().text(now.key()));
                }
            }
            if (t.hasUnique) {
                checkUniqueAgainstLatest(o);
            }
        }
    }

    /**
     * The database refused an insert or a unique value, or reported a conflict (a deadlock, a
     * concurrent update; nothing was applied). If a key this transaction inserted exists now, a
     * concurrent commit inserted it first: a lost race. Else if a unique value it took is held by
     * another key now, a unique violation. Else null: not decided yet.
     */
    private RuntimeException lostRaceOrUnique(SQLException refused) throws SQLException {
        try {
            for (TableOverlay o : overlay.tables()) {
                for (Pending p : o.pendings()) {
                    if (!p.base().exists() && p.present() && Reads.record(conn, o.table, p.key()) != null) {
                        return Conflicts.lostRace(o.table.spec.name(), o.table.spec.keyType().text(p.key()));
                    }
                }
            }
            for (TableOverlay o : overlay.tables()) {
                if (!o.isEmpty() && o.table.hasUnique) {
                    checkUniqueAgainstLatest(o);
                }
            }
        } catch (dev.depot.UniqueConstraintException e) {
            return e;
        }
        return null;
    }

    private void checkUniqueAgainstLatest(TableOverlay o) throws SQLException {
        Table t = o.table;
        for (Pending p : o.pendings()) {
            if (!p.present()) {
                continue;
            }
            for (int i = 0; i < p.values().length; i++) {
                if (!t.spec.index(i).unique() || p.values()[i] == null) {
                    continue;
                }
                for (Object holder : Reads.uniqueHolders(conn, t, i, p.values()[i])) {
                    // A holder this transaction rewrote has given the value up (or the overlay would have refused it).
                    if (!holder.equals(p.key()) && o.pending(holder) == null) {
                        throw Conflicts.unique(t.spec.name(), t.spec.keyType().text(p.key()), t.spec.index(i).name());
                    }
                }
            }
        }
    }

    @Override
    public void queue(QueueOp op) {
        if (queueWork == null) {
            queueWork = backend.queues.work();
            parts.add(queueWork);
        }
        queueWork.add(op);
    }

    @Override
    public void rollback() {
        if (ended) {
            return;
        }
        ended = true;
        if (conn == null) {
            return;
        }
        try {
            backend.dialect.rollback(conn);
            backend.dialect.endSnapshot(conn);
        } catch (SQLException e) {
            // The connection is broken; the pool discards it. Nothing was written.
        } finally {
            release();
        }
    }

    private void release() {
        if (conn == null) {
            return; // getting a connection for a queue-only commit failed
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // returning to the pool cannot fail in a way that matters to the caller
        }
        conn = null;
        view = null;
    }
}
