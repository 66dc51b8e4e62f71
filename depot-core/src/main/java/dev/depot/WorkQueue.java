package dev.depot;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A named work queue: producers add items, consumers lease them, process them and settle them.
 * Thread-safe; get one with {@link Depot#queue(String, QueueOptions)}. Guarantees (see CONTRACT.md,
 * "Queues"):
 *
 * <ul>
 *   <li><b>At-least-once.</b> An item leaves the queue only when a holder of a current lease
 *       completes it, or when it dies (then it moves to the dead-letter queue, or stays here in
 *       state {@code DEAD}). Nothing is lost; work may be redone after a lease expires.
 *   <li><b>Fenced leases.</b> A leased item is invisible to other consumers until it is completed,
 *       retried or its lease expires. Each lease has a fresh token; a call with a token that is no
 *       longer current throws {@link LeaseExpiredException} and changes nothing.
 *   <li><b>FIFO among ready items</b>, by the time they became ready; an expired or retried item
 *       goes to the tail.
 *   <li><b>Attempts</b> are counted when an item is leased; when the last allowed lease ends
 *       without completion (retried or expired), the item is dead, with its attempt history.
 *   <li><b>Time</b> is the depot's clock ({@link DepotOptions#clock}): leases, schedules, expiry and
 *       retention all follow it, so a test moves them with a {@code TestClock}.
 * </ul>
 *
 * <p>Batches (produce, complete, retry) hold 1 to 1,000 items, else {@link IllegalArgumentException}.
 */
public interface WorkQueue {

    String name();

    /** The queue's current options. */
    QueueOptions options();

    /** Adds an item; returns its id, or with a dedup key already in the queue, that item's id. */
    String produce(Message message);

    /** Adds 1 to 1,000 items atomically, in order; returns their ids as {@link #produce(Message)} does. */
    List<String> produce(List<Message> messages);

    /**
     * Leases up to {@code max} (1 to 1,000) ready items, oldest-ready first. When none is ready,
     * waits up to {@code wait} (0 to 1 day) — woken by a produce, never polling — and returns an empty list if
     * the wait ends with none. When several consumers wait, newly produced items are shared among
     * them rather than all going to one. The holder recorded is the calling thread's name.
     */
    default List<Lease> lease(int max, Duration wait) {
        return lease(Thread.currentThread().getName(), max, wait);
    }

    /** Like {@link #lease(int, Duration)}, recording {@code holder} (such as a worker id) as the lease holder. */
    List<Lease> lease(String holder, int max, Duration wait);

    /** Removes the item for good. Throws {@link LeaseExpiredException} if the lease is not current. */
    void complete(Lease lease);

    /** Completes each current lease; the stale ones are reported, not thrown. */
    BatchResult complete(List<Lease> leases);

    /**
     * Ends the lease without completion: the item goes to the tail after {@code delay} (zero: at
     * once), or, if this was its last allowed attempt, it is dead. Throws
     * {@link LeaseExpiredException} if the lease is not current.
     */
    void retry(Lease lease, Duration delay);

    /** Retries each current lease; the stale ones are reported, not thrown. */
    BatchResult retry(List<Lease> leases, Duration delay);

    /** Kills the item at once, whatever attempts are left, recording {@code reason}. */
    void deadLetter(Lease lease, String reason);

    /**
     * Makes the lease end {@code by} after now (depot clock) and returns it with its new expiry; the
     * token stays. Throws {@link LeaseExpiredException} if the lease is not current.
     */
    Lease extend(Lease lease, Duration by);

    QueueStats stats();

    /**
     * Items in id (production) order, optionally only those in {@code state} (null: all), at most
     * {@code limit} (1 to 1,000) per page; pass the previous page's {@link Page#nextCursor()} as
     * {@code cursor} (null for the first page). For inspection: on memory it costs O(items).
     */
    Page<QueueItem> list(ItemState state, int limit, String cursor);

    /** The item with this id, if it is in this queue (in any state). */
    Optional<QueueItem> inspect(String id);

    /** Removes every item in every state; current leases become stale. Returns how many were removed. */
    long clear();
}
