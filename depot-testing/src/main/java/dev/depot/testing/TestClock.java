package dev.depot.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock a test moves by hand, so expiry and retention can be tested without sleeping.
 * Thread-safe; never moves by itself.
 */
public final class TestClock implements InstantSource {
    private final AtomicReference<Instant> now;

    /** A clock at {@code 2030-01-01T00:00:00Z}. */
    public TestClock() {
        this(Instant.parse("2030-01-01T00:00:00Z"));
    }

    public TestClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    /** Moves the clock forward (or back, with a negative duration) and returns the new time. */
    public Instant advance(Duration by) {
        Objects.requireNonNull(by, "by");
        return now.updateAndGet(t -> t.plus(by));
    }

    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    @Override
    public String toString() {
        return "TestClock[" + now.get() + "]";
    }
}
