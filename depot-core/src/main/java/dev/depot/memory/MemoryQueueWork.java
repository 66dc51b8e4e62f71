package dev.depot.memory;

import dev.depot.Lease;
import dev.depot.spi.QueueConflicts;
import dev.depot.spi.QueueOp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The queue operations of one {@link MemoryTransaction}, buffered until commit. At commit it locks
 * every queue involved (in ordinal order, before any record lock: a global order, so commits never
 * deadlock), checks every lease, lets the record commit run, then applies its operations, and only
 * then releases the queues. So consumers see the produced items and settled leases no earlier than
 * the records — and someone who has seen the records and then looks at the queue waits for the lock
 * and sees the items. A stale lease or a failed record commit applies nothing.
 */
final class MemoryQueueWork {
    private final MemoryQueues queues;
    private final List<QueueOp> ops = new ArrayList<>();
    private final Set<String> settled = new HashSet<>();

    MemoryQueueWork(MemoryQueues queues) {
        this.queues = queues;
    }

    void add(QueueOp op) {
        Lease lease = switch (op) {
            case QueueOp.Retry r -> r.lease();
            case QueueOp.DeadLetter d -> d.lease();
            default -> null;
        };
        List<Lease> leases = op instanceof QueueOp.Complete c ? c.leases() : lease == null ? List.of() : List.of(lease);
        for (Lease l : leases) {
            if (settled.contains(op.queue() + "/" + l.id())) {
                throw new IllegalArgumentException("queue " + op.queue() + ": item " + l.id()
                        + " is already settled in this transaction");
            }
        }
        for (Lease l : leases) {
            settled.add(op.queue() + "/" + l.id());
        }
        ops.add(op);
    }

    /** Commits the record writes ({@code records}) and the queue operations as one. */
    void commit(Runnable records) {
        Map<MemoryQueue, Boolean> involved = new IdentityHashMap<>();
        for (QueueOp op : ops) {
            involved.put(queues.queue(op.queue()), Boolean.TRUE);
        }
        List<MemoryQueue> locked = new ArrayList<>(involved.keySet());
        locked.sort(Comparator.comparingLong(q -> q.ordinal));
        int entered = 0;
        try {
            Instant now = null;
            for (MemoryQueue q : locked) {
                now = q.enter();
                entered++;
            }
            check();
            records.run();
            for (QueueOp op : ops) {
                apply(op, now);
            }
        } finally {
            List<Dying> dying = new ArrayList<>();
            for (int i = entered - 1; i >= 0; i--) {
                MemoryQueue q = locked.get(i);
                q.release().forEach(e -> dying.add(new Dying(e, q)));
            }
            handOff(dying); // only now: no queue lock is held
        }
    }

    /** A dead item on its way out of {@code source}. */
    private record Dying(QueueEntry entry, MemoryQueue source) {}

    /**
     * Hands the commit's dead items over in the order they died, those that died together by id,
     * whichever queue they leave: as SQL inserts them, one commit's dead letters sorted together.
     * Consecutive items of one source queue go in one hand-off.
     */
    private static void handOff(List<Dying> dying) {
        dying.sort((x, y) -> MemoryQueue.BY_DEATH.compare(x.entry(), y.entry()));
        for (int i = 0; i < dying.size(); ) {
            MemoryQueue source = dying.get(i).source();
            int j = i;
            List<QueueEntry> run = new ArrayList<>();
            while (j < dying.size() && dying.get(j).source() == source) {
                run.add(dying.get(j++).entry());
            }
            source.handOff(run);
            i = j;
        }
    }

    /** Every lease must be current at commit; otherwise nothing is applied. */
    private void check() {
        for (QueueOp op : ops) {
            MemoryQueue q = queues.queue(op.queue());
            switch (op) {
                case QueueOp.Complete c -> c.leases().forEach(l -> require(q, l, "complete"));
                case QueueOp.Retry r -> require(q, r.lease(), "retry");
                case QueueOp.DeadLetter d -> require(q, d.lease(), "dead-letter");
                case QueueOp.Produce p -> { }
            }
        }
    }

    private static void require(MemoryQueue q, Lease lease, String action) {
        if (q.current(lease) == null) {
            throw QueueConflicts.staleLease(q.name, lease, action);
        }
    }

    private void apply(QueueOp op, Instant now) {
        MemoryQueue q = queues.queue(op.queue());
        switch (op) {
            case QueueOp.Produce p -> {
                q.declared = true; // tx.queue(name) creates on first use: after a drop, a fresh queue
                q.produceLocked(p.messages());
            }
            case QueueOp.Complete c -> c.leases().forEach(l -> q.completeLocked(q.current(l)));
            case QueueOp.Retry r -> q.retryLocked(q.current(r.lease()), r.delay(), now);
            case QueueOp.DeadLetter d -> q.deadLetterLocked(q.current(d.lease()), d.reason(), now);
        }
    }
}
