package dev.depot;

import java.util.List;

/**
 * The depot-wide feed of committed writes, in commit order. Resuming from the last sequence
 * processed never misses or repeats an event, even with concurrent writers (and on databases that
 * make a later commit visible before an earlier one: a read stops before a sequence not yet visible).
 * Rolled-back transactions and no-op writes (deleting a missing key) emit nothing. Events older than
 * the retention (see {@link DepotOptions#changeRetention}) are dropped; a reader behind them resumes
 * at the oldest retained event.
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
     * Pushes every event with sequence greater than {@code afterSequence} to {@code listener}, in
     * order, from a dedicated thread, until the subscription or the depot is closed; a listener that
     * throws gets the same event again after a growing pause ({@link SubscribeOptions#defaults()}).
     */
    default Subscription subscribe(long afterSequence, ChangeListener listener) {
        return subscribe(afterSequence, listener, SubscribeOptions.defaults());
    }

    /**
     * Like {@link #subscribe(long, ChangeListener)}, with a policy for listener failures. Backend
     * failures never end a subscription: it retries, keeps its position and resumes exactly there.
     */
    Subscription subscribe(long afterSequence, ChangeListener listener, SubscribeOptions options);
}
