package dev.depot.jdbc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What one queue operation made ready, per queue, to wake this process's waiting consumers once its
 * database transaction has committed (waking them earlier would let them look before the items are
 * visible). Also hands out the ordering numbers of items becoming ready.
 */
final class Wakeups {
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
