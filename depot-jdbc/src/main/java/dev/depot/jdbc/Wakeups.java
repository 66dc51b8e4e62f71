package dev.depot.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one queue operation made ready, per queue, to wake this process's waiting consumers once its
 * database transaction has committed (waking them earlier would let them look before the items are
 * visible). Also hands out the ordering numbers of items becoming ready.
 */
final class Wakeups {
    /** The order dead letters of one call arrive in: as they died, those that died together by id (as memory). */
    static final Comparator<QueueRow> BY_DEATH = Comparator.comparingLong((QueueRow r) -> r.deadAt).thenComparingLong(r -> r.id);

    private final SqlQueueStore store;
    private final Map<String, Integer> ready = new HashMap<>();
    /** Rows that moved to their dead-letter queue in this operation, in the order they died. */
    final List<QueueRow> arrivals = new ArrayList<>(0);

    Wakeups(SqlQueueStore store) {
        this.store = store;
    }

    long nextId() {
        return store.nextId();
    }

    void ready(String queue, int n) {
        if (n > 0) {
            ready.merge(queue, n, Integer::sum);
        }
    }

    /** A dead item arrived, ready, in its dead-letter queue. */
    void arrived(QueueRow r) {
        ready(r.queue, 1);
        arrivals.add(r);
    }

    /**
     * Makes sure the dead-letter queues items arrived in are declared: this process may still have a
     * queue's options naming a dead-letter queue that another process has since stopped using and
     * dropped; its dead letters then declare it again (default options) rather than be stored for a
     * queue that is not listed, which a queue of that name created later would inherit. A plain read
     * when it is declared, no lock: this runs after the call has locked items, and H2's lock on a
     * declaration is exclusive, so locking here deadlocked with a transaction producing to the
     * dead-letter queue (which locks declarations first). A drop racing with the arrival itself is
     * not covered.
     */
    void declareArrivals(Connection c) throws SQLException {
        java.util.Set<String> queues = new java.util.TreeSet<>(); // by name: declaration rows locked in one order
        for (QueueRow r : arrivals) {
            queues.add(r.queue);
        }
        for (String q : queues) {
            store.declareIfMissing(c, q);
        }
    }

    /**
     * Dead letters of one call arrive in the order they died, ties by id (as memory): the rows got
     * their ready-order numbers as processed; when that order differs, they are numbered again.
     */
    void orderArrivals(Connection c) throws SQLException {
        if (arrivals.size() < 2) {
            return;
        }
        List<QueueRow> sorted = new ArrayList<>(arrivals);
        sorted.sort(BY_DEATH);
        if (sorted.equals(arrivals)) {
            return;
        }
        renumber(c, sorted);
    }

    /** Gives these arrived rows fresh ready-order numbers, in this order. */
    void renumber(Connection c, List<QueueRow> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + store.items + " SET rseq = ?, ver = ver + 1 WHERE id = ?")) {
            for (QueueRow r : rows) {
                r.rseq = store.nextId();
                r.ver++;
                ps.setLong(1, r.rseq);
                ps.setLong(2, r.id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** After commit. */
    void signal() {
        ready.forEach(store::signal);
    }

    /** A retried transaction starts over. */
    void reset() {
        ready.clear();
        arrivals.clear();
    }
}
