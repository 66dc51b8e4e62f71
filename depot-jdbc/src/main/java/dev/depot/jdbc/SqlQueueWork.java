package dev.depot.jdbc;

import dev.depot.Lease;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.QueueOp;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queue operations of one record transaction ({@code tx.queue}), buffered until commit and then
 * applied in the transaction's own database transaction, after its record rows and before COMMIT:
 * records and queue changes commit together or not at all. Every lease is checked at that moment
 * (locked row, token, expiry by the depot clock); a stale one throws {@code LeaseExpiredException},
 * which rolls everything back. Produced items' ids are reserved when the commit begins, before its
 * database transaction, so the commit itself never waits for the id counter.
 */
final class SqlQueueWork implements CommitPart {
    private final SqlQueueStore store;
    private final List<QueueOp> ops = new ArrayList<>();
    private final List<long[]> ids = new ArrayList<>();
    private final Set<String> settled = new HashSet<>();
    private final Wakeups wakeups;

    SqlQueueWork(SqlQueueStore store) {
        this.store = store;
        this.wakeups = new Wakeups(store);
    }

    void add(QueueOp op) {
        List<Lease> leases = switch (op) {
            case QueueOp.Complete c -> c.leases();
            case QueueOp.Retry r -> List.of(r.lease());
            case QueueOp.DeadLetter d -> List.of(d.lease());
            case QueueOp.Produce p -> List.of();
        };
        for (Lease l : leases) {
            if (settled.contains(op.queue() + "/" + l.id())) {
                throw new IllegalArgumentException("queue " + op.queue() + ": item " + l.id() + " is already settled in this transaction");
            }
        }
        for (Lease l : leases) {
            settled.add(op.queue() + "/" + l.id());
        }
        ids.add(null);
        ops.add(op);
    }

    /**
     * Numbers the items to produce on the commit's connection, just before its database transaction
     * (in a short one of their own, which the commit's write lock must not hold up, and which stays
     * committed if the commit fails: ids are never handed out twice): ids follow the order items are
     * produced in, a transaction's at its commit, as on memory, so {@code list} (in id order) shows
     * an item produced by another producer while this transaction was open before this one's.
     * Buffering reserved them, so such an item listed after the transaction's on SQL only.
     */
    void reserveIds(Connection c) throws SQLException {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof QueueOp.Produce p) {
                ids.set(i, store.reserveIds(c, p.messages().size()));
            }
        }
    }

    boolean isEmpty() {
        return ops.isEmpty();
    }

    @Override
    public void apply(Connection c) throws SQLException {
        wakeups.reset();
        long now = store.now();
        Map<String, SqlQueue> involved = new LinkedHashMap<>();
        java.util.SortedSet<String> producedTo = new java.util.TreeSet<>(); // by name: declaration rows locked in one order
        for (QueueOp op : ops) {
            if (op instanceof QueueOp.Produce) {
                producedTo.add(op.queue());
            }
        }
        Map<String, SqlQueue> declared = new java.util.HashMap<>();
        for (String queue : producedTo) {
            // Declared (again, after a drop) in this transaction: one rolled back leaves none behind.
            declared.put(queue, store.queueToProduceIn(c, queue));
        }
        for (QueueOp op : ops) {
            if (!involved.containsKey(op.queue())) {
                // A queue new to this process is created in this transaction: one rolled back leaves none behind.
                SqlQueue q = declared.get(op.queue());
                involved.put(op.queue(), q != null ? q : store.queueIn(c, op.queue()));
            }
        }
        // The options in force, as the due work read them: those decide where retried and dead items go.
        Map<String, dev.depot.QueueOptions> options = new java.util.HashMap<>();
        for (SqlQueue q : involved.values()) {
            options.put(q.name, q.catchUp(c, now, wakeups)); // due work first, as memory's commit (an expired item releases its dedup key)
        }
        for (int i = 0; i < ops.size(); i++) {
            QueueOp op = ops.get(i);
            SqlQueue q = involved.get(op.queue());
            switch (op) {
                case QueueOp.Produce p -> q.insert(c, p.messages(), ids.get(i), now, wakeups);
                case QueueOp.Complete cp -> {
                    List<QueueRow> done = settle(c, q, cp.leases(), now, "complete");
                    done.forEach(r -> r.deleted = true);
                    q.write(c, done);
                }
                case QueueOp.Retry r -> {
                    QueueRow row = settle(c, q, List.of(r.lease()), now, "retry").getFirst();
                    if (row.retry(now, SqlQueueStore.micros(r.delay()), options.get(q.name), wakeups)) {
                        wakeups.ready(q.name, 1);
                    }
                    q.write(c, List.of(row));
                }
                case QueueOp.DeadLetter d -> {
                    QueueRow row = settle(c, q, List.of(d.lease()), now, "dead-letter").getFirst();
                    row.deadLetter(now, d.reason(), options.get(q.name), wakeups);
                    q.write(c, List.of(row));
                }
            }
        }
        // Dead letters reach their queue after the transaction's own operations: memory hands them over after its commit.
        if (!wakeups.arrivals.isEmpty()) {
            wakeups.declareArrivals(c);
            List<QueueRow> arrived = new ArrayList<>(wakeups.arrivals);
            arrived.sort(Wakeups.BY_DEATH);
            wakeups.renumber(c, arrived);
        }
    }

    /** The locked rows the leases currently hold, in lease order; the first stale lease fails the commit. */
    private static List<QueueRow> settle(Connection c, SqlQueue q, List<Lease> leases, long now, String action) throws SQLException {
        Map<Long, QueueRow> rows = q.lock(c, leases).rows();
        List<QueueRow> out = new ArrayList<>(leases.size());
        for (Lease l : leases) {
            QueueRow r = SqlQueue.current(rows, l, now);
            if (r == null) {
                throw QueueConflicts.staleLease(q.name, l, action);
            }
            out.add(r);
        }
        return out;
    }

    /**
     * Locks the items this transaction settles and checks that its leases still hold them, before
     * the records are checked: a stale lease fails the commit as {@link dev.depot.LeaseExpiredException}
     * whether or not a record lost its race too, as on memory, which takes the queues first (a
     * record conflict first would make {@code Retry.onConflict} run the callback again for nothing).
     */
    void checkLeases(Connection c) throws SQLException {
        long now = store.now();
        for (QueueOp op : ops) {
            switch (op) {
                case QueueOp.Complete cp -> settle(c, store.queueIn(c, op.queue()), cp.leases(), now, "complete");
                case QueueOp.Retry r -> settle(c, store.queueIn(c, op.queue()), List.of(r.lease()), now, "retry");
                case QueueOp.DeadLetter d -> settle(c, store.queueIn(c, op.queue()), List.of(d.lease()), now, "dead-letter");
                case QueueOp.Produce p -> { }
            }
        }
    }

    @Override
    public void committed() {
        wakeups.signal();
    }
}
