package dev.depot.memory;

import dev.depot.Attempt;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.QueueItem;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One item of a {@link MemoryQueue}. Mutable, and guarded by its queue's lock: every field is read
 * and written only while holding it (a producer builds an entry under the queue's produce lock and
 * hands it over through the queue's incoming list, which the queue lock's holder takes under the
 * same produce lock). An entry that left the queue (completed, cleared, moved to a dead-letter
 * queue), or has not yet been taken in from the incoming list, has {@code state == null}, which is
 * how stale references in the queue's lazy structures are recognised and skipped.
 */
final class QueueEntry {
    final long seq;
    final String id;
    final byte[] payload;
    final Map<String, String> headers;
    final String dedupKey;
    final Instant producedAt;
    /** The {@code expireAfter} deadline, or null. */
    final Instant deadline;
    /** Came here as a dead letter: if it fails again it stays here as DEAD, so dead items never travel in circles. */
    final boolean deadLetter;
    final String deadFrom;

    ItemState state;
    Instant readyAt;
    /**
     * When it was queued among items ready, or scheduled, at the same instant (SQL's {@code rseq}):
     * scheduled items due at one instant become ready in this order, and leases that end at one
     * instant requeue their items in the order they were granted, which is this order at the grant.
     */
    long order;
    int attempts;
    String token;
    Instant leasedAt;
    Instant leaseExpiresAt;
    String holder;
    List<Attempt> history;
    String deadReason;
    Instant deadAt;
    /** The dead-letter queue it is on its way to, once it died. */
    String movingTo;

    QueueEntry(long seq, byte[] payload, Map<String, String> headers, String dedupKey, Instant producedAt, Instant deadline,
            List<Attempt> history, String deadReason, String deadFrom) {
        this(seq, Long.toString(seq), payload, headers, dedupKey, producedAt, deadline, history, deadReason, deadFrom);
    }

    /** With its id already formatted (producers format ids before taking a lock). */
    QueueEntry(long seq, String id, byte[] payload, Map<String, String> headers, String dedupKey, Instant producedAt,
            Instant deadline, List<Attempt> history, String deadReason, String deadFrom) {
        this.seq = seq;
        this.id = id;
        this.payload = payload;
        this.headers = headers;
        this.dedupKey = dedupKey;
        this.producedAt = producedAt;
        this.deadline = deadline;
        this.history = history;
        this.deadReason = deadReason;
        this.deadFrom = deadFrom;
        this.deadLetter = deadFrom != null;
    }

    /** A copy of an entry, keeping its id, arriving in a dead-letter queue. */
    QueueEntry(QueueEntry dead, String from) {
        this.seq = dead.seq;
        this.id = dead.id;
        this.payload = dead.payload;
        this.headers = dead.headers;
        this.dedupKey = dead.dedupKey;
        this.producedAt = dead.producedAt;
        this.deadline = null;
        this.history = dead.history;
        this.deadReason = dead.deadReason;
        this.deadFrom = from;
        this.deadLetter = true;
    }

    boolean holds(Lease lease) {
        return state == ItemState.LEASED && token.equals(lease.token());
    }

    void endAttempt(Instant at, Attempt.Outcome outcome, String reason) {
        List<Attempt> more = new ArrayList<>(history.size() + 1);
        more.addAll(history);
        more.add(new Attempt(attempts, leasedAt, at, holder, outcome, reason));
        history = List.copyOf(more);
        token = null;
        leasedAt = null;
        leaseExpiresAt = null;
        holder = null;
    }

    Lease lease(String queue) {
        return new Lease(queue, id, token, payload, headers, dedupKey, attempts, producedAt, leasedAt, leaseExpiresAt, holder, history);
    }

    QueueItem item() {
        return new QueueItem(id, state, payload, headers, dedupKey, attempts, producedAt, readyAt, deadline, leaseExpiresAt,
                holder, deadReason, deadFrom, history);
    }
}
