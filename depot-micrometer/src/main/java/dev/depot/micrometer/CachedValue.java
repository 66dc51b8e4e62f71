package dev.depot.micrometer;

import io.micrometer.core.instrument.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * A value read at most once per refresh interval of the registry's clock, so a scrape never costs
 * more than one read of the depot however many gauges it reads. A failed read (depot closed or
 * unreachable) yields null and is retried at the next refresh.
 */
final class CachedValue<T> {
    private final Supplier<T> source;
    private final Clock clock;
    private final long refreshNanos;
    private T value;
    private long readAt;
    private boolean read;

    CachedValue(Supplier<T> source, Clock clock, Duration refresh) {
        this.source = source;
        this.clock = clock;
        this.refreshNanos = refresh.toNanos();
    }

    synchronized T get() {
        long now = clock.monotonicTime();
        if (!read || now - readAt >= refreshNanos) {
            read = true;
            readAt = now;
            try {
                value = source.get();
            } catch (RuntimeException e) { // closed or unreachable: gauges report NaN, never throw
                value = null;
            }
        }
        return value;
    }
}
