package dev.depot;

import java.time.Duration;
import java.util.Objects;

/**
 * How a subscription ({@link ChangeFeed#subscribe(long, ChangeListener, SubscribeOptions)}) treats a
 * listener that throws. Whatever the policy, the exception is logged with its stack trace (naming the
 * event's sequence, collection and key; events hold no stored values), recorded as {@link
 * Subscription#lastError()}, and never reaches the writer.
 *
 * <pre>{@code
 * feed.subscribe(after, listener);                                                   // RETRY, the default
 * feed.subscribe(after, listener, SubscribeOptions.onError(SubscribeOptions.OnError.SKIP));
 * }</pre>
 *
 * @param onError what to do with the event the listener failed on
 * @param initialBackoff the pause before the first retry; it doubles with each further failure
 * @param maxBackoff the longest pause between retries
 * @param ownWrites whether the subscribing depot's own writes are delivered (they are by default);
 *     see {@link #withoutOwnWrites()}
 */
public record SubscribeOptions(OnError onError, Duration initialBackoff, Duration maxBackoff, boolean ownWrites) {

    /** What a subscription does when its listener throws. */
    public enum OnError {
        /**
         * Deliver the same event again after a pause that grows exponentially, until the listener
         * accepts it; later events wait. Delivery is at least once (an event the listener threw on is
         * delivered again) and in order. {@link Subscription#state()} is {@code RETRYING} meanwhile.
         */
        RETRY,
        /** Log, then go on with the next event: the failed event is not delivered again. */
        SKIP,
        /**
         * Stop the subscription ({@link Subscription.State#STOPPED}); its position stays before the
         * failed event, so subscribing again from {@link Subscription#position()} resumes with it.
         */
        STOP
    }

    public SubscribeOptions {
        Objects.requireNonNull(onError, "onError");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        if (initialBackoff.isNegative() || initialBackoff.isZero()) {
            throw new IllegalArgumentException("initialBackoff must be positive, was " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff must be at least initialBackoff, was " + maxBackoff);
        }
    }

    /** The options with a policy and back-off, delivering own writes. */
    public SubscribeOptions(OnError onError, Duration initialBackoff, Duration maxBackoff) {
        this(onError, initialBackoff, maxBackoff, true);
    }

    /** Retry with back-off from 100 ms to 30 s. */
    public static SubscribeOptions defaults() {
        return new SubscribeOptions(OnError.RETRY, Duration.ofMillis(100), Duration.ofSeconds(30));
    }

    /** The defaults with another error policy. */
    public static SubscribeOptions onError(OnError policy) {
        return defaults().withOnError(policy);
    }

    public SubscribeOptions withOnError(OnError policy) {
        return new SubscribeOptions(policy, initialBackoff, maxBackoff, ownWrites);
    }

    /** Retry pauses: {@code initial}, doubling up to {@code max}. */
    public SubscribeOptions withBackoff(Duration initial, Duration max) {
        return new SubscribeOptions(onError, initial, max, ownWrites);
    }

    /**
     * Leaves out the events of writes the subscribing depot made itself (those whose {@link
     * ChangeEvent#origin()} is its {@link Depot#origin()}): the subscription passes over them, its
     * position moving on, and delivers only other depots' writes — what a cache needs that applies
     * its own writes at once (EveryDatabase's cross-process cache sync leaves out its own origin the
     * same way).
     */
    public SubscribeOptions withoutOwnWrites() {
        return new SubscribeOptions(onError, initialBackoff, maxBackoff, false);
    }

    /** The pause before retry number {@code attempt} (1-based). */
    Duration backoff(int attempt) {
        long nanos = initialBackoff.toNanos();
        for (int i = 1; i < attempt && nanos < maxBackoff.toNanos(); i++) {
            nanos *= 2;
        }
        return Duration.ofNanos(Math.min(nanos, maxBackoff.toNanos()));
    }
}
