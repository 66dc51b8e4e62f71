package dev.depot;

import java.time.Instant;
import java.util.Objects;

/**
 * One lease of a queue item that ended without completion, kept in the item's history (and carried
 * into its dead-letter queue).
 *
 * @param number the attempt number, 1 for the first lease
 * @param leasedAt when the lease was granted (depot clock)
 * @param endedAt when it ended: the retry or dead-letter call, or the lease's expiry time
 * @param holder who held the lease, as passed to {@link WorkQueue#lease(String, int, java.time.Duration)}
 * @param outcome how it ended
 * @param reason the dead-letter reason, or a short description such as {@code "lease expired"}
 */
public record Attempt(int number, Instant leasedAt, Instant endedAt, String holder, Outcome outcome, String reason) {

    /** How a lease ended without completion. */
    public enum Outcome {
        /** The holder called {@code retry}. */
        RETRIED,
        /** Nobody completed, retried or extended the lease in time. */
        EXPIRED,
        /** The holder called {@code deadLetter}. */
        DEAD_LETTERED
    }

    public Attempt {
        Objects.requireNonNull(leasedAt, "leasedAt");
        Objects.requireNonNull(endedAt, "endedAt");
        Objects.requireNonNull(outcome, "outcome");
    }
}
