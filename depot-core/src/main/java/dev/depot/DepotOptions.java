package dev.depot;

import dev.depot.spi.Origins;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Settings for {@link Depot#open(String, DepotOptions)}. Immutable; each {@code with} method returns
 * a copy.
 *
 * @param clock the time source for change events, queue leases and schedules, blob times and
 *     retention; tests pass a controllable one
 * @param poolSize connections for pooled backends (ignored by memory)
 * @param changeRetentionAge change events older than this are dropped
 * @param changeRetentionEvents at most this many change events are kept
 * @param observer told of every operation and retry, for metrics; {@link DepotObserver#NONE} by default
 * @param origin the name this depot's writes carry in the change feed ({@link ChangeEvent#origin()});
 *     {@code null}, the default: a random one per opened depot (see {@link Depot#origin()})
 */
public record DepotOptions(InstantSource clock, int poolSize, Duration changeRetentionAge, long changeRetentionEvents,
        DepotObserver observer, String origin) {

    public DepotOptions {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(changeRetentionAge, "changeRetentionAge");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
        if (changeRetentionAge.isNegative()) {
            throw new IllegalArgumentException("changeRetentionAge must not be negative");
        }
        if (changeRetentionEvents < 0) {
            throw new IllegalArgumentException("changeRetentionEvents must be >= 0, was " + changeRetentionEvents);
        }
        if (origin != null && !Origins.valid(origin)) {
            throw new IllegalArgumentException("origin must be 1 to " + Origins.MAX_LENGTH
                    + " printable ASCII characters without spaces");
        }
    }

    /** The settings with a random origin per opened depot. */
    public DepotOptions(InstantSource clock, int poolSize, Duration changeRetentionAge, long changeRetentionEvents,
            DepotObserver observer) {
        this(clock, poolSize, changeRetentionAge, changeRetentionEvents, observer, null);
    }

    /** The settings without an observer. */
    public DepotOptions(InstantSource clock, int poolSize, Duration changeRetentionAge, long changeRetentionEvents) {
        this(clock, poolSize, changeRetentionAge, changeRetentionEvents, DepotObserver.NONE);
    }

    /** System clock, pool of 10, change events kept for 7 days and at most 1,000,000 of them. */
    public static DepotOptions defaults() {
        return new DepotOptions(InstantSource.system(), 10, Duration.ofDays(7), 1_000_000);
    }

    public DepotOptions clock(InstantSource newClock) {
        return new DepotOptions(newClock, poolSize, changeRetentionAge, changeRetentionEvents, observer, origin);
    }

    public DepotOptions poolSize(int size) {
        return new DepotOptions(clock, size, changeRetentionAge, changeRetentionEvents, observer, origin);
    }

    /** Keeps change events for at most {@code maxAge} and at most {@code maxEvents} of them. */
    public DepotOptions changeRetention(Duration maxAge, long maxEvents) {
        return new DepotOptions(clock, poolSize, maxAge, maxEvents, observer, origin);
    }

    /** Reports every operation and transaction retry to {@code newObserver}; see {@link DepotObserver}. */
    public DepotOptions observer(DepotObserver newObserver) {
        return new DepotOptions(clock, poolSize, changeRetentionAge, changeRetentionEvents, newObserver, origin);
    }

    /**
     * Names this depot's writes in the change feed (1 to 64 printable ASCII characters, no spaces),
     * e.g. a service instance, so its subscribers can tell their own writes from others'; without
     * it each opened depot gets a random origin.
     */
    public DepotOptions origin(String newOrigin) {
        Objects.requireNonNull(newOrigin, "origin");
        return new DepotOptions(clock, poolSize, changeRetentionAge, changeRetentionEvents, observer, newOrigin);
    }
}
