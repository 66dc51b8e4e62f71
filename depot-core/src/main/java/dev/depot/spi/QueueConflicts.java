package dev.depot.spi;

import dev.depot.Lease;
import dev.depot.LeaseExpiredException;

/** The wording of a stale lease, shared by core (single-item calls) and backends (transaction commits). */
public final class QueueConflicts {
    private QueueConflicts() {}

    /** {@code action} is what was tried: complete, retry, dead-letter, extend. Never shows the payload. */
    public static LeaseExpiredException staleLease(String queue, Lease lease, String action) {
        return new LeaseExpiredException("queue " + queue + ": cannot " + action + " item " + lease.id()
                + ": its lease (attempt " + lease.attempt() + ") is no longer current; it expired or the item was settled");
    }
}
