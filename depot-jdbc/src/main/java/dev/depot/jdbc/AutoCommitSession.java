package dev.depot.jdbc;

import dev.depot.spi.CollectionSpec;
import dev.depot.spi.QueryPlan;
import dev.depot.spi.Session;
import dev.depot.spi.StoredRecord;
import dev.depot.spi.Write;
import dev.depot.spi.WriteResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The shared auto-commit session: each call is its own transaction. Reads are single statements.
 * Writes run in a data transaction that locks the keys it writes as it reads them, so the
 * preconditions are evaluated on their latest committed state by the same {@link WriteRules} as
 * transactions use, and the rows are written with batches; a failed precondition rolls back and
 * writes nothing. A concurrent insert of the same key or unique value makes the database refuse the
 * write, which then runs again (see {@link JdbcBackend#write}) and finds the winner. An insert, or an
 * update at a given version, of a table without unique indexes skips the locking read ({@link
 * DirectWrite}). Thread-safe: it holds no state.
 */
final class AutoCommitSession implements Session {
    private final JdbcBackend backend;

    AutoCommitSession(JdbcBackend backend) {
        this.backend = backend;
    }

    private static String on(CollectionSpec spec) {
        return "collection '" + spec.name() + "'";
    }

    @Override
    public StoredRecord get(CollectionSpec spec, Object key) {
        Table t = backend.table(spec);
        return backend.read("reading " + on(spec), c -> Reads.record(c, t, key));
    }

    @Override
    public List<StoredRecord> getAll(CollectionSpec spec, List<Object> keys) {
        Table t = backend.table(spec);
        return backend.read("reading " + on(spec), c -> Reads.records(c, t, keys));
    }

    @Override
    public WriteResult write(CollectionSpec spec, Write write) {
        Table t = backend.table(spec);
        try (var held = backend.catalog.holdDeclaration(t)) {
            return write(spec, t, write);
        }
    }

    private WriteResult write(CollectionSpec spec, Table t, Write write) {
        if (DirectWrite.applies(t, write)) {
            WriteResult r = backend.write("writing to " + on(spec), tx -> DirectWrite.apply(tx, t, write));
            if (r != null) {
                return r;
            } // refused: the general path below finds out why
        }
        return backend.write("writing to " + on(spec), tx -> {
            View v = new View(tx.conn, new Overlay(), true);
            List<PendingEvent> events = new ArrayList<>(1);
            return finish(tx, v, events, WriteRules.write(v, t, write, events));
        });
    }

    @Override
    public List<WriteResult> writeAll(CollectionSpec spec, List<Write> writes) {
        Table t = backend.table(spec);
        try (var held = backend.catalog.holdDeclaration(t)) {
            return writeAll(spec, t, writes);
        }
    }

    private List<WriteResult> writeAll(CollectionSpec spec, Table t, List<Write> writes) {
        return backend.write("writing to " + on(spec), tx -> {
            View v = new View(tx.conn, new Overlay(), true);
            List<PendingEvent> events = new ArrayList<>(writes.size());
            List<WriteResult> results = WriteRules.writeAll(v, t, writes, events);
            // On failure the list holds only the failing result.
            finish(tx, v, events, results.get(0));
            return results;
        });
    }

    @Override
    public WriteResult delete(CollectionSpec spec, Object key, long expectedVersion) {
        Table t = backend.table(spec);
        try (var held = backend.catalog.holdDeclaration(t)) {
            return delete(spec, t, key, expectedVersion);
        }
    }

    private WriteResult delete(CollectionSpec spec, Table t, Object key, long expectedVersion) {
        return backend.write("deleting from " + on(spec), tx -> {
            View v = new View(tx.conn, new Overlay(), true);
            List<PendingEvent> events = new ArrayList<>(1);
            return finish(tx, v, events, WriteRules.delete(v, t, key, expectedVersion, events));
        });
    }

    private static WriteResult finish(WriteTransaction tx, View v, List<PendingEvent> events, WriteResult r)
            throws java.sql.SQLException {
        if (r.ok()) {
            tx.applyLast(v.overlay, events); // nothing follows: its last statement may commit
        } else {
            tx.rollbackOnly();
        }
        return r;
    }

    @Override
    public List<StoredRecord> query(CollectionSpec spec, QueryPlan plan) {
        Table t = backend.table(spec);
        return backend.read("querying " + on(spec), c -> QueryRunner.query(c, t, plan, null));
    }

    @Override
    public long count(CollectionSpec spec, QueryPlan plan) {
        Table t = backend.table(spec);
        return backend.read("counting " + on(spec), c -> QueryRunner.count(c, t, plan, null));
    }

    @Override
    public void commit() {}

    @Override
    public void rollback() {}
}
