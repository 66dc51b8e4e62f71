package dev.depot.spi;

import dev.depot.ChangeEvent;
import java.time.Duration;
import java.util.List;

/** A backend's change feed storage. Core builds subscriptions on top of it. */
public interface ChangeLog {

    /** Up to {@code limit} committed events with sequence greater than {@code afterSequence}. */
    List<ChangeEvent> since(long afterSequence, int limit);

    /** Sequence of the newest committed event, 0 if none. */
    long lastSequence();

    /**
     * Blocks until an event with sequence greater than {@code afterSequence} may exist, or the
     * timeout passes. Spurious returns are allowed; callers re-read with {@link #since}.
     */
    void awaitAfter(long afterSequence, Duration timeout) throws InterruptedException;
}
