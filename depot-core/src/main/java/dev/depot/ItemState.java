package dev.depot;

/** Where an item of a {@link WorkQueue} stands. */
public enum ItemState {
    /** Waiting to be leased; ready items are handed out oldest-ready first. */
    READY,
    /** Produced with a {@code notBefore}, or retried with a delay, and not yet due. */
    SCHEDULED,
    /** Held by a consumer until its lease is completed, retried or expires. */
    LEASED,
    /**
     * Failed for good and kept, for inspection, in a queue that has no dead-letter queue (or that
     * is itself one), until the queue's dead-item retention passes.
     */
    DEAD
}
