package dev.depot;

import java.util.List;

/**
 * The depot-wide feed of committed writes, in commit order. Resuming from the last sequence
 * processed never misses or repeats an event, even with concurrent writers. Rolled-back
 * transactions and no-op writes (deleting a missing key) emit nothing. Events older than the
 * retention (see {@link DepotOptions#changeRetention}) are dropped.
 */
public interface ChangeFeed {

    /** Up to {@code limit} events with sequence greater than {@code afterSequence}, oldest first. */
    List<ChangeEvent> since(long afterSequence, int limit);

    /** Same as {@code since(afterSequence, 1000)}. */
    default List<ChangeEvent> since(long afterSequence) {
        return since(afterSequence, 1000);
    }

    /** The sequence of the newest committed event, 0 when there is none. */
    long lastSequence();

    /**
     * Pushes every event with sequence greater than {@code afterSequence} to {@code listener}, from a
     * dedicated thread, until the subscription or the depot is closed.
     */
    Subscription subscribe(long afterSequence, ChangeListener listener);
}
