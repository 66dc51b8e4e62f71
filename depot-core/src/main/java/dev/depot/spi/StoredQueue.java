package dev.depot.spi;

import dev.depot.BatchResult;
import dev.depot.ItemState;
import dev.depot.Lease;
import dev.depot.Message;
import dev.depot.Page;
import dev.depot.QueueItem;
import dev.depot.QueueOptions;
import dev.depot.QueueStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * One queue of a {@link QueueStore}, with arguments already validated by core (leases belong to
 * this queue, batches hold 1 to 1,000 non-null items). Thread-safe. Methods mirror
 * {@link dev.depot.WorkQueue}; single-lease forms report a stale lease by returning false or null
 * and core turns that into {@code LeaseExpiredException}.
 */
public interface StoredQueue {

    String name();

    QueueOptions options();

    List<String> produce(List<Message> messages);

    /** Waits at most {@code wait}; an interrupt ends the wait early with what is there (flag kept). */
    List<Lease> lease(String holder, int max, Duration wait);

    /**
     * As {@link #lease(String, int, Duration)}, but a wait also ends, with nothing leased, once
     * {@code stop} says so (core passes its depot's closed state; the backend wakes its waiters when
     * it closes). A consumer waiting when its depot closed stayed parked on memory for the rest of
     * its wait (up to a day), while SQL's next look failed as closed.
     */
    default List<Lease> lease(String holder, int max, Duration wait, BooleanSupplier stop) {
        return lease(holder, max, wait);
    }

    BatchResult complete(List<Lease> leases);

    BatchResult retry(List<Lease> leases, Duration delay);

    boolean deadLetter(Lease lease, String reason);

    /** The lease with its new expiry, or null if it is not current. */
    Lease extend(Lease lease, Duration by);

    QueueStats stats();

    Page<QueueItem> list(ItemState state, int limit, String cursor);

    Optional<QueueItem> inspect(String id);

    long clear();
}
