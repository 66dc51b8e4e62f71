package dev.depot;

import java.time.Duration;

/**
 * How {@link Depot#transact(Retry, TransactionWork)} retries a transaction that failed with {@link
 * ConflictException}: the whole callback runs again, on a fresh snapshot, after a short randomised
 * backoff. Other exceptions are never retried.
 *
 * @param maxRetries retries after the first attempt
 * @param maxBackoff upper bound of the pause before a retry
 */
public record Retry(int maxRetries, Duration maxBackoff) {
    public Retry {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        if (maxBackoff.isNegative()) {
            throw new IllegalArgumentException("maxBackoff must not be negative");
        }
    }

    /** Retries up to {@code maxRetries} times on {@link ConflictException}. */
    public static Retry onConflict(int maxRetries) {
        return new Retry(maxRetries, Duration.ofMillis(20));
    }

    /** Never retries. */
    public static Retry never() {
        return new Retry(0, Duration.ZERO);
    }

    public Retry withMaxBackoff(Duration backoff) {
        return new Retry(maxRetries, backoff);
    }
}
