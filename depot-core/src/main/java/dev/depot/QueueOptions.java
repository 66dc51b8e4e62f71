package dev.depot;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Settings of one {@link WorkQueue}. Immutable; each wither returns a copy.
 *
 * <pre>{@code
 * depot.queue("emails", QueueOptions.leaseTimeout(Duration.ofSeconds(30)).maxAttempts(5).deadLetter("emails_dead"));
 * }</pre>
 *
 * <p>Options belong to the queue, not to the handle: {@link Depot#queue(String, QueueOptions)}
 * replaces them for every handle. A change applies to later events only — a lease already granted
 * keeps its expiry, an item already dead stays where it went.
 *
 * @param leaseTimeout how long a lease holds unless extended (1 ms to 7 days)
 * @param maxAttempts leases an item may get (at least 1); when the last one ends without
 *     completion the item is dead
 * @param deadLetterQueue where dead items go, or {@code null} to keep them in this queue in state
 *     {@link ItemState#DEAD}. Must be another queue, and one without a dead-letter queue of its own
 * @param deadRetention how long dead items kept in state {@code DEAD} stay before they are dropped (0 to 36,500 days)
 */
public record QueueOptions(Duration leaseTimeout, int maxAttempts, String deadLetterQueue, Duration deadRetention) {
    static final Duration MAX_LEASE = Duration.ofDays(7);
    /** A hundred years: "for ever" in practice, and within every backend's microsecond arithmetic. */
    static final Duration MAX_RETENTION = Duration.ofDays(36_500);

    /** Durations are kept in microseconds, as every instant a depot stores, so options compare equal on every backend. */
    public QueueOptions {
        Objects.requireNonNull(leaseTimeout, "leaseTimeout");
        Objects.requireNonNull(deadRetention, "deadRetention");
        leaseTimeout = leaseTimeout.truncatedTo(ChronoUnit.MICROS);
        deadRetention = deadRetention.truncatedTo(ChronoUnit.MICROS);
        if (leaseTimeout.compareTo(Duration.ofMillis(1)) < 0 || leaseTimeout.compareTo(MAX_LEASE) > 0) {
            throw new IllegalArgumentException("leaseTimeout must be between 1 ms and 7 days, was " + leaseTimeout);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, was " + maxAttempts);
        }
        if (deadLetterQueue != null) {
            QueueRules.checkName(deadLetterQueue, "dead-letter queue");
        }
        if (deadRetention.isNegative() || deadRetention.compareTo(MAX_RETENTION) > 0) {
            throw new IllegalArgumentException("deadRetention must be between 0 and 36,500 days, was " + deadRetention);
        }
    }

    /** Lease timeout 30 s, 5 attempts, no dead-letter queue (dead items stay here), dead items kept 7 days. */
    public static QueueOptions defaults() {
        return new QueueOptions(Duration.ofSeconds(30), 5, null, Duration.ofDays(7));
    }

    /** The defaults with this lease timeout: the start of a chain, as in the class example. */
    public static QueueOptions leaseTimeout(Duration timeout) {
        return defaults().withLeaseTimeout(timeout);
    }

    public QueueOptions withLeaseTimeout(Duration timeout) {
        return new QueueOptions(timeout, maxAttempts, deadLetterQueue, deadRetention);
    }

    public QueueOptions maxAttempts(int attempts) {
        return new QueueOptions(leaseTimeout, attempts, deadLetterQueue, deadRetention);
    }

    /** Dead items move to {@code queue}, where they are ordinary ready items carrying their history. */
    public QueueOptions deadLetter(String queue) {
        return new QueueOptions(leaseTimeout, maxAttempts, Objects.requireNonNull(queue, "dead-letter queue"), deadRetention);
    }

    /** Dead items stay in this queue (state {@code DEAD}) for the retention. */
    public QueueOptions noDeadLetter() {
        return new QueueOptions(leaseTimeout, maxAttempts, null, deadRetention);
    }

    public QueueOptions deadRetention(Duration retention) {
        return new QueueOptions(leaseTimeout, maxAttempts, deadLetterQueue, retention);
    }
}
