package dev.depot.spi;

import dev.depot.Lease;
import dev.depot.LeaseExpiredException;

/** The wording of a stale lease, shared by core (single-item calls) and backends (transaction commits). */
public final class QueueConflicts {
    private QueueConflicts() {}

    /** {@code action} is what was tried: complete, retry, dead-letter, extend. Never shows the payload. */
    public static LeaseExpiredException staleLease(String queue, Lease lease, String action) {
        return new LeaseExpiredException("queue " + queue + ": cannot " + action + " item " + lease.id()
                + ": its lease (attempt " + lease.attempt() + ") is no longer current; it expired, the item was settled or the queue was dropped");
    }

    /** Dropping a queue that another queue names as its dead-letter queue (the first such queue by name). */
    public static IllegalStateException deadLetterQueueInUse(String queue, String referrer) {
        return new IllegalStateException("queue " + queue + ": cannot drop it: it is the dead-letter queue of queue " + referrer
                + "; give " + referrer + " other options or drop it first");
    }

    /** A produce through a handle whose queue was dropped and not opened again. */
    public static IllegalStateException dropped(String queue) {
        return new IllegalStateException("queue " + queue + ": it was dropped; open it again with depot.queue(\"" + queue
                + "\") to produce to a new queue of that name");
    }
}
