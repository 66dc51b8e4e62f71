package dev.depot.memory;

import dev.depot.Attempt;
import dev.depot.Lease;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The leases one {@code lease} call granted, as recorded under the queue lock, turned into {@link
 * Lease} values after the lock is released: formatting tokens and building leases is most of a
 * lease's cost, and needs no lock. What can change once the lock is gone (attempt count, history:
 * the lease could end and the item be leased again before the caller looks) is copied here under
 * the lock; the rest of an entry is final. A grant's tokens are consecutive.
 */
final class LeaseGrant {
    static final LeaseGrant NONE = new LeaseGrant(0, 0, null, null, null);

    private final QueueEntry[] entries;
    private final int[] attempts;
    private final Object[] histories;
    private final long firstToken;
    private final Instant leasedAt;
    private final Instant expiresAt;
    private final String holder;
    private int size;

    LeaseGrant(int capacity, long firstToken, Instant leasedAt, Instant expiresAt, String holder) {
        this.entries = new QueueEntry[capacity];
        this.attempts = new int[capacity];
        this.histories = new Object[capacity];
        this.firstToken = firstToken;
        this.leasedAt = leasedAt;
        this.expiresAt = expiresAt;
        this.holder = holder;
    }

    /** Records a lease just granted on {@code e}; under the queue lock, tokens in order from {@code firstToken}. */
    void add(QueueEntry e) {
        entries[size] = e;
        attempts[size] = e.attempts;
        histories[size] = e.history;
        size++;
    }

    /** The leases, in grant order; call without the queue lock. */
    @SuppressWarnings("unchecked")
    List<Lease> leases(String queue) {
        List<Lease> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            QueueEntry e = entries[i];
            out.add(new Lease(queue, e.id, LeaseToken.format(firstToken + i), e.payload, e.headers, e.dedupKey, attempts[i],
                    e.producedAt, leasedAt, expiresAt, holder, (List<Attempt>) histories[i]));
        }
        return out;
    }
}
